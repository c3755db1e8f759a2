package enterprise

import (
	"context"
	"errors"
	"fmt"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/gid"
	"chainmatch/internal/uscc"
)

// Storer is what the enterprise service needs from the graph. Batch reads
// take keys and return one entry per key, in key order (nil or empty for
// keys that do not exist).
type Storer interface {
	EnterprisesByUSCC(ctx context.Context, usccs []string) ([]*Enterprise, error)
	ListEnterprises(ctx context.Context, q ListQuery) (ListResult, error)
	DesignationsOf(ctx context.Context, usccs []string) ([][]DesignationGrant, error)
	OffersOf(ctx context.Context, usccs []string) ([][]ProductOffer, error)
	NeedsOf(ctx context.Context, usccs []string) ([][]ProductNeed, error)
	ContactsOf(ctx context.Context, usccs []string) ([]*Contact, error)
	EnterpriseDetails(ctx context.Context, usccs []string, p Projection) ([]Detail, error)
	SupplyWindows(ctx context.Context, qs []SupplyQuery) ([]SupplyWindow, error)
	ProducerWindows(ctx context.Context, qs []ProducerQuery) ([]ProducerWindow, error)
	References(ctx context.Context, r References) (Existing, error)
	UpsertEnterprises(ctx context.Context, rows []Record) error
	// DeleteEnterprise deletes the enterprise and its relationships; false
	// when it did not exist, a *HasLeadsError (nothing deleted) when it is
	// the firm of a lead.
	DeleteEnterprise(ctx context.Context, uscc string) (bool, error)
	AddSupplyRelation(ctx context.Context, rel SupplyRelation) error
	RemoveSupplyRelation(ctx context.Context, supplier, customer string, product *string) (bool, error)
}

// Service is the enterprise business layer: reads, validated writes and
// the authorization decisions about them.
type Service struct {
	store Storer
	now   func() time.Time
}

// NewService returns a Service over store.
func NewService(store Storer) *Service {
	return &Service{store: store, now: time.Now}
}

// ByUSCC returns the enterprises with these USCCs in key order, nil where
// none exists. It backs the per-request enterprise loader.
func (s *Service) ByUSCC(ctx context.Context, usccs []string) ([]*Enterprise, error) {
	return s.store.EnterprisesByUSCC(ctx, usccs)
}

