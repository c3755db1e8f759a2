// Package catalog holds the records of the industrial-chain catalogue
// (products, chains, segments, districts, parks) as plain values, without
// behaviour. It imports no other domain package, so both the catalogue
// service (internal/chain, which re-exports these names) and the enterprise
// service (whose read model carries a firm's district, park, chains and
// products) can use them.
package catalog

import "chainmatch/internal/geo"

// Stage is where a segment sits in its chain. Values equal the GraphQL enum.
type Stage string

// The chain stages.
const (
	Upstream   Stage = "UPSTREAM"
	Midstream  Stage = "MIDSTREAM"
	Downstream Stage = "DOWNSTREAM"
)

// IsValid reports whether s is a known stage.
func (s Stage) IsValid() bool { return s == Upstream || s == Midstream || s == Downstream }

// Product is a product or material, keyed by code.
type Product struct {
	Code        string
	Name        string
	NameEn      *string
	SegmentCode *string
}

// IndustrialChain is a chain such as photovoltaics, keyed by code.
type IndustrialChain struct {
	Code   string
	Name   string
	NameEn *string
}

// ChainSegment is one link of a chain, keyed by code.
type ChainSegment struct {
	Code      string
	Name      string
	NameEn    *string
	Stage     Stage
	Position  int
	ChainCode string
}

// District is a Jiaxing district or county, keyed by its administrative code.
type District struct {
	Code     string
	Name     string
	NameEn   string
	Location *geo.Point
}

// Park is an industrial park or development zone, keyed by code.
type Park struct {
	Code         string
	Name         string
	NameEn       *string
	DistrictCode string
	Location     *geo.Point
}
