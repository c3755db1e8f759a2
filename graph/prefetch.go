package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"
	"golang.org/x/sync/errgroup"

	"chainmatch/graph/model"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/match"
)

// Prefetching makes the batching of pages deterministic. Left to
// themselves, the field resolvers of a page's rows call Load concurrently
// and a loader sends what arrived within loaderWait; on a busy machine a
// batch can split. Instead, a list resolver that has loaded a page looks
// at the fields the operation selects below it, fetches each batched field
// once for all rows of the page (one service call each, the independent
// ones concurrently), primes the loaders with the results and descends to
// the next level. The field resolvers then read their values from the
// loaders' caches. Only what the operation selects is fetched.

// Selection sets name the types their fields may come from.
var (
	enterpriseTypes     = []string{"Enterprise", "Node"}
	productTypes        = []string{"Product", "Node"}
	supplyRelationTypes = []string{"SupplyRelation"}
	matchTypes          = []string{"Match"}
)

// fieldsOf collects the fields selected below fs (merged, fragments
// applied) for an object of one of types.
func fieldsOf(ctx context.Context, fs []graphql.CollectedField, types []string) []graphql.CollectedField {
	op := graphql.GetOperationContext(ctx)
	var out []graphql.CollectedField
	for _, f := range fs {
		out = append(out, graphql.CollectFields(op, f.Selections, types)...)
	}
	return out
}

// named returns the fields of fs named name (one per alias).
func named(fs []graphql.CollectedField, name string) []graphql.CollectedField {
	var out []graphql.CollectedField
	for _, f := range fs {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}

// connectionNodes returns the fields selected on the nodes of the
// connection field fs (edges { node { ... } }).
func connectionNodes(ctx context.Context, fs []graphql.CollectedField, connection string, node []string) []graphql.CollectedField {
	edges := named(fieldsOf(ctx, fs, []string{connection}), "edges")
	nodes := named(fieldsOf(ctx, edges, []string{connection[:len(connection)-len("Connection")] + "Edge"}), "node")
	return fieldsOf(ctx, nodes, node)
}

// keyOnly reports whether a selection on a product asks only for what its
// code gives (code, id, __typename). A supply relation names its product by
// code, and a product that a relation names cannot be deleted (DeleteProduct
// refuses in the same statement), so such a selection needs no read.
func keyOnly(fs []graphql.CollectedField) bool {
	for _, f := range fs {
		switch f.Name {
		case "code", "id", "__typename":
		default:
			return false
		}
	}
	return true
}

// currentField is the field being resolved, as a selection list.
func currentField(ctx context.Context) []graphql.CollectedField {
	return []graphql.CollectedField{graphql.GetFieldContext(ctx).Field}
}

// pageArgs reads a connection field's first and after arguments.
func pageArgs(ctx context.Context, f graphql.CollectedField) (first *int, after *string, ok bool) {
	args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return nil, nil, false
		}
		first = &n
	}
	if v := args["after"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, nil, false
		}
		after = &s
	}
	return first, after, true
}