// Get returns the enterprise with exactly one of id (a global id) or code
// (a USCC); nil without error when none exists.
func (s *Service) Get(ctx context.Context, id, code *string) (*Enterprise, error) {
	key, err := Key(id, code)
	if err != nil {
		return nil, err
	}
	es, err := s.store.EnterprisesByUSCC(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	return es[0], nil
}

// Key returns the USCC that exactly one of id (a global id) or code (a
// USCC, normalised) names, or BAD_USER_INPUT naming the argument at fault.
func Key(id, code *string) (string, error) {
	switch {
	case (id == nil) == (code == nil):
		return "", apperr.Invalid("id", "give exactly one of id and uscc")
	case id != nil:
		return gid.Key(*id, gid.Enterprise, "id")
	default:
		return uscc.Normalize(*code), nil
	}
}

// DesignationsOf returns each enterprise's designations, newest first.
func (s *Service) DesignationsOf(ctx context.Context, usccs []string) ([][]DesignationGrant, error) {
	return s.store.DesignationsOf(ctx, usccs)
}

// OffersOf returns what each enterprise makes, in product-code order.
func (s *Service) OffersOf(ctx context.Context, usccs []string) ([][]ProductOffer, error) {
	return s.store.OffersOf(ctx, usccs)
}

// NeedsOf returns what each enterprise needs, in product-code order.
func (s *Service) NeedsOf(ctx context.Context, usccs []string) ([][]ProductNeed, error) {
	return s.store.NeedsOf(ctx, usccs)
}

// ContactsOf returns each enterprise's contact details to staff and
// admins; for anyone else every entry is nil.
func (s *Service) ContactsOf(ctx context.Context, usccs []string) ([]*Contact, error) {
	if !auth.FromContext(ctx).Role.AtLeast(auth.Staff) {
		return make([]*Contact, len(usccs)), nil
	}
	return s.store.ContactsOf(ctx, usccs)
}

// List returns one page of the enterprises matching f, sorted by o, with
// keyset cursors: a cursor names a position (sort key, USCC), not an

// readScoper is implemented by stores whose reads can share one
// transaction per request (neo4jstore.Store.WithReadScope).
type readScoper interface {
	WithReadScope(ctx context.Context) (context.Context, func())
}

// ReadScope returns ctx in which the store's reads share one read
// transaction, and the function that ends it: a request's batched reads
// then cost one transaction instead of one each. Stores without the
// ability return ctx unchanged.
func (s *Service) ReadScope(ctx context.Context) (context.Context, func()) {
	if sc, ok := s.store.(readScoper); ok {
		return sc.WithReadScope(ctx)
	}
	return ctx, func() {}
}

// offset, so pages stay stable when enterprises are added or removed.
func (s *Service) List(ctx context.Context, f Filter, o Order, args PageArgs) (Page, error) {
	crit, err := criteria(f)
	if err != nil {
		return Page{}, err
	}
	if o.Field == "" {
		o.Field = OrderByUSCC
	}
	if o.Field != OrderByName && o.Field != OrderByUSCC && o.Field != OrderByFounded {
		return Page{}, apperr.Invalid("orderBy.field", "unknown order field %q", o.Field)
	}
	size, backward, cursor, err := pageWindow(args)
	if err != nil {
		return Page{}, err
	}
	q := ListQuery{Criteria: crit, Order: o, Backward: backward, Limit: size + 1, SkipTotal: args.SkipTotal}
	if cursor != nil {
		field := "after"
		if backward {
			field = "before"
		}
		k, err := decodeCursor(*cursor, o, field)
		if err != nil {
			return Page{}, err
		}
		q.After = &k
	}
	res, err := s.store.ListEnterprises(ctx, q)
	if err != nil {
		return Page{}, err
	}
	more := len(res.Enterprises) > size
	rows := res.Enterprises
	if more {
		rows = rows[:size]
	}
	if backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	p := Page{Enterprises: rows, Total: res.Total, Cursors: make([]string, len(rows))}
	for i, e := range rows {
		p.Cursors[i] = encodeCursor(o, SortKey(e, o), e.USCC)
	}
	if backward {
		p.HasPrevious, p.HasNext = more, res.Passed > 0
	} else {
		p.HasNext, p.HasPrevious = more, res.Passed > 0
	}
	return p, nil
}

// pageWindow checks Relay arguments: first/after or last/before, sizes in
// 1..100, default 20 forwards.
func pageWindow(args PageArgs) (size int, backward bool, cursor *string, err error) {
	if args.First != nil && args.Last != nil {
		return 0, false, nil, apperr.Invalid("last", "give either first or last, not both")
	}
	if args.Last != nil || (args.Before != nil && args.First == nil) {
		if args.After != nil {
			return 0, false, nil, apperr.Invalid("after", "after pages forwards; use it with first")
		}
		size, err = pageSize(args.Last, "last")
		return size, true, args.Before, err
	}
	if args.Before != nil {
		return 0, false, nil, apperr.Invalid("before", "before pages backwards; use it with last")
	}
	size, err = pageSize(args.First, "first")
	return size, false, args.After, err
}

// pageSize checks a first/last argument.
func pageSize(n *int, field string) (int, error) {
	if n == nil {
		return defaultPageSize, nil
	}
	if *n < 0 || *n > maxPageSize {
		return 0, apperr.OutOfRange(field, 0, maxPageSize, "must be between 0 and %d", maxPageSize)
	}
	return *n, nil
}

// PageSize checks a connection's `first` argument (0..100, default 20); it
// is exported for the other connections of the API.
func PageSize(first *int) (int, error) { return pageSize(first, "first") }

// criteria decodes a Filter's ids into natural keys.
func criteria(f Filter) (Criteria, error) {
	c := Criteria{DistrictCode: f.DistrictCode, Designations: f.Designations, IsLocal: f.IsLocal,
		Within: f.Within, NameContains: f.NameContains, DataSource: f.DataSource}
	for _, id := range []struct {
		in    *string
		t     gid.Type
		field string
		out   **string
	}{
		{f.ParkID, gid.Park, "filter.parkId", &c.ParkCode},
		{f.ChainID, gid.Chain, "filter.chainId", &c.ChainCode},
		{f.SegmentID, gid.Segment, "filter.segmentId", &c.SegmentCode},
		{f.MakesProductID, gid.Product, "filter.makesProductId", &c.MakesProductCode},
		{f.NeedsProductID, gid.Product, "filter.needsProductId", &c.NeedsProductCode},
	} {
		if id.in == nil {
			continue
		}
		k, err := gid.Key(*id.in, id.t, id.field)
		if err != nil {
			return Criteria{}, err
		}
		*id.out = &k
	}
	for i, d := range f.Designations {
		if !d.IsValid() {
			return Criteria{}, apperr.Invalid(fmt.Sprintf("filter.designations[%d]", i), "unknown designation %q", d)
		}
	}
	if w := f.Within; w != nil {
		if err := w.Center.Validate(); err != nil {
			return Criteria{}, apperr.Invalid("filter.within", "latitude must be in [-90, 90] and longitude in [-180, 180]")
		}
		if !(w.RadiusKm > 0) || w.RadiusKm > 500 {
			return Criteria{}, apperr.Invalid("filter.within.radiusKm", "must be greater than 0 and at most 500")
		}
	}
	if f.NameContains != nil && *f.NameContains == "" {
		c.NameContains = nil
	}
	return c, nil
}

// SupplyQueryOf checks the arguments of Enterprise.suppliers or
// Enterprise.customers and returns the store query for that page. The
// query is comparable: the GraphQL layer keys its per-request loader by
// it, so that the pages of every parent are fetched with one statement
// (SupplyPages).
func (s *Service) SupplyQueryOf(usccCode string, side Side, first *int, after *string) (SupplyQuery, error) {
	size, err := PageSize(first)
	if err != nil {
		return SupplyQuery{}, err
	}
	q := SupplyQuery{USCC: usccCode, Side: side, Limit: size + 1}
	if after != nil {
		k, err := decodeSupplyCursor(*after)
		if err != nil {
			return SupplyQuery{}, err
		}
		q.After, q.HasAfter = k, true
	}
	return q, nil
}

// SupplyPages returns one page per query, newest relation first, in query
// order, with one store call for all of them.
func (s *Service) SupplyPages(ctx context.Context, qs []SupplyQuery) ([]SupplyPage, error) {
	ws, err := s.store.SupplyWindows(ctx, qs)
	if err != nil {
		return nil, err
	}
	return SupplyPagesOf(qs, ws), nil
}

// SupplyPagesOf turns the store's answers ws to qs into pages with
// cursors, in query order.
func SupplyPagesOf(qs []SupplyQuery, ws []SupplyWindow) []SupplyPage {
	out := make([]SupplyPage, len(qs))
	for i, q := range qs {
		w, size := ws[i], q.Limit-1
		p := SupplyPage{Total: w.Total, HasPrevious: w.Passed > 0, Relations: w.Relations}
		if len(p.Relations) > size {
			p.Relations, p.HasNext = p.Relations[:size], true
		}
		p.Cursors = make([]string, len(p.Relations))
		for j, r := range p.Relations {
			p.Cursors[j] = encodeSupplyCursor(supplyKey(r, q.Side))
		}
		out[i] = p
	}
	return out
}

// producerOrder is the order of Product.producers: by USCC, ascending, so
// that its cursors are those of Query.enterprises ordered by USCC.
var producerOrder = Order{Field: OrderByUSCC}

// ProducerQueryOf checks the arguments of Product.producers and returns
// the comparable store query for that page (see SupplyQueryOf).
func (s *Service) ProducerQueryOf(productCode string, first *int, after *string) (ProducerQuery, error) {
	size, err := PageSize(first)
	if err != nil {
		return ProducerQuery{}, err
	}
	q := ProducerQuery{ProductCode: productCode, Limit: size + 1}
	if after != nil {
		k, err := decodeCursor(*after, producerOrder, "after")
		if err != nil {
			return ProducerQuery{}, err
		}
		q.After, q.HasAfter = k.USCC, true
	}
	return q, nil
}

// ProducerPages returns one page of producers per query, in USCC order,
// with one store call for all of them.
func (s *Service) ProducerPages(ctx context.Context, qs []ProducerQuery) ([]Page, error) {
	ws, err := s.store.ProducerWindows(ctx, qs)
	if err != nil {
		return nil, err
	}
	out := make([]Page, len(qs))
	for i, q := range qs {
		w, size := ws[i], q.Limit-1
		p := Page{Enterprises: w.Enterprises, Total: w.Total, HasPrevious: w.Passed > 0}
		if len(p.Enterprises) > size {
			p.Enterprises, p.HasNext = p.Enterprises[:size], true
		}
		p.Cursors = make([]string, len(p.Enterprises))
		for j, e := range p.Enterprises {
			p.Cursors[j] = encodeCursor(producerOrder, e.USCC, e.USCC)
		}
		out[i] = p
	}
	return out, nil
}

// Upsert creates or updates one enterprise and returns it as stored.
// Concurrent upserts of one USCC yield one enterprise (the store MERGEs on
// the unique USCC).
func (s *Service) Upsert(ctx context.Context, in Input) (*Enterprise, error) {
	res, err := s.write(ctx, []Input{in})
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, errorOf(res.Errors[0].Problem, "input.")
	}
	code := uscc.Normalize(in.USCC)
	es, err := s.store.EnterprisesByUSCC(ctx, []string{code})
	if err != nil {
		return nil, err
	}
	if es[0] == nil {
		return nil, fmt.Errorf("enterprise %s vanished after upsert: %w", code, apperr.ErrNotFound)
	}
	return es[0], nil
}

