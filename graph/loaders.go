package graph

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"chainmatch/graph/model"
	"chainmatch/internal/apperr"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
)

// Loaders batch the per-object reads of one request: every field resolver
// that needs a related object asks a loader, and the loader fetches the
// keys of many resolvers with one service call (one Cypher statement).
//
// Batches do not depend on timing for the fields below a page of
// enterprises or products: the list resolvers prefetch them level by level
// for the whole page and prime the loaders (read.go), so the field
// resolvers find their values cached. Everything else is collected within
// loaderWait. A page of N enterprises therefore costs a constant number of
// round trips (see docs/graph-model.md).
type Loaders struct {
	Enterprise   *dataloadgen.Loader[string, *enterprise.Enterprise]
	Designations *dataloadgen.Loader[string, []enterprise.DesignationGrant]
	Offers       *dataloadgen.Loader[string, []enterprise.ProductOffer]
	Needs        *dataloadgen.Loader[string, []enterprise.ProductNeed]
	Contact      *dataloadgen.Loader[string, *enterprise.Contact]
	ChainsOf     *dataloadgen.Loader[string, []chain.IndustrialChain]

	Product    *dataloadgen.Loader[string, *chain.Product]
	Segment    *dataloadgen.Loader[string, *chain.ChainSegment]
	Chain      *dataloadgen.Loader[string, *chain.IndustrialChain]
	District   *dataloadgen.Loader[string, *chain.District]
	Park       *dataloadgen.Loader[string, *chain.Park]
	Incentive  *dataloadgen.Loader[string, *chain.Incentive]
	Segments   *dataloadgen.Loader[string, []chain.ChainSegment]
	SegmentOf  *dataloadgen.Loader[string, []chain.Product]
	Inputs     *dataloadgen.Loader[string, []chain.Product]
	UsedIn     *dataloadgen.Loader[string, []chain.Product]
	Parks      *dataloadgen.Loader[string, []chain.Park]
	FocusChain *dataloadgen.Loader[string, []chain.IndustrialChain]

	// Connections below an object, keyed by parent and page arguments, so
	// that the pages of all parents come from one statement.
	SupplyPage   *dataloadgen.Loader[enterprise.SupplyQuery, *enterprise.SupplyPage]
	ProducerPage *dataloadgen.Loader[enterprise.ProducerQuery, *enterprise.Page]
	ActivityPage *dataloadgen.Loader[lead.ActivityQuery, *lead.ActivityPage]

	// prefetched holds the connection pages whose selected fields were
	// already read (see readOnce).
	prefetched sync.Map
}

// loaderWait is how long a loader collects keys before it fetches, for
// the fields that are not prefetched (e.g. below a chain's segments, or a
// single enterprise's products). Field resolvers of one list level start
// within microseconds of each other; the exact batching of pages does not
// rest on this window (see read.go), so it is kept short: each nesting
// level of a response waits it once.
const loaderWait = 2 * time.Millisecond

// batch adapts a service batch read (one result per key, in key order) to
// dataloadgen's fetch signature.
func batch[K comparable, V any](fetch func(context.Context, []K) ([]V, error)) func(context.Context, []K) ([]V, []error) {
	return func(ctx context.Context, keys []K) ([]V, []error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

func loader[K comparable, V any](fetch func(context.Context, []K) ([]V, error)) *dataloadgen.Loader[K, V] {
	return dataloadgen.NewLoader(batch(fetch), dataloadgen.WithWait(loaderWait))
}

// pointers adapts a batch read of values to one of pointers, so that a
// loader hands every resolver the same page and readOnce can recognise
// it.
func pointers[K, V any](fetch func(context.Context, []K) ([]V, error)) func(context.Context, []K) ([]*V, error) {
	return func(ctx context.Context, keys []K) ([]*V, error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		out := make([]*V, len(vs))
		for i := range vs {
			out[i] = &vs[i]
		}
		return out, nil
	}
}

// NewLoaders returns fresh loaders for one request.
func NewLoaders(r *Resolver) *Loaders {
	e, c := r.Enterprises, r.Catalog
	return &Loaders{
		Enterprise:   loader(e.ByUSCC),
		Designations: loader(e.DesignationsOf),
		Offers:       loader(e.OffersOf),
		Needs:        loader(e.NeedsOf),
		Contact:      loader(e.ContactsOf),
		ChainsOf:     loader(c.ChainsOfEnterprises),
		Product:      loader(c.ProductsByCode),
		Segment:      loader(c.SegmentsByCode),
		Chain:        loader(c.ChainsByCode),
		District:     loader(c.DistrictsByCode),
		Park:         loader(c.ParksByCode),
		Incentive:    loader(c.IncentivesByCode),
		Segments:     loader(c.SegmentsOfChains),
		SegmentOf:    loader(c.ProductsOfSegments),
		Inputs:       loader(c.InputsOf),
		UsedIn:       loader(c.UsedIn),
		Parks:        loader(c.ParksOfDistricts),
		FocusChain:   loader(c.FocusChainsOfParks),
		SupplyPage:   loader(pointers(e.SupplyPages)),
		ProducerPage: loader(pointers(e.ProducerPages)),
		ActivityPage: loader(pointers(r.Leads.ActivityPages)),
	}
}

type loadersKey struct{}

// WithLoaders returns ctx carrying fresh per-request loaders over r's
// services. Loaders cache for the life of the request only.
func WithLoaders(ctx context.Context, r *Resolver) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(r))
}

