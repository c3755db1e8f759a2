// Package chain is the business layer for the industrial-chain catalogue:
// chains and their ordered segments, products and their inputs, districts,
// parks and incentives.
package chain

import (
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
)

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
