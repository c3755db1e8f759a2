package match

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Weights are the configurable weights of the two scoring models (see
// docs/matching.md). Each group is normalised to sum to 1 by NewService, so
// every score stays in 0..1 and equals sum(weight * value) of its
// components.
type Weights struct {
	// Matches (supplier, customer, partner and chain-gap candidates).
	ProductFit    float64 // how closely the candidate's product fits the one asked about
	Proximity     float64 // great-circle distance, exp(-d/25 km)
	Qualification float64 // highest designation held
	Network       float64 // trades with firms like the asker, shares partners with it
	Capacity      float64 // capacity vs volume, where both are known
	Novelty       float64 // 1 for a new partner, 0 when it already trades with the asker

	// Settlement options (parks).
	SupplyAccess float64 // local suppliers of the firm's needs in or near the park
	MarketAccess float64 // local customers for the firm's products in or near the park
	ChainFocus   float64 // the park focuses on the firm's chains
	GapFill      float64 // the firm's products fill Jiaxing gaps of the park's focus chains
}

// DefaultWeights are the weights documented in docs/matching.md.
func DefaultWeights() Weights {
	return Weights{
		ProductFit:    0.35,
		Proximity:     0.20,
		Qualification: 0.15,
		Network:       0.15,
		Capacity:      0.05,
		Novelty:       0.10,

		SupplyAccess: 0.30,
		MarketAccess: 0.30,
		ChainFocus:   0.25,
		GapFill:      0.15,
	}
}

// normalized checks that no weight is negative and each group has a positive
// sum, and scales each group to sum to 1.
func (w Weights) normalized() (Weights, error) {
	match := []*float64{&w.ProductFit, &w.Proximity, &w.Qualification, &w.Network, &w.Capacity, &w.Novelty}
	settle := []*float64{&w.SupplyAccess, &w.MarketAccess, &w.ChainFocus, &w.GapFill}
	for _, group := range [][]*float64{match, settle} {
		sum := 0.0
		for _, p := range group {
			if *p < 0 || math.IsNaN(*p) || math.IsInf(*p, 0) {
				return w, fmt.Errorf("match weights: %v is not a non-negative number", *p)
			}
			sum += *p
		}
		if sum <= 0 {
			return w, fmt.Errorf("match weights: a group of weights sums to %v, want > 0", sum)
		}
		if math.Abs(sum-1) < 1e-9 {
			continue // already normalised; keep the configured values as written
		}
		for _, p := range group {
			*p /= sum
		}
	}
	return w, nil
}

// Component names, as returned in ScoreComponent.Name.
const (
	CompProductFit    = "productFit"
	CompProximity     = "proximity"
	CompQualification = "qualification"
	CompNetwork       = "network"
	CompCapacity      = "capacity"
	CompNovelty       = "novelty"

	CompSupplyAccess = "supplyAccess"
	CompMarketAccess = "marketAccess"
	CompChainFocus   = "chainFocus"
	CompGapFill      = "gapFill"
)

// score sums weight * value in component order; the result is what a client
// recomputing from the components gets.
func score(cs []ScoreComponent) float64 {
	s := 0.0
	for _, c := range cs {
		s += c.Weight * c.Value
	}
	return s
}

// weightNames maps the component names used in responses and docs to the
// Weights fields, for ParseWeights.
func (w *Weights) byName() map[string]*float64 {
	return map[string]*float64{
		"productFit": &w.ProductFit, "proximity": &w.Proximity, "qualification": &w.Qualification,
		"network": &w.Network, "capacity": &w.Capacity, "novelty": &w.Novelty,
		"supplyAccess": &w.SupplyAccess, "marketAccess": &w.MarketAccess,
		"chainFocus": &w.ChainFocus, "gapFill": &w.GapFill,
	}
}

// ParseWeights overrides base with a spec such as
// "proximity=0.3,network=0.1" (component names as in responses; the
// CHAINMATCH_MATCH_WEIGHTS variable). Unnamed components keep their base
// value; NewService then scales each group to sum to 1. An empty spec
// returns base.
func ParseWeights(spec string, base Weights) (Weights, error) {
	w := base
	fields := w.byName()
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return base, fmt.Errorf("match weights: %q is not name=value", part)
		}
		f, known := fields[strings.TrimSpace(name)]
		if !known {
			return base, fmt.Errorf("match weights: unknown component %q", name)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return base, fmt.Errorf("match weights: %s needs a number >= 0, got %q", name, val)
		}
		*f = v
	}
	if _, err := w.normalized(); err != nil {
		return base, err
	}
	return w, nil
}