// prime fetches keys (deduplicated) with one batch call, primes l with the
// results and returns them with their keys.
func prime[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], fetch func(context.Context, []K) ([]V, error), keys []K) ([]K, []V, error) {
	keys = distinct(keys)
	if len(keys) == 0 {
		return nil, nil, nil
	}
	vs, err := fetch(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	for i, k := range keys {
		l.Prime(k, vs[i])
	}
	return keys, vs, nil
}

func distinct[K comparable](keys []K) []K {
	seen := make(map[K]bool, len(keys))
	out := make([]K, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// parallel runs the jobs concurrently and returns the first error.
func parallel(jobs ...func() error) error {
	var g errgroup.Group
	for _, job := range jobs {
		g.Go(job)
	}
	return g.Wait()
}

// prefetchOnce prefetches below a connection page unless that was already
// done (the page came from a loader its parent's prefetch primed).
func (r *Resolver) prefetchOnce(ctx context.Context, page any, prefetch func() error) error {
	if _, done := r.loaders(ctx).prefetched.LoadOrStore(page, true); done {
		return nil
	}
	return prefetch()
}

// supplyConnection loads one page of an enterprise's suppliers or
// customers through the request's loader (one statement for the pages of
// all parents) and prefetches what is selected below it.
func (r *Resolver) supplyConnection(ctx context.Context, uscc string, side enterprise.Side, first *int, after *string) (*model.SupplyRelationConnection, error) {
	q, err := r.Enterprises.SupplyQueryOf(uscc, side, first, after)
	if err != nil {
		return nil, err
	}
	p, err := r.loaders(ctx).SupplyPage.Load(ctx, q)
	if err != nil {
		return nil, err
	}
	err = r.prefetchOnce(ctx, p, func() error {
		return r.prefetchSupply(ctx, connectionNodes(ctx, currentField(ctx), "SupplyRelationConnection", supplyRelationTypes), p.Relations, nil)
	})
	if err != nil {
		return nil, err
	}
	return supplyPage(*p), nil
}

// prefetchEnterprises fetches the batched fields sel selects on es.
func (r *Resolver) prefetchEnterprises(ctx context.Context, sel []graphql.CollectedField, es []enterprise.Enterprise) error {
	return r.prefetchEnterprisesWith(ctx, sel, es, nil)
}

// detailWants is what sel selects of the enterprises usccs that one
// statement reads (chain.Service.DetailsOf): their own parts, and the
// supplier and customer windows for every distinct argument set; relSel is
// what is selected on those windows' relations.
func (r *Resolver) detailWants(ctx context.Context, sel []graphql.CollectedField, usccs []string) (w chain.DetailWants, relSel []graphql.CollectedField) {
	has := func(name string) bool { return len(named(sel, name)) > 0 }
	w = chain.DetailWants{Designations: has("designations"), District: has("district"), Park: has("park"),
		Chains: has("chains"), Offers: has("products"), Needs: has("needs")}
	for _, side := range []struct {
		field string
		side  enterprise.Side
	}{{"suppliers", enterprise.Suppliers}, {"customers", enterprise.Customers}} {
		for _, f := range named(sel, side.field) {
			first, after, ok := pageArgs(ctx, f)
			if !ok {
				continue
			}
			for _, u := range usccs {
				q, err := r.Enterprises.SupplyQueryOf(u, side.side, first, after)
				if err != nil {
					break // the field resolver reports it
				}
				w.Supply = append(w.Supply, q)
			}
			relSel = append(relSel, connectionNodes(ctx, []graphql.CollectedField{f}, "SupplyRelationConnection", supplyRelationTypes)...)
		}
	}
	w.Supply = distinct(w.Supply)
	return w, relSel
}

// prefetchEnterprisesWith is prefetchEnterprises for es whose details,
// when not nil, were already read with r.detailWants(ctx, sel, their
// USCCs), as enterprise(id|uscc) reads them together with the enterprise.
func (r *Resolver) prefetchEnterprisesWith(ctx context.Context, sel []graphql.CollectedField, es []enterprise.Enterprise, details []chain.EnterpriseDetail) error {
	if len(es) == 0 || len(sel) == 0 {
		return nil
	}
	l, svc, cat := r.loaders(ctx), r.Enterprises, r.Catalog
	usccs := make([]string, len(es))
	for i, e := range es {
		usccs[i] = e.USCC
	}
	var jobs []func() error
	if len(named(sel, "contact")) > 0 {
		jobs = append(jobs, func() error { _, _, err := prime(ctx, l.Contact, svc.ContactsOf, usccs); return err })
	}
	// Designations, district, park, chains, offers and needs with their
	// products, suppliers and customers: one statement for whatever of
	// them is selected, then what is selected below them.
	want, relSel := r.detailWants(ctx, sel, usccs)
	if want.Any() {
		jobs = append(jobs, func() error {
			ds := details
			if ds == nil {
				var err error
				if ds, err = cat.DetailsOf(ctx, usccs, want); err != nil {
					return err
				}
			}
			var products []chain.Product
			windows := make([]enterprise.SupplyWindow, len(want.Supply))
			for i, u := range usccs {
				d := ds[i]
				if want.Designations {
					l.Designations.Prime(u, d.Designations)
				}
				if want.Chains {
					l.ChainsOf.Prime(u, d.Chains)
				}
				if want.Offers {
					l.Offers.Prime(u, d.Offers)
				}
				if want.Needs {
					l.Needs.Prime(u, d.Needs)
				}
				if d.District != nil {
					l.District.Prime(d.District.Code, d.District)
				}
				if d.Park != nil {
					l.Park.Prime(d.Park.Code, d.Park)
				}
				for j := range d.Products {
					l.Product.Prime(d.Products[j].Code, &d.Products[j])
					products = append(products, d.Products[j])
				}
				for j, w := range d.Supply {
					windows[j] = w
				}
			}
			var rels []enterprise.SupplyRelation
			for i, p := range enterprise.SupplyPagesOf(want.Supply, windows) {
				l.SupplyPage.Prime(want.Supply[i], &p)
				l.prefetched.Store(&p, true)
				rels = append(rels, p.Relations...)
			}
			parents := make(map[string]*enterprise.Enterprise, len(es))
			for i := range es {
				parents[es[i].USCC] = &es[i]
			}
			offersAndNeeds := slices.Concat(named(sel, "products"), named(sel, "needs"))
			productSel := fieldsOf(ctx, named(fieldsOf(ctx, offersAndNeeds, nil), "product"), productTypes)
			return parallel(
				func() error { return r.prefetchProducts(ctx, productSel, uniqueProducts(products)) },
				func() error { return r.prefetchSupply(ctx, relSel, rels, parents) })
		})
	}
	return parallel(jobs...)
}

// prefetchSupply fetches the batched fields sel selects on rels: the
// suppliers and customers (and what is selected on them) and the products.
// parents are the enterprises whose relations these are, when known.
func (r *Resolver) prefetchSupply(ctx context.Context, sel []graphql.CollectedField, rels []enterprise.SupplyRelation, parents map[string]*enterprise.Enterprise) error {
	if len(rels) == 0 || len(sel) == 0 {
		return nil
	}
	// The partners read with the relations, and the parents, prime the
	// enterprise loader; only the other ends are fetched.
	l := r.loaders(ctx)
	var usccs, products []string
	var partners []enterprise.Enterprise
	ends := append(named(sel, "supplier"), named(sel, "customer")...)
	end := func(rel enterprise.SupplyRelation, uscc string) {
		p := rel.Partner
		if p == nil || p.USCC != uscc {
			p = parents[uscc]
		}
		if p != nil {
			l.Enterprise.Prime(uscc, p)
			partners = append(partners, *p)
			return
		}
		usccs = append(usccs, uscc)
	}
	for _, rel := range rels {
		if len(named(sel, "supplier")) > 0 {
			end(rel, rel.SupplierUSCC)
		}
		if len(named(sel, "customer")) > 0 {
			end(rel, rel.CustomerUSCC)
		}
		if rel.ProductCode != nil {
			products = append(products, *rel.ProductCode)
		}
	}
	return parallel(
		func() error {
			if len(ends) == 0 {
				return nil
			}
			_, es, err := prime(ctx, l.Enterprise, r.Enterprises.ByUSCC, usccs)
			if err != nil {
				return err
			}
			return r.prefetchEnterprises(ctx, fieldsOf(ctx, ends, enterpriseTypes), uniqueEnterprises(append(partners, derefs(es)...)))
		},
		func() error {
			ps := named(sel, "product")
			if len(ps) == 0 || keyOnly(fieldsOf(ctx, ps, productTypes)) {
				return nil // the relation's product code answers it (Product of supplyRelationResolver)
			}
			return r.prefetchProductsByCode(ctx, fieldsOf(ctx, ps, productTypes), products)
		})
}

// prefetchProductsByCode loads the products into the request's loader,
// then what sel selects on them.
func (r *Resolver) prefetchProductsByCode(ctx context.Context, sel []graphql.CollectedField, codes []string) error {
	_, ps, err := prime(ctx, r.loaders(ctx).Product, r.Catalog.ProductsByCode, codes)
	if err != nil {
		return err
	}
	return r.prefetchProducts(ctx, sel, derefs(ps))
}

// prefetchProducts fetches the batched fields sel selects on ps: segment,
// inputs, usedIn and producers (and what is selected on the producers).
func (r *Resolver) prefetchProducts(ctx context.Context, sel []graphql.CollectedField, ps []chain.Product) error {
	if len(ps) == 0 || len(sel) == 0 {
		return nil
	}
	l, cat := r.loaders(ctx), r.Catalog
	codes := make([]string, len(ps))
	var segments []string
	for i, p := range ps {
		codes[i] = p.Code
		if p.SegmentCode != nil {
			segments = append(segments, *p.SegmentCode)
		}
	}
	var jobs []func() error
	has := func(name string) bool { return len(named(sel, name)) > 0 }
	if has("segment") {
		jobs = append(jobs, func() error { _, _, err := prime(ctx, l.Segment, cat.SegmentsByCode, segments); return err })
	}
	if has("inputs") {
		jobs = append(jobs, func() error { _, _, err := prime(ctx, l.Inputs, cat.InputsOf, codes); return err })
	}
	if has("usedIn") {
		jobs = append(jobs, func() error { _, _, err := prime(ctx, l.UsedIn, cat.UsedIn, codes); return err })
	}
	var qs []enterprise.ProducerQuery
	var nodeSel []graphql.CollectedField
	for _, f := range named(sel, "producers") {
		first, after, ok := pageArgs(ctx, f)
		if !ok {
			continue
		}
		for _, c := range codes {
			q, err := r.Enterprises.ProducerQueryOf(c, first, after)
			if err != nil {
				break // the field resolver reports it
			}
			qs = append(qs, q)
		}
		nodeSel = append(nodeSel, connectionNodes(ctx, []graphql.CollectedField{f}, "EnterpriseConnection", enterpriseTypes)...)
	}
	if len(qs) > 0 {
		jobs = append(jobs, func() error {
			_, pages, err := prime(ctx, l.ProducerPage, pointers(r.Enterprises.ProducerPages), qs)
			if err != nil {
				return err
			}
			var es []enterprise.Enterprise
			for _, p := range pages {
				l.prefetched.Store(p, true)
				es = append(es, p.Enterprises...)
			}
			return r.prefetchEnterprises(ctx, nodeSel, uniqueEnterprises(es))
		})
	}
	return parallel(jobs...)
}

// uniqueEnterprises drops repeated enterprises (a firm that makes two of
// the listed products), keeping the first.
func uniqueEnterprises(es []enterprise.Enterprise) []enterprise.Enterprise {
	return uniqueBy(es, func(e enterprise.Enterprise) string { return e.USCC })
}

// uniqueProducts drops repeated products (made or needed by several of the
// listed firms), keeping the first.
func uniqueProducts(ps []chain.Product) []chain.Product {
	return uniqueBy(ps, func(p chain.Product) string { return p.Code })
}

func uniqueBy[T any](xs []T, key func(T) string) []T {
	seen := map[string]bool{}
	return slices.DeleteFunc(xs, func(x T) bool {
		k := key(x)
		dup := seen[k]
		seen[k] = true
		return dup
	})
}

// withMatches prefetches what the current field selects on the matches a
// service returned (see prefetchMatches), passing the service's error on.
func (r *Resolver) withMatches(ctx context.Context) func([]match.Match, error) ([]match.Match, error) {
	return func(ms []match.Match, err error) ([]match.Match, error) {
		if err != nil {
			return nil, err
		}
		if err := r.prefetchMatches(ctx, fieldsOf(ctx, currentField(ctx), matchTypes), ms, nil, nil); err != nil {
			return nil, err
		}
		return ms, nil
	}
}

// prefetchMatches loads, one batch each, the candidates of ms with what
// sel (fields selected on Match) asks of them, and the products of ms —
// plus extraCodes when extraSel (fields named product of another type)
// is selected — with what is asked of them. A match list then costs the
// same statements whatever its length and however its resolvers are
// scheduled.
func (r *Resolver) prefetchMatches(ctx context.Context, sel []graphql.CollectedField, ms []match.Match, extraCodes []string, extraSel []graphql.CollectedField) error {
	l := r.loaders(ctx)
	candidates, products := named(sel, "candidate"), named(sel, "product")
	var usccs, codes []string
	for _, m := range ms {
		usccs = append(usccs, m.CandidateUSCC)
		if m.ProductCode != nil && len(products) > 0 {
			codes = append(codes, *m.ProductCode)
		}
	}
	if len(extraSel) > 0 {
		codes = append(codes, extraCodes...)
	}
	return parallel(
		func() error {
			if len(candidates) == 0 || len(usccs) == 0 {
				return nil
			}
			_, es, err := prime(ctx, l.Enterprise, r.Enterprises.ByUSCC, usccs)
			if err != nil {
				return err
			}
			return r.prefetchEnterprises(ctx, fieldsOf(ctx, candidates, enterpriseTypes), uniqueEnterprises(derefs(es)))
		},
		func() error {
			if len(codes) == 0 {
				return nil
			}
			return r.prefetchProductsByCode(ctx, fieldsOf(ctx, slices.Concat(products, extraSel), productTypes), codes)
		})
}

// prefetchGaps loads what the current chainGaps field selects: the gaps'
// segments, and their products together with their candidates' products,
// and the candidates.
func (r *Resolver) prefetchGaps(ctx context.Context, gaps []match.ChainGap) error {
	sel := fieldsOf(ctx, currentField(ctx), []string{"ChainGap"})
	var segments, products []string
	for _, g := range gaps {
		segments = append(segments, g.SegmentCode)
		products = append(products, g.ProductCode)
	}
	var ms []match.Match
	var matchSel []graphql.CollectedField
	for _, f := range named(sel, "candidates") {
		first, _, ok := pageArgs(ctx, f)
		if !ok {
			continue
		}
		for i := range gaps {
			cs, err := r.Matches.GapCandidates(ctx, &gaps[i], first)
			if err != nil {
				break // the field resolver reports it
			}
			ms = append(ms, cs...)
		}
		matchSel = append(matchSel, fieldsOf(ctx, []graphql.CollectedField{f}, matchTypes)...)
	}
	l := r.loaders(ctx)
	return parallel(
		func() error {
			if len(named(sel, "segment")) == 0 {
				return nil
			}
			_, _, err := prime(ctx, l.Segment, r.Catalog.SegmentsByCode, segments)
			return err
		},
		func() error { return r.prefetchMatches(ctx, matchSel, ms, products, named(sel, "product")) })
}