// LoaderMiddleware gives every request its own loaders, and one read
// transaction that all its reads share (Service.ReadScope); mount it in
// front of the GraphQL handler.
func LoaderMiddleware(r *Resolver) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			ctx, end := r.Enterprises.ReadScope(req.Context())
			defer end()
			next.ServeHTTP(w, req.WithContext(WithLoaders(ctx, r)))
		})
	}
}

// loaders returns the request's loaders. Without the middleware (a
// caller that forgot it) it builds throwaway loaders, which is correct but
// batches nothing across fields.
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return NewLoaders(r)
}

// loadOptional loads key when it is set; nil otherwise.
func loadOptional[V any](ctx context.Context, l *dataloadgen.Loader[string, *V], key *string) (*V, error) {
	if key == nil {
		return nil, nil
	}
	return l.Load(ctx, *key)
}

// required turns a loaded pointer for a non-null field into an error when
// the object is gone (deleted since its parent was read).
func required[V any](v *V, err error, what, key string) (*V, error) {
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("%s %s: %w", what, key, apperr.ErrNotFound)
	}
	return v, nil
}

// nodeOf wraps a loaded pointer as a Node, keeping a missing one a true nil.
func nodeOf[V any](v *V, err error) (model.Node, error) {
	if err != nil || v == nil {
		return nil, err
	}
	return v, nil
}

// loadNode fetches any Node by type and natural key through the request's
// loaders; nil when it does not exist.
func (r *Resolver) loadNode(ctx context.Context, t gid.Type, key string) (model.Node, error) {
	l := r.loaders(ctx)
	switch t {
	case gid.Enterprise:
		return nodeOf(l.Enterprise.Load(ctx, key))
	case gid.Product:
		return nodeOf(l.Product.Load(ctx, key))
	case gid.Chain:
		return nodeOf(l.Chain.Load(ctx, key))
	case gid.Segment:
		return nodeOf(l.Segment.Load(ctx, key))
	case gid.Park:
		return nodeOf(l.Park.Load(ctx, key))
	case gid.Incentive:
		return nodeOf(l.Incentive.Load(ctx, key))
	case gid.District:
		return nodeOf(l.District.Load(ctx, key))
	case gid.APIKey:
		// Admin only, as Query.apiKeys: the service refuses other callers
		// before it looks the key up, so refusal says nothing of existence.
		k, err := r.Access.Key(ctx, key)
		if err != nil || k == nil {
			return nil, err
		}
		return apiKeyToGraph(*k), nil
	case gid.AuditEntry:
		e, err := r.Access.AuditEntry(ctx, key)
		if err != nil || e == nil {
			return nil, err
		}
		return auditEntryToGraph(*e), nil
	case gid.Webhook:
		return r.webhookNode(ctx, key)
	}
	return nil, nil
}

// searchHits turns search hits into nodes, dropping hits whose object
// vanished meanwhile. Objects read whole (with their places, parts.Places)
// prime the request's loaders, so the nodes come from there and usually
// nothing more is fetched. Objects read without their places show this
// search's hits only, whose selection asks for no place: they are used as
// they are and never stand for the enterprise or product elsewhere in the
// request. Hits without an object are loaded, batched per kind.
func (r *Resolver) searchHits(ctx context.Context, hits []chain.Hit, parts chain.HitParts) ([]model.SearchHit, error) {
	l := r.loaders(ctx)
	shown := make([]model.Node, len(hits))
	for i, h := range hits {
		switch {
		case h.Enterprise != nil && !parts.Places:
			shown[i] = h.Enterprise
		case h.Product != nil && !parts.Places:
			shown[i] = h.Product
		case h.Enterprise != nil:
			l.Enterprise.Prime(h.Key, h.Enterprise)
		case h.Product != nil:
			l.Product.Prime(h.Key, h.Product)
		case h.Chain != nil:
			l.Chain.Prime(h.Key, h.Chain)
		}
	}
	thunks := make([]func() (model.Node, error), len(hits))
	for i, h := range hits {
		if n := shown[i]; n != nil {
			thunks[i] = func() (model.Node, error) { return n, nil }
			continue
		}
		switch h.Kind {
		case chain.HitEnterprise:
			t := l.Enterprise.LoadThunk(ctx, h.Key)
			thunks[i] = func() (model.Node, error) { return nodeOf(t()) }
		case chain.HitProduct:
			t := l.Product.LoadThunk(ctx, h.Key)
			thunks[i] = func() (model.Node, error) { return nodeOf(t()) }
		default:
			t := l.Chain.LoadThunk(ctx, h.Key)
			thunks[i] = func() (model.Node, error) { return nodeOf(t()) }
		}
	}
	out := make([]model.SearchHit, 0, len(hits))
	for i, h := range hits {
		n, err := thunks[i]()
		if err != nil {
			return nil, err
		}
		if n != nil {
			out = append(out, model.SearchHit{Score: h.Score, Node: n})
		}
	}
	return out, nil
}