// Import upserts up to MaxImportRows enterprises in one transaction: every
// row is validated first and, when any row has a problem, nothing is
// written and every problem is reported by row. Two rows with one USCC are
// a problem.
func (s *Service) Import(ctx context.Context, rows []Input) (ImportResult, error) {
	if len(rows) > MaxImportRows {
		return ImportResult{}, apperr.OutOfRange("input", 0, MaxImportRows, "at most %d rows per import, got %d", MaxImportRows, len(rows))
	}
	return s.write(ctx, rows)
}

// UpsertMany is Import without the row limit, for the CLI's bulk loads:
// all rows are validated first (nothing is written if any fails), then
// they are written in transactions of MaxImportRows rows each, so a crash
// midway leaves whole batches; re-running is harmless because upserts are
// idempotent.
func (s *Service) UpsertMany(ctx context.Context, rows []Input) (ImportResult, error) {
	return s.write(ctx, rows)
}

// write validates rows, authorizes them and writes them in batches.
func (s *Service) write(ctx context.Context, rows []Input) (ImportResult, error) {
	now := s.now()
	drafts := make([]draft, len(rows))
	var res ImportResult
	var refs References
	seen := map[string]int{}
	for i, in := range rows {
		d, probs := check(in, now)
		if prev, dup := seen[d.rec.Enterprise.USCC]; dup && d.rec.Enterprise.USCC != "" {
			probs = append(probs, Problem{Field: "uscc", Code: apperr.BadUserInput,
				Message: fmt.Sprintf("USCC already given in row %d of this import", prev)})
		} else {
			seen[d.rec.Enterprise.USCC] = i
		}
		for _, p := range probs {
			res.Errors = append(res.Errors, RowError{Row: i, Problem: p})
		}
		d.references(&refs)
		drafts[i] = d
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	if len(rows) == 0 {
		res.OK = true
		return res, nil
	}
	ex, err := s.store.References(ctx, refs)
	if err != nil {
		return ImportResult{}, err
	}
	usccs := make([]string, len(drafts))
	for i, d := range drafts {
		for _, p := range d.resolve(ex) {
			res.Errors = append(res.Errors, RowError{Row: i, Problem: p})
		}
		usccs[i] = d.rec.Enterprise.USCC
	}
	existing, err := s.store.EnterprisesByUSCC(ctx, usccs)
	if err != nil {
		return ImportResult{}, err
	}
	p := auth.FromContext(ctx)
	records := make([]Record, len(drafts))
	for i, d := range drafts {
		if err := authorizeWrite(ctx, existing[i]); err != nil {
			res.Errors = append(res.Errors, RowError{Row: i, Problem: problemOf(err)})
		}
		r := d.rec
		r.Enterprise.DataSource = dataSource(rows[i], p)
		if existing[i] != nil {
			// The owner is the creator and never changes on update.
			r.Enterprise.Owner = existing[i].Owner
			res.Updated++
		} else {
			r.Enterprise.Owner = p.ID
			res.Created++
		}
		records[i] = r
	}
	if len(res.Errors) > 0 {
		return ImportResult{Errors: res.Errors}, nil
	}
	for start := 0; start < len(records); start += MaxImportRows {
		end := min(start+MaxImportRows, len(records))
		err := s.store.UpsertEnterprises(ctx, records[start:end])
		// The store checks every reference again inside the write
		// transaction: a product or park deleted since the check above
		// rolls the batch back instead of being skipped silently.
		var refErr *ReferenceError
		if errors.As(err, &refErr) {
			row := start + refErr.Row
			return ImportResult{Errors: []RowError{{Row: row, Problem: drafts[row].problemOfRef(refErr)}}}, nil
		}
		if err != nil {
			return ImportResult{}, fmt.Errorf("upsert enterprises %d..%d: %w", start, end-1, err)
		}
	}
	res.OK = true
	return res, nil
}

// dataSource labels a written record: the row's own label when given (the
// CLI sets "demo"), else the submitting credential ("api:<key id>"), else "api".
func dataSource(in Input, p auth.Principal) *string {
	ds := in.DataSource
	switch {
	case ds != "":
	case p.ID != "":
		ds = "api:" + p.ID
	default:
		ds = "api"
	}
	return &ds
}

// authorizeWrite is the single place that decides whether the caller may
// change existing (nil when the write creates the enterprise): PARTNER or
// higher may create; staff and admin may change any enterprise, partners
// only those they submitted (Enterprise.Owner = their key id). The rule
// itself is auth.AuthorizeOwned.
func authorizeWrite(ctx context.Context, existing *Enterprise) error {
	if existing == nil {
		return auth.Require(ctx, auth.Partner)
	}
	return auth.AuthorizeOwned(ctx, existing.Owner)
}

// Delete removes the enterprise with this global id and all of its
// relationships; false when it did not exist. An enterprise that is the
// firm of a lead (open or closed) is not deleted: CONFLICT, because a
// lead's history needs its firm. Staff and admins are told which lead
// (extensions.leadId, an open one first); partners, who never learn that a
// lead exists, only that records of the investment-promotion office refer
// to the firm.
func (s *Service) Delete(ctx context.Context, id string) (bool, error) {
	code, err := gid.Key(id, gid.Enterprise, "id")
	if err != nil {
		return false, err
	}
	es, err := s.store.EnterprisesByUSCC(ctx, []string{code})
	if err != nil {
		return false, err
	}
	if es[0] == nil {
		return false, nil
	}
	if err := authorizeWrite(ctx, es[0]); err != nil {
		return false, err
	}
	deleted, err := s.store.DeleteEnterprise(ctx, code)
	var hl *HasLeadsError
	if errors.As(err, &hl) {
		e := &apperr.Error{Code: apperr.Conflict, Field: "id", Err: err,
			Message: "the enterprise is referred to by records of the investment-promotion office and cannot be deleted; ask its staff"}
		if auth.Require(ctx, auth.Staff) == nil {
			e.Message = "the enterprise is the firm of a lead and cannot be deleted: a lead's history needs its firm"
			e.Extensions = map[string]any{"leadId": gid.Encode(gid.Lead, hl.LeadID)}
		}
		return false, e
	}
	return deleted, err
}

// HasLeadsError is the store's refusal to delete an enterprise that is the
// firm of a lead; LeadID names one of them, an open one when there is one.
type HasLeadsError struct{ LeadID string }

func (e *HasLeadsError) Error() string { return "enterprise has leads (" + e.LeadID + ")" }

// Unwrap makes the refusal an apperr.ErrConflict.
func (e *HasLeadsError) Unwrap() error { return apperr.ErrConflict }

// AddSupply records that the supplier supplies the customer (for a
// product, when given). Idempotent: one relation per (supplier, customer,
// product); a repeated call updates `since`.
func (s *Service) AddSupply(ctx context.Context, in SupplyInput) (*SupplyRelation, error) {
	rel, err := checkSupply(in, s.now())
	if err != nil {
		return nil, err
	}
	es, err := s.store.EnterprisesByUSCC(ctx, []string{rel.SupplierUSCC, rel.CustomerUSCC})
	if err != nil {
		return nil, err
	}
	if es[0] == nil {
		return nil, apperr.Missing("input.supplierId", "no enterprise with this id")
	}
	if es[1] == nil {
		return nil, apperr.Missing("input.customerId", "no enterprise with this id")
	}
	if rel.ProductCode != nil {
		ex, err := s.store.References(ctx, References{ProductCodes: []string{*rel.ProductCode}})
		if err != nil {
			return nil, err
		}
		if !ex.Products[*rel.ProductCode] {
			return nil, apperr.Missing("input.productId", "no product with this id")
		}
	}
	if err := authorizeWrite(ctx, es[0]); err != nil {
		return nil, err
	}
	// The checks above give field-level answers; the store checks again
	// inside the write transaction, which is the guarantee.
	if err := s.store.AddSupplyRelation(ctx, rel); err != nil {
		var refErr *ReferenceError
		if errors.As(err, &refErr) {
			switch refErr.Kind {
			case RefSupplier:
				return nil, apperr.Missing("input.supplierId", "no enterprise with this id")
			case RefCustomer:
				return nil, apperr.Missing("input.customerId", "no enterprise with this id")
			default:
				return nil, apperr.Missing("input.productId", "no product with this id")
			}
		}
		return nil, err
	}
	return &rel, nil
}

// RemoveSupply removes the supplier -> customer relation for the product,
// or every relation between the two when productID is nil. False when
// there was none.
func (s *Service) RemoveSupply(ctx context.Context, supplierID, customerID string, productID *string) (bool, error) {
	sup, err := gid.Key(supplierID, gid.Enterprise, "supplierId")
	if err != nil {
		return false, err
	}
	cus, err := gid.Key(customerID, gid.Enterprise, "customerId")
	if err != nil {
		return false, err
	}
	var product *string
	if productID != nil {
		p, err := gid.Key(*productID, gid.Product, "productId")
		if err != nil {
			return false, err
		}
		product = &p
	}
	es, err := s.store.EnterprisesByUSCC(ctx, []string{sup})
	if err != nil {
		return false, err
	}
	if es[0] == nil {
		return false, nil
	}
	if err := authorizeWrite(ctx, es[0]); err != nil {
		return false, err
	}
	return s.store.RemoveSupplyRelation(ctx, sup, cus, product)
}

// errInvalidCursor is the cause of every bad cursor.
var errInvalidCursor = errors.New("invalid cursor")
