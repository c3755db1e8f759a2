package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"chainmatch/internal/lead"
)

// primeLeadPage reads, for a page of leads, the firms, target parks,
// chains and products that the query selects below its nodes, one
// statement each, and primes the request's loaders with them: the page's
// cost then does not rest on how the field resolvers' loads happen to
// batch.
func (r *Resolver) primeLeadPage(ctx context.Context, leads []lead.Lead) error {
	want := leadNodeFields(ctx)
	if len(leads) == 0 || len(want) == 0 {
		return nil
	}
	var usccs, parks, chains, products []string
	for _, l := range leads {
		usccs = append(usccs, l.EnterpriseUSCC)
		if l.ParkCode != nil {
			parks = append(parks, *l.ParkCode)
		}
		if l.ChainCode != nil {
			chains = append(chains, *l.ChainCode)
		}
		products = append(products, l.ProductCodes...)
	}
	l := r.loaders(ctx)
	if want["enterprise"] {
		es, err := r.Enterprises.ByUSCC(ctx, usccs)
		if err != nil {
			return err
		}
		for i, e := range es {
			if e != nil {
				l.Enterprise.Prime(usccs[i], e)
			}
		}
	}
	if want["targetPark"] && len(parks) > 0 {
		ps, err := r.Catalog.ParksByCode(ctx, parks)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if p != nil {
				l.Park.Prime(parks[i], p)
			}
		}
	}
	if want["chain"] && len(chains) > 0 {
		cs, err := r.Catalog.ChainsByCode(ctx, chains)
		if err != nil {
			return err
		}
		for i, c := range cs {
			if c != nil {
				l.Chain.Prime(chains[i], c)
			}
		}
	}
	if want["products"] && len(products) > 0 {
		ps, err := r.Catalog.ProductsByCode(ctx, products)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if p != nil {
				l.Product.Prime(products[i], p)
			}
		}
	}
	return nil
}

// leadNodeFields names the fields selected on edges.node of the current
// LeadConnection field.
func leadNodeFields(ctx context.Context) map[string]bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	out := map[string]bool{}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, []string{"LeadConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{"LeadEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{"Lead", "Node"}) {
				out[f.Name] = true
			}
		}
	}
	return out
}
