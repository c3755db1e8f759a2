package graph

import (
	"chainmatch/graph/model"
	"chainmatch/internal/chain"
)

func productConnection(p chain.ProductPage) *model.ProductConnection {
	c := &model.ProductConnection{Edges: make([]model.ProductEdge, len(p.Products)), TotalCount: p.Total}
	for i := range p.Products {
		c.Edges[i] = model.ProductEdge{Cursor: p.Cursors[i], Node: &p.Products[i]}
	}
	c.PageInfo = pageInfo(p.Cursors, p.HasNext, p.HasPrevious)
	return c
}

func productOf(in model.ProductInput) chain.Product {
	return chain.Product{Code: in.Code, Name: in.Name, NameEn: in.NameEn}
}

func chainRecord(in model.ChainInput) chain.ChainRecord {
	r := chain.ChainRecord{Chain: chain.IndustrialChain{Code: in.Code, Name: in.Name, NameEn: in.NameEn}}
	if in.Segments != nil {
		r.Segments = make([]chain.ChainSegment, len(in.Segments))
		for i, s := range in.Segments {
			r.Segments[i] = chain.ChainSegment{Code: s.Code, Name: s.Name, NameEn: s.NameEn, Stage: s.Stage}
		}
	}
	return r
}

// derefs turns loaded pointers into values, dropping the missing ones.
func derefs[T any](ps []*T) []T {
	out := make([]T, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}
