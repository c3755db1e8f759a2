package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"chainmatch/internal/lead"
)

// primeLeadPage reads, for a page of leads, the firms, target parks,
// chains, products and activity pages that the query selects below its
// nodes, one statement each, and primes the request's loaders with them:
// the page's cost then does not rest on how the field resolvers' loads
// happen to batch.
func (r *Resolver) primeLeadPage(ctx context.Context, leads []lead.Lead) error {
	want := leadNodeFields(ctx)
	if len(leads) == 0 || len(want) == 0 {
		return nil
	}
	if err := r.primeActivities(ctx, leads, want["activities"]); err != nil {
		return err
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
	if len(want["enterprise"]) > 0 {
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
	if len(want["targetPark"]) > 0 && len(parks) > 0 {
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
	if len(want["chain"]) > 0 && len(chains) > 0 {
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
	if len(want["products"]) > 0 && len(products) > 0 {
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

// primeActivities reads the activities pages that the selections of
// Lead.activities (one, or several under aliases) ask of every lead of the
// page, and primes the loader with them. Arguments the service refuses are
// left to the field resolver, which reports them on the field.
func (r *Resolver) primeActivities(ctx context.Context, leads []lead.Lead, fields []graphql.CollectedField) error {
	if len(fields) == 0 {
		return nil
	}
	vars := graphql.GetOperationContext(ctx).Variables
	var qs []lead.ActivityQuery
	for _, f := range fields {
		args := f.ArgumentMap(vars)
		first, ok := optInt(args["first"])
		after, ok2 := args["after"].(string)
		if !ok || (args["after"] != nil && !ok2) {
			continue
		}
		var afterP *string
		if ok2 {
			afterP = &after
		}
		for _, l := range leads {
			q, err := r.Leads.ActivityQueryOf(l.ID, first, afterP)
			if err != nil {
				break
			}
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return nil
	}
	ps, err := r.Leads.ActivityPages(ctx, qs)
	if err != nil {
		return err
	}
	l := r.loaders(ctx)
	for i := range ps {
		l.ActivityPage.Prime(qs[i], &ps[i])
	}
	return nil
}

// optInt reads an optional Int argument; ok is false for anything else.
func optInt(v any) (n *int, ok bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case int:
		return &x, true
	case int64:
		i := int(x)
		return &i, true
	}
	return nil, false
}

// leadNodeFields collects, by name, the fields selected on edges.node of
// the current LeadConnection field (several for a field under aliases).
func leadNodeFields(ctx context.Context) map[string][]graphql.CollectedField {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	out := map[string][]graphql.CollectedField{}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, []string{"LeadConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{"LeadEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{"Lead", "Node"}) {
				out[f.Name] = append(out[f.Name], f)
			}
		}
	}
	return out
}
