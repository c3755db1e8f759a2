// Package chain is the business layer for the industrial-chain catalogue:
// chains and their ordered segments, products and their inputs, districts,
// parks and incentives.
package chain

import (
	"fmt"

	"chainmatch/internal/catalog"
	"chainmatch/internal/enterprise"
)

// The catalogue's records are defined in internal/catalog (so that the
// enterprise read model can carry them without importing this service);
// these names are the same types.
type (
	// Stage is where a segment sits in its chain.
	Stage = catalog.Stage
	// Product is a product or material, keyed by code.
	Product = catalog.Product
	// IndustrialChain is a chain such as photovoltaics, keyed by code.
	IndustrialChain = catalog.IndustrialChain
	// ChainSegment is one link of a chain, keyed by code.
	ChainSegment = catalog.ChainSegment
	// District is a Jiaxing district or county, keyed by its administrative code.
	District = catalog.District
	// Park is an industrial park or development zone, keyed by code.
	Park = catalog.Park
)

// The chain stages.
const (
	Upstream   = catalog.Upstream
	Midstream  = catalog.Midstream
	Downstream = catalog.Downstream
)

// Incentive is a cash award for holding a designation; incentives are data.
type Incentive struct {
	Code        string
	Name        string
	NameEn      *string
	AmountYuan  int
	Designation *enterprise.Designation
	LocalOnly   bool
	MinYear     *int
}

// ProductRecord is a validated product write. Inputs nil keeps the stored
// INPUT_OF relations; non-nil replaces them.
type ProductRecord struct {
	Product    Product
	InputCodes []string
}

// ChainRecord is a validated chain write. Segments nil keeps the stored
// segments; non-nil replaces them (positions follow the slice order).
type ChainRecord struct {
	Chain    IndustrialChain
	Segments []ChainSegment
}

// ParkRecord is a park with the chains it focuses on.
type ParkRecord struct {
	Park            Park
	FocusChainCodes []string
}

// HitKind says what a search hit is.
type HitKind string

// The kinds of search hits.
const (
	HitEnterprise HitKind = "Enterprise"
	HitProduct    HitKind = "Product"
	HitChain      HitKind = "IndustrialChain"
)

// Hit is one search result: the kind and natural key of the object found.
type Hit struct {
	Kind  HitKind
	Key   string
	Score float64
	// Via says how the store found it: HitViaName, HitViaKey,
	// HitViaSynonym, HitViaUSCC (one or more).
	Via []string
	// SearchKeys are the object's stored search keys (textkey.Keys), so
	// that ranking need not compute pinyin again.
	SearchKeys string
	// The object found, of Kind, when the store read it with the hit (it
	// does, so that showing hits costs no further statements); nil
	// otherwise.
	Enterprise *enterprise.Enterprise
	Product    *Product
	Chain      *IndustrialChain
}

// ProductPage is one page of the product catalogue.
type ProductPage struct {
	Products    []Product
	Cursors     []string
	HasNext     bool
	HasPrevious bool
	Total       int
}

// ProductWindow is the store's answer to a ListProducts call.
type ProductWindow struct {
	Products []Product
	// Total counts every product; Passed those at or before the cursor.
	Total, Passed int
}

// InUseError is returned by Storer.DeleteProduct when enterprise
// relationships still refer to the product at delete time.
type InUseError struct{ Uses int }

func (e *InUseError) Error() string {
	return fmt.Sprintf("%d enterprise relationships still refer to the product", e.Uses)
}

// SegmentUse is how many products a segment holds.
type SegmentUse struct {
	Code      string
	ChainCode string
	Products  int
}
