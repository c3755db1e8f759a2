package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"chainmatch/graph/model"
	"chainmatch/internal/catalog"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/match"
)

// How a page is read. A list resolver that has loaded a page builds, from
// the fields its operation selects below the rows, a typed projection
// (enterprise.Projection for enterprises) and hands it to one service
// method, which reads those parts of all rows with one statement. It
// primes the request's loaders with the answer and goes on one level down
// (the products of those parts, the partners of the supply relations).
// Fields a projection does not cover are resolved through the loaders
// (loaders.go), which batch the keys of one level. The steps run one after
// the other: the request's reads share one transaction, which runs one
// statement at a time anyway.
//
// The read path looks at a selection only through the schemaField values
// below; TestReadPathFieldsExist checks each against the executable
// schema, so a renamed schema field fails a test instead of silently
// losing its batching.

// schemaField is a field of a GraphQL type that the read path looks for.
type schemaField struct{ typ, name string }

// readPathFields lists every schemaField (field registers them).
var readPathFields []schemaField

func field(typ, name string) schemaField {
	f := schemaField{typ, name}
	readPathFields = append(readPathFields, f)
	return f
}

// The fields the read path looks for, by type.
var (
	enterpriseConnectionEdges = field("EnterpriseConnection", "edges")
	enterpriseConnectionTotal = field("EnterpriseConnection", "totalCount")
	enterpriseEdgeNode        = field("EnterpriseEdge", "node")
	enterpriseDesignations    = field("Enterprise", "designations")
	enterpriseDistrict        = field("Enterprise", "district")
	enterprisePark            = field("Enterprise", "park")
	enterpriseChains          = field("Enterprise", "chains")
	enterpriseProducts        = field("Enterprise", "products")
	enterpriseNeeds           = field("Enterprise", "needs")
	enterpriseSuppliers       = field("Enterprise", "suppliers")
	enterpriseCustomers       = field("Enterprise", "customers")
	enterpriseContact         = field("Enterprise", "contact")
	productOfferProduct       = field("ProductOffer", "product")
	productNeedProduct        = field("ProductNeed", "product")
	supplyConnectionEdges     = field("SupplyRelationConnection", "edges")
	supplyEdgeNode            = field("SupplyRelationEdge", "node")
	supplySupplier            = field("SupplyRelation", "supplier")
	supplyCustomer            = field("SupplyRelation", "customer")
	supplyProduct             = field("SupplyRelation", "product")
	productConnectionEdges    = field("ProductConnection", "edges")
	productEdgeNode           = field("ProductEdge", "node")
	productSegment            = field("Product", "segment")
	productInputs             = field("Product", "inputs")
	productUsedIn             = field("Product", "usedIn")
	productProducers          = field("Product", "producers")
	productCode               = field("Product", "code")
	productID                 = field("Product", "id")
	matchCandidate            = field("Match", "candidate")
	matchProduct              = field("Match", "product")
	gapSegment                = field("ChainGap", "segment")
	gapProduct                = field("ChainGap", "product")
	gapCandidates             = field("ChainGap", "candidates")
	searchHitNode             = field("SearchHit", "node")
)

// Selections name the types their fields may come from (an interface
// fragment such as `... on Node` applies to the types implementing it).
var satisfies = map[string][]string{
	"Enterprise": {"Enterprise", "Node"},
	"Product":    {"Product", "Node"},
}

func typesOf(typ string) []string {
	if ts, ok := satisfies[typ]; ok {
		return ts
	}
	return []string{typ}
}

// below collects the fields selected below fs (merged, fragments applied)
// on an object of type typ.
func below(ctx context.Context, fs []graphql.CollectedField, typ string) []graphql.CollectedField {
	op := graphql.GetOperationContext(ctx)
	var out []graphql.CollectedField
	for _, f := range fs {
		out = append(out, graphql.CollectFields(op, f.Selections, typesOf(typ))...)
	}
	return out
}

// selected returns the fields of sel that are f (one per alias).
func selected(sel []graphql.CollectedField, f schemaField) []graphql.CollectedField {
	var out []graphql.CollectedField
	for _, c := range sel {
		if c.Name == f.name {
			out = append(out, c)
		}
	}
	return out
}

func has(sel []graphql.CollectedField, f schemaField) bool { return len(selected(sel, f)) > 0 }

