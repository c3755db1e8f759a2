package chain

import (
	"context"

	"chainmatch/internal/enterprise"
)

// DetailWants names the parts of enterprises that one read can fetch
// together: what a page's or a detail view's selection asks for below its
// enterprises.
type DetailWants struct {
	Self         bool // the enterprise itself
	Designations bool
	District     bool
	Park         bool
	Chains       bool
	Offers       bool // what it makes, with the products
	Needs        bool // what it needs, with the products
	// Supply are supplier or customer windows wanted of these enterprises
	// (each query's USCC is one of those read).
	Supply []enterprise.SupplyQuery
}

// Any reports whether anything is wanted.
func (w DetailWants) Any() bool {
	return w.Self || w.Designations || w.District || w.Park || w.Chains || w.Offers || w.Needs || len(w.Supply) > 0
}

// EnterpriseDetail holds the wanted parts of one enterprise. Products are
// the products its Offers and Needs name (each once per offer or need).
type EnterpriseDetail struct {
	Enterprise   *enterprise.Enterprise
	Designations []enterprise.DesignationGrant // newest first
	District     *District
	Park         *Park
	Chains       []IndustrialChain // code order
	Offers       []enterprise.ProductOffer
	Needs        []enterprise.ProductNeed
	Products     []Product
	// Supply holds the answers to DetailWants.Supply about this
	// enterprise, by the query's index there.
	Supply map[int]enterprise.SupplyWindow
}

// DetailsOf returns the parts w asks for of each enterprise, in key order,
// with one statement; an unknown USCC gets the zero EnterpriseDetail.
func (s *Service) DetailsOf(ctx context.Context, usccs []string, w DetailWants) ([]EnterpriseDetail, error) {
	return s.store.EnterpriseDetails(ctx, usccs, w)
}
