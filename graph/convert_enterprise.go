package graph

import (
	"chainmatch/graph/model"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
)

// enterpriseInput converts a GraphQL EnterpriseInput to the domain Input.
// Ids stay global ids: the service decodes them and names the field at
// fault.
func enterpriseInput(in model.EnterpriseInput) enterprise.Input {
	out := enterprise.Input{
		USCC: in.Uscc, Name: in.Name, NameEn: in.NameEn, IsLocal: in.IsLocal,
		DistrictCode: in.DistrictCode, ParkID: in.ParkID, HomeCity: in.HomeCity, Founded: in.Founded,
	}
	if in.Location != nil {
		out.Location = &geo.Point{Latitude: in.Location.Latitude, Longitude: in.Location.Longitude}
	}
	if in.Designations != nil {
		out.Designations = make([]enterprise.DesignationGrant, len(in.Designations))
		for i, g := range in.Designations {
			out.Designations[i] = enterprise.DesignationGrant{Designation: g.Designation, Year: g.Year}
		}
	}
	if in.Products != nil {
		out.Products = make([]enterprise.OfferInput, len(in.Products))
		for i, p := range in.Products {
			out.Products[i] = enterprise.OfferInput{ProductID: p.ProductID, AnnualCapacity: p.AnnualCapacity, Unit: p.Unit}
		}
	}
	if in.Needs != nil {
		out.Needs = make([]enterprise.NeedInput, len(in.Needs))
		for i, n := range in.Needs {
			out.Needs[i] = enterprise.NeedInput{ProductID: n.ProductID, AnnualVolume: n.AnnualVolume, Unit: n.Unit}
		}
	}
	if c := in.Contact; c != nil {
		out.Contact = &enterprise.Contact{Person: c.Person, Phone: c.Phone, Email: c.Email}
	}
	return out
}

func enterpriseInputs(ins []model.EnterpriseInput) []enterprise.Input {
	out := make([]enterprise.Input, len(ins))
	for i, in := range ins {
		out[i] = enterpriseInput(in)
	}
	return out
}

func supplyInput(in model.SupplyRelationInput) enterprise.SupplyInput {
	return enterprise.SupplyInput{SupplierID: in.SupplierID, CustomerID: in.CustomerID, ProductID: in.ProductID, Since: in.Since}
}

func enterpriseFilter(f *model.EnterpriseFilter) enterprise.Filter {
	if f == nil {
		return enterprise.Filter{}
	}
	out := enterprise.Filter{
		DistrictCode: f.DistrictCode, ParkID: f.ParkID, ChainID: f.ChainID, SegmentID: f.SegmentID,
		MakesProductID: f.MakesProductID, NeedsProductID: f.NeedsProductID, Designations: f.Designations,
		IsLocal: f.IsLocal, NameContains: f.NameContains, DataSource: f.DataSource,
	}
	if w := f.Within; w != nil {
		out.Within = &enterprise.Circle{Center: geo.Point{Latitude: w.Latitude, Longitude: w.Longitude}, RadiusKm: w.RadiusKm}
	}
	return out
}

func enterpriseOrder(o *model.EnterpriseOrder) enterprise.Order {
	if o == nil {
		return enterprise.Order{Field: enterprise.OrderByUSCC}
	}
	return enterprise.Order{
		Field: enterprise.OrderField(o.Field),
		Desc:  o.Direction != nil && *o.Direction == model.OrderDirectionDesc,
	}
}

func enterpriseConnection(p enterprise.Page) *model.EnterpriseConnection {
	c := &model.EnterpriseConnection{Edges: make([]model.EnterpriseEdge, len(p.Enterprises)), TotalCount: p.Total}
	for i := range p.Enterprises {
		c.Edges[i] = model.EnterpriseEdge{Cursor: p.Cursors[i], Node: &p.Enterprises[i]}
	}
	c.PageInfo = pageInfo(p.Cursors, p.HasNext, p.HasPrevious)
	return c
}

func supplyPage(p enterprise.SupplyPage) *model.SupplyRelationConnection {
	c := &model.SupplyRelationConnection{Edges: make([]model.SupplyRelationEdge, len(p.Relations)), TotalCount: p.Total}
	for i := range p.Relations {
		c.Edges[i] = model.SupplyRelationEdge{Cursor: p.Cursors[i], Node: &p.Relations[i]}
	}
	c.PageInfo = pageInfo(p.Cursors, p.HasNext, p.HasPrevious)
	return c
}

func pageInfo(cursors []string, next, prev bool) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: next, HasPreviousPage: prev}
	if n := len(cursors); n > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[n-1]
	}
	return pi
}

func importResult(r enterprise.ImportResult) *model.ImportResult {
	out := &model.ImportResult{Ok: r.OK, Created: r.Created, Updated: r.Updated, Errors: make([]model.ImportRowError, len(r.Errors))}
	for i, e := range r.Errors {
		out.Errors[i] = model.ImportRowError{Row: e.Row, Field: e.Field, Message: e.Message, Code: string(e.Code)}
	}
	if len(r.Errors) > 0 {
		out.Created, out.Updated = 0, 0
	}
	return out
}