// nodes returns the fields selected on the nodes of the connection fields
// fs (edges { node { ... } }).
func nodes(ctx context.Context, fs []graphql.CollectedField, edges, node schemaField, nodeType string) []graphql.CollectedField {
	es := selected(below(ctx, fs, edges.typ), edges)
	return below(ctx, selected(below(ctx, es, node.typ), node), nodeType)
}

// currentField is the field being resolved, as a selection list.
func currentField(ctx context.Context) []graphql.CollectedField {
	return []graphql.CollectedField{graphql.GetFieldContext(ctx).Field}
}

// pageArgs reads a connection field's first and after arguments.
func pageArgs(ctx context.Context, f graphql.CollectedField) (first *int, after *string, err error) {
	args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return nil, nil, err
		}
		first = &n
	}
	if v := args["after"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, nil, err
		}
		after = &s
	}
	return first, after, nil
}

// wantsTotal reports whether the current connection field selects its
// totalCount.
func wantsTotal(ctx context.Context) bool {
	return has(below(ctx, currentField(ctx), enterpriseConnectionTotal.typ), enterpriseConnectionTotal)
}

// searchParts is what the current search field's selection asks of the
// objects found: their places when it selects an enterprise's district or
// park or a product's segment (chain.HitParts).
func searchParts(ctx context.Context) chain.HitParts {
	node := selected(below(ctx, currentField(ctx), searchHitNode.typ), searchHitNode)
	ent, prod := below(ctx, node, "Enterprise"), below(ctx, node, "Product")
	return chain.HitParts{Places: has(ent, enterpriseDistrict) || has(ent, enterprisePark) || has(prod, productSegment)}
}

// enterpriseReading is what a selection on Enterprise asks of the rows of
// a page: the projection one service call reads, and the selections one
// level down.
type enterpriseReading struct {
	projection enterprise.Projection
	contact    bool
	products   []graphql.CollectedField // on the products of offers and needs
	relations  []graphql.CollectedField // on the supplier and customer relations
}

// enterpriseProjection maps the fields sel selects on Enterprise to the
// members of enterprise.Projection (the parts read with the rows usccs).
// Bad page arguments below the rows are errors, as the field resolver
// would report them.
func (r *Resolver) enterpriseProjection(ctx context.Context, sel []graphql.CollectedField, usccs []string) (enterpriseReading, error) {
	var rd enterpriseReading
	p := &rd.projection
	p.Designations = has(sel, enterpriseDesignations)
	p.District = has(sel, enterpriseDistrict)
	p.Park = has(sel, enterprisePark)
	p.Chains = has(sel, enterpriseChains)
	p.Offers = has(sel, enterpriseProducts)
	p.Needs = has(sel, enterpriseNeeds)
	rd.contact = has(sel, enterpriseContact)
	rd.products = slices.Concat(
		below(ctx, selected(below(ctx, selected(sel, enterpriseProducts), productOfferProduct.typ), productOfferProduct), "Product"),
		below(ctx, selected(below(ctx, selected(sel, enterpriseNeeds), productNeedProduct.typ), productNeedProduct), "Product"))
	for _, w := range []struct {
		f    schemaField
		side enterprise.Side
	}{{enterpriseSuppliers, enterprise.Suppliers}, {enterpriseCustomers, enterprise.Customers}} {
		for _, f := range selected(sel, w.f) {
			first, after, err := pageArgs(ctx, f)
			if err != nil {
				return rd, err
			}
			for _, u := range usccs {
				q, err := r.Enterprises.SupplyQueryOf(u, w.side, first, after)
				if err != nil {
					return rd, err
				}
				p.Supply = append(p.Supply, q)
			}
			rd.relations = append(rd.relations, nodes(ctx, []graphql.CollectedField{f}, supplyConnectionEdges, supplyEdgeNode, supplySupplier.typ)...)
		}
	}
	p.Supply = distinct(p.Supply)
	return rd, nil
}

