package match

import (
	"context"
	"slices"

	"chainmatch/internal/enterprise"
)

// The pieces of chain analytics that a what-if (internal/lead's
// settlement impact) reuses, so that it computes with the very formulas
// and rules of chainGaps, incentivesFor and cultivationProgress.

// GapSeverity is the severity of a chain gap with demand local buyers and
// supply local makers, as ChainGaps computes it.
func GapSeverity(demand, supply int) float64 { return gapSeverity(demand, supply) }

// The designations CultivationProgress counts.
const (
	National   = enterprise.NationalLittleGiant
	Provincial = enterprise.ProvincialSRDI
)

// CountsAs returns 1 when a firm holding designations would count towards
// d in CultivationProgress once local, else 0.
func CountsAs(designations []string, d enterprise.Designation) int {
	if slices.Contains(designations, string(d)) {
		return 1
	}
	return 0
}

// IncentivesIfLocal decides, as IncentivesFor does, which incentives the
// enterprise would qualify for if it were registered in Jiaxing.
func (s *Service) IncentivesIfLocal(ctx context.Context, enterpriseID string) ([]IncentiveEligibility, error) {
	return s.incentives(ctx, enterpriseID, true)
}
