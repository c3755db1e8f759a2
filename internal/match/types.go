// Package match is chainmatch's reason to exist: ranked, explainable
// supplier, customer and partner matches, chain-gap analysis, settlement
// options, supply paths, incentive eligibility and cultivation progress.
// Scoring lives here; the Cypher that gathers candidates lives in
// internal/store/neo4j. See docs/matching.md.
package match

import "chainmatch/internal/chain"

// ScoreComponent is one named part of a score: score = sum(Weight * Value).
type ScoreComponent struct {
	Name   string
	Weight float64
	Value  float64
}

// Match is a ranked candidate for an enterprise.
type Match struct {
	CandidateUSCC string
	ProductCode   *string
	// Fit is how the candidate relates to the products asked about (its
	// best fit); with the score it decides the order (Tier).
	Fit              Fit
	Score            float64
	DistanceKm       *float64
	Components       []ScoreComponent
	Reasons          []string
	ExistingRelation bool
}

// ChainGap is a chain product with local demand and too little local supply.
type ChainGap struct {
	ChainCode   string
	SegmentCode string
	ProductCode string
	LocalDemand int
	LocalSupply int
	Severity    float64

	product   ProductRef
	prospects []Match // ranked candidates gathered by Service.ChainGaps
}

// SettlementOption is a park a firm could settle in.
type SettlementOption struct {
	ParkCode       string
	Score          float64
	Components     []ScoreComponent
	LocalSuppliers int
	LocalCustomers int
	GapsFilled     []string // product codes
	Reasons        []string
}

// SupplyPath is a chain of supply relations, supplier first.
type SupplyPath struct {
	USCCs []string
	Hops  int
}

// IncentiveEligibility says whether an enterprise qualifies for an incentive.
type IncentiveEligibility struct {
	Incentive chain.Incentive
	Eligible  bool
	Reason    string
}

// CultivationProgress counts designated firms against the targets.
type CultivationProgress struct {
	NationalLittleGiants int
	NationalTarget       int
	ProvincialSRDI       int
	ProvincialTarget     int
	TargetYear           int
	ByDistrict           []DistrictProgress
}

// DistrictProgress is one district's share of CultivationProgress.
type DistrictProgress struct {
	DistrictCode         string
	NationalLittleGiants int
	ProvincialSRDI       int
}