// prime fetches keys (deduplicated) with one batch call, primes l with the
// results and returns them.
func prime[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], fetch func(context.Context, []K) ([]V, error), keys []K) ([]V, error) {
	keys = distinct(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	vs, err := fetch(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		l.Prime(k, vs[i])
	}
	return vs, nil
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

// readOnce reads below a connection page unless that was already done
// (the page came from a loader that its parent's read primed).
func (r *Resolver) readOnce(ctx context.Context, page any, read func() error) error {
	if _, done := r.loaders(ctx).prefetched.LoadOrStore(page, true); done {
		return nil
	}
	return read()
}

// readEnterprise reads the enterprise key with what the current field
// selects on it: the enterprise and its projected parts in one statement
// (Projection.Self), then the levels below. Nil when none exists.
func (r *Resolver) readEnterprise(ctx context.Context, key string) (*enterprise.Enterprise, error) {
	sel := below(ctx, currentField(ctx), "Enterprise")
	rd, err := r.enterpriseProjection(ctx, sel, []string{key})
	if err != nil {
		return nil, err
	}
	rd.projection.Self = true
	ds, err := r.Enterprises.Read(ctx, []string{key}, rd.projection)
	if err != nil || ds[0].Enterprise == nil {
		return nil, err
	}
	e := ds[0].Enterprise
	r.loaders(ctx).Enterprise.Prime(key, e)
	if err := r.readBelowEnterprises(ctx, rd, []enterprise.Enterprise{*e}, ds); err != nil {
		return nil, err
	}
	return e, nil
}

// readEnterprisePage reads what the current connection field selects on
// the nodes es of its page.
func (r *Resolver) readEnterprisePage(ctx context.Context, es []enterprise.Enterprise) error {
	return r.readEnterprises(ctx, nodes(ctx, currentField(ctx), enterpriseConnectionEdges, enterpriseEdgeNode, "Enterprise"), es)
}

// readEnterprises reads what sel selects on es.
func (r *Resolver) readEnterprises(ctx context.Context, sel []graphql.CollectedField, es []enterprise.Enterprise) error {
	if len(es) == 0 || len(sel) == 0 {
		return nil
	}
	usccs := make([]string, len(es))
	for i, e := range es {
		usccs[i] = e.USCC
	}
	rd, err := r.enterpriseProjection(ctx, sel, usccs)
	if err != nil {
		return err
	}
	return r.readBelowEnterprises(ctx, rd, es, nil)
}

// readBelowEnterprises reads rd of es — unless details, read with
// rd.projection, are given — primes the loaders and reads the next level.
func (r *Resolver) readBelowEnterprises(ctx context.Context, rd enterpriseReading, es []enterprise.Enterprise, details []enterprise.Detail) error {
	l := r.loaders(ctx)
	usccs := make([]string, len(es))
	for i, e := range es {
		usccs[i] = e.USCC
	}
	if rd.contact {
		if _, err := prime(ctx, l.Contact, r.Enterprises.ContactsOf, usccs); err != nil {
			return err
		}
	}
	p := rd.projection
	if !p.Any() {
		return nil
	}
	ds := details
	if ds == nil {
		var err error
		if ds, err = r.Enterprises.Read(ctx, usccs, p); err != nil {
			return err
		}
	}
	var products []catalog.Product
	windows := make([]enterprise.SupplyWindow, len(p.Supply))
	for i, u := range usccs {
		d := ds[i]
		if p.Designations {
			l.Designations.Prime(u, d.Designations)
		}
		if p.Chains {
			l.ChainsOf.Prime(u, d.Chains)
		}
		if p.Offers {
			l.Offers.Prime(u, d.Offers)
		}
		if p.Needs {
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
	for i, pg := range enterprise.SupplyPagesOf(p.Supply, windows) {
		l.SupplyPage.Prime(p.Supply[i], &pg)
		l.prefetched.Store(&pg, true)
		rels = append(rels, pg.Relations...)
	}
	parents := make(map[string]*enterprise.Enterprise, len(es))
	for i := range es {
		parents[es[i].USCC] = &es[i]
	}
	if err := r.readProducts(ctx, rd.products, uniqueProducts(products)); err != nil {
		return err
	}
	return r.readSupply(ctx, rd.relations, rels, parents)
}

// supplyConnection loads one page of an enterprise's suppliers or
// customers through the request's loader (one statement for the pages of
// all parents) and reads what is selected below it.
func (r *Resolver) supplyConnection(ctx context.Context, uscc string, side enterprise.Side, first *int, after *string) (*model.SupplyRelationConnection, error) {
	q, err := r.Enterprises.SupplyQueryOf(uscc, side, first, after)
	if err != nil {
		return nil, err
	}
	p, err := r.loaders(ctx).SupplyPage.Load(ctx, q)
	if err != nil {
		return nil, err
	}
	err = r.readOnce(ctx, p, func() error {
		return r.readSupply(ctx, nodes(ctx, currentField(ctx), supplyConnectionEdges, supplyEdgeNode, supplySupplier.typ), p.Relations, nil)
	})
	if err != nil {
		return nil, err
	}
	return supplyPage(*p), nil
}

// keyOnly reports whether a selection on a product asks only for what its
// code gives (code, id, __typename). A supply relation names its product by
// code, and a product that a relation names cannot be deleted (DeleteProduct
// refuses in the same statement), so such a selection needs no read.
func keyOnly(sel []graphql.CollectedField) bool {
	for _, f := range sel {
		if f.Name != productCode.name && f.Name != productID.name && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// readSupply reads what sel selects on rels: the suppliers and customers
// (and what is selected on them) and the products. parents are the
// enterprises whose relations these are, when known.
func (r *Resolver) readSupply(ctx context.Context, sel []graphql.CollectedField, rels []enterprise.SupplyRelation, parents map[string]*enterprise.Enterprise) error {
	if len(rels) == 0 || len(sel) == 0 {
		return nil
	}
	// The partners read with the relations, and the parents, prime the
	// enterprise loader; only the other ends are fetched.
	l := r.loaders(ctx)
	suppliers, customers := has(sel, supplySupplier), has(sel, supplyCustomer)
	var usccs, products []string
	var partners []enterprise.Enterprise
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
		if suppliers {
			end(rel, rel.SupplierUSCC)
		}
		if customers {
			end(rel, rel.CustomerUSCC)
		}
		if rel.ProductCode != nil {
			products = append(products, *rel.ProductCode)
		}
	}
	if suppliers || customers {
		es, err := prime(ctx, l.Enterprise, r.Enterprises.ByUSCC, usccs)
		if err != nil {
			return err
		}
		ends := below(ctx, slices.Concat(selected(sel, supplySupplier), selected(sel, supplyCustomer)), "Enterprise")
		if err := r.readEnterprises(ctx, ends, uniqueEnterprises(append(partners, derefs(es)...))); err != nil {
			return err
		}
	}
	productSel := below(ctx, selected(sel, supplyProduct), "Product")
	if len(productSel) == 0 || keyOnly(productSel) {
		return nil // the relation's product code answers it (Product of supplyRelationResolver)
	}
	return r.readProductsByCode(ctx, productSel, products)
}

// readProductsByCode loads the products into the request's loader, then
// what sel selects on them.
func (r *Resolver) readProductsByCode(ctx context.Context, sel []graphql.CollectedField, codes []string) error {
	ps, err := prime(ctx, r.loaders(ctx).Product, r.Catalog.ProductsByCode, codes)
	if err != nil {
		return err
	}
	return r.readProducts(ctx, sel, derefs(ps))
}

// readProductPage reads what the current connection field selects on the
// nodes ps of its page.
func (r *Resolver) readProductPage(ctx context.Context, ps []catalog.Product) error {
	return r.readProducts(ctx, nodes(ctx, currentField(ctx), productConnectionEdges, productEdgeNode, "Product"), ps)
}

// readProducerPage reads what the current connection field (a product's
// producers) selects on the firms of page.
func (r *Resolver) readProducerPage(ctx context.Context, page *enterprise.Page) error {
	return r.readOnce(ctx, page, func() error {
		return r.readEnterprises(ctx, nodes(ctx, currentField(ctx), enterpriseConnectionEdges, enterpriseEdgeNode, "Enterprise"), page.Enterprises)
	})
}

// readProducts reads what sel selects on ps, one batch per field: segment,
// inputs, usedIn and producers (and what is selected on the producers).
func (r *Resolver) readProducts(ctx context.Context, sel []graphql.CollectedField, ps []catalog.Product) error {
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
	if has(sel, productSegment) {
		if _, err := prime(ctx, l.Segment, cat.SegmentsByCode, segments); err != nil {
			return err
		}
	}
	if has(sel, productInputs) {
		if _, err := prime(ctx, l.Inputs, cat.InputsOf, codes); err != nil {
			return err
		}
	}
	if has(sel, productUsedIn) {
		if _, err := prime(ctx, l.UsedIn, cat.UsedIn, codes); err != nil {
			return err
		}
	}
	var qs []enterprise.ProducerQuery
	var nodeSel []graphql.CollectedField
	for _, f := range selected(sel, productProducers) {
		first, after, err := pageArgs(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range codes {
			q, err := r.Enterprises.ProducerQueryOf(c, first, after)
			if err != nil {
				return err
			}
			qs = append(qs, q)
		}
		nodeSel = append(nodeSel, nodes(ctx, []graphql.CollectedField{f}, enterpriseConnectionEdges, enterpriseEdgeNode, "Enterprise")...)
	}
	if len(qs) == 0 {
		return nil
	}
	pages, err := prime(ctx, l.ProducerPage, pointers(r.Enterprises.ProducerPages), qs)
	if err != nil {
		return err
	}
	var es []enterprise.Enterprise
	for _, p := range pages {
		l.prefetched.Store(p, true)
		es = append(es, p.Enterprises...)
	}
	return r.readEnterprises(ctx, nodeSel, uniqueEnterprises(es))
}

// uniqueEnterprises drops repeated enterprises (a firm that makes two of
// the listed products), keeping the first.
func uniqueEnterprises(es []enterprise.Enterprise) []enterprise.Enterprise {
	return uniqueBy(es, func(e enterprise.Enterprise) string { return e.USCC })
}

// uniqueProducts drops repeated products (made or needed by several of the
// listed firms), keeping the first.
func uniqueProducts(ps []catalog.Product) []catalog.Product {
	return uniqueBy(ps, func(p catalog.Product) string { return p.Code })
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

// withMatches reads what the current field selects on the matches a
// service returned (see readMatches), passing the service's error on.
func (r *Resolver) withMatches(ctx context.Context) func([]match.Match, error) ([]match.Match, error) {
	return func(ms []match.Match, err error) ([]match.Match, error) {
		if err != nil {
			return nil, err
		}
		if err := r.readMatches(ctx, below(ctx, currentField(ctx), matchCandidate.typ), ms, nil, nil); err != nil {
			return nil, err
		}
		return ms, nil
	}
}

// readMatches loads, one batch each, the candidates of ms with what sel
// (fields selected on Match) asks of them, and the products of ms — plus
// extraCodes when extraSel (another type's product fields) is not
// empty — with what is asked of them. A match list then costs the
// same statements whatever its length and however its resolvers are
// scheduled.
func (r *Resolver) readMatches(ctx context.Context, sel []graphql.CollectedField, ms []match.Match, extraCodes []string, extraSel []graphql.CollectedField) error {
	l := r.loaders(ctx)
	candidates, products := selected(sel, matchCandidate), selected(sel, matchProduct)
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
	if len(candidates) > 0 && len(usccs) > 0 {
		es, err := prime(ctx, l.Enterprise, r.Enterprises.ByUSCC, usccs)
		if err != nil {
			return err
		}
		if err := r.readEnterprises(ctx, below(ctx, candidates, "Enterprise"), uniqueEnterprises(derefs(es))); err != nil {
			return err
		}
	}
	if len(codes) == 0 {
		return nil
	}
	return r.readProductsByCode(ctx, below(ctx, slices.Concat(products, extraSel), "Product"), codes)
}

// prefetchGaps reads what the current chainGaps field selects: the gaps'
// segments, their products together with their candidates' products, and
// the candidates.
func (r *Resolver) prefetchGaps(ctx context.Context, gaps []match.ChainGap) error {
	sel := below(ctx, currentField(ctx), gapSegment.typ)
	var segments, products []string
	for _, g := range gaps {
		segments = append(segments, g.SegmentCode)
		products = append(products, g.ProductCode)
	}
	var ms []match.Match
	var matchSel []graphql.CollectedField
	for _, f := range selected(sel, gapCandidates) {
		first, _, err := pageArgs(ctx, f)
		if err != nil {
			return err
		}
		for i := range gaps {
			cs, err := r.Matches.GapCandidates(ctx, &gaps[i], first)
			if err != nil {
				return err
			}
			ms = append(ms, cs...)
		}
		matchSel = append(matchSel, below(ctx, []graphql.CollectedField{f}, matchCandidate.typ)...)
	}
	if has(sel, gapSegment) {
		if _, err := prime(ctx, r.loaders(ctx).Segment, r.Catalog.SegmentsByCode, segments); err != nil {
			return err
		}
	}
	return r.readMatches(ctx, matchSel, ms, products, selected(sel, gapProduct))
}
