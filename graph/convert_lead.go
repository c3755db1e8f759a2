package graph

import (
	"chainmatch/graph/model"
	"chainmatch/internal/lead"
)

func createLeadInput(in model.CreateLeadInput) lead.CreateInput {
	return lead.CreateInput{
		EnterpriseID: in.EnterpriseID, Owner: in.Owner, TargetParkID: in.TargetParkID,
		ProductIDs: in.ProductIds, ChainID: in.ChainID,
		ExpectedInvestmentYuan: in.ExpectedInvestmentYuan, NextActionAt: in.NextActionAt,
	}
}

func updateLeadInput(in model.UpdateLeadInput) lead.UpdateInput {
	u := lead.UpdateInput{
		Owner: in.Owner, TargetParkID: in.TargetParkID, ProductIDs: in.ProductIds, ChainID: in.ChainID,
		ExpectedInvestmentYuan: in.ExpectedInvestmentYuan, NextActionAt: in.NextActionAt,
	}
	for _, c := range in.Clear {
		switch c {
		case model.LeadClearableFieldTargetPark:
			u.ClearTargetPark = true
		case model.LeadClearableFieldChain:
			u.ClearChain = true
		case model.LeadClearableFieldExpectedInvestment:
			u.ClearExpected = true
		case model.LeadClearableFieldNextAction:
			u.ClearNextAction = true
		}
	}
	return u
}

func leadActivityInput(in model.LeadActivityInput) lead.ActivityInput {
	return lead.ActivityInput{Kind: in.Kind, Note: in.Note, At: in.At}
}

func leadListInput(f *model.LeadFilter, first *int, after *string) lead.ListInput {
	in := lead.ListInput{First: first, After: after}
	if f != nil {
		in.Stages, in.Owner, in.ChainID, in.DistrictCode = f.Stage, f.Owner, f.ChainID, f.DistrictCode
		in.ParkID, in.EnterpriseID, in.NextActionOverdue = f.ParkID, f.EnterpriseID, f.NextActionOverdue
	}
	return in
}

func leadConnection(p lead.Page) *model.LeadConnection {
	c := &model.LeadConnection{Edges: make([]model.LeadEdge, len(p.Leads)), TotalCount: p.TotalCount}
	cursors := make([]string, len(p.Leads))
	for i := range p.Leads {
		l := &p.Leads[i]
		cursors[i] = lead.EncodeCursor(lead.Cursor{At: l.CreatedAt, ID: l.ID})
		c.Edges[i] = model.LeadEdge{Node: l, Cursor: cursors[i]}
	}
	c.PageInfo = pageInfo(cursors, p.HasNextPage, p.HasPreviousPage)
	return c
}

func leadActivityConnection(p lead.ActivityPage) *model.LeadActivityConnection {
	c := &model.LeadActivityConnection{Edges: make([]model.LeadActivityEdge, len(p.Activities))}
	cursors := make([]string, len(p.Activities))
	for i := range p.Activities {
		a := &p.Activities[i]
		cursors[i] = lead.EncodeCursor(lead.Cursor{At: a.At, ID: a.ID})
		c.Edges[i] = model.LeadActivityEdge{Node: a, Cursor: cursors[i]}
	}
	c.PageInfo = pageInfo(cursors, p.HasNextPage, p.HasPreviousPage)
	return c
}
