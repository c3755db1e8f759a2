package enterprise

import (
	"context"

	"chainmatch/internal/catalog"
)

// Projection names the parts of enterprises that one read (Service.Read)
// fetches together: what a page's or a detail view's selection asks for
// below its enterprises. Each member is one column of one statement in the
// store; a new part of Enterprise that should come with the page is a new
// member here, a new column there and a new field of Detail.
type Projection struct {
	Self         bool // the enterprise itself
	Designations bool
	District     bool
	Park         bool
	Chains       bool
	Offers       bool // what it makes, with the products
	Needs        bool // what it needs, with the products
	// Supply are supplier or customer windows wanted of these enterprises
	// (each query's USCC is one of those read), built with SupplyQueryOf.
	Supply []SupplyQuery
}

// Any reports whether anything is wanted.
func (p Projection) Any() bool {
	return p.Self || p.Designations || p.District || p.Park || p.Chains || p.Offers || p.Needs || len(p.Supply) > 0
}

// Detail holds the projected parts of one enterprise. Products are the
// products its Offers and Needs name (each once per offer or need).
type Detail struct {
	Enterprise   *Enterprise
	Designations []DesignationGrant // newest first
	District     *catalog.District
	Park         *catalog.Park
	Chains       []catalog.IndustrialChain // code order
	Offers       []ProductOffer
	Needs        []ProductNeed
	Products     []catalog.Product
	// Supply holds the answers to Projection.Supply about this enterprise,
	// by the query's index there.
	Supply map[int]SupplyWindow
}

// Read returns the parts p asks for of each enterprise, in key order, with
// one statement; an unknown USCC gets the zero Detail. A page of firms
// with all their parts therefore costs the page's statement and this one,
// whatever its length.
func (s *Service) Read(ctx context.Context, usccs []string, p Projection) ([]Detail, error) {
	if len(usccs) == 0 || !p.Any() {
		return make([]Detail, len(usccs)), nil
	}
	return s.store.EnterpriseDetails(ctx, usccs, p)
}
