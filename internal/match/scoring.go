package match

import (
	"math"

	"chainmatch/internal/enterprise"
)

// Fit says how a candidate's product relates to the product asked about.
type Fit string

// The fits the store reports.
const (
	FitProduct  Fit = "PRODUCT"  // the very product
	FitSegment  Fit = "SEGMENT"  // another product of the same chain segment
	FitAdjacent Fit = "ADJACENT" // a product of the neighbouring segment (position ± 1) of the same chain
	FitShared   Fit = "SHARED"   // no product link: the candidate shares a customer or supplier with the asker
)

// Fits lists every fit, in the order of the GraphQL enum ProductFit.
var Fits = []Fit{FitProduct, FitSegment, FitAdjacent, FitShared}

// IsValid reports whether f is a known fit.
func (f Fit) IsValid() bool {
	return f == FitProduct || f == FitSegment || f == FitAdjacent || f == FitShared
}

// Tier is where a fit puts a match before its score is looked at: lists
// are ordered by tier ascending, then score descending, then candidate id.
// For suppliers, customers and gap candidates every firm trading the very
// product (tier 0) precedes every near fit (tier 1): a buyer reads a
// supplier list top-down, and a near fit extends the list without ever
// pushing a real maker down. Partner matches have one tier: they are
// ordered by score alone, and productFit (complementary firms 1.0 first)
// decides between fits there. See docs/matching.md.
func Tier(k Kind, f Fit) int {
	if k == Partners || f == FitProduct {
		return 0
	}
	return 1
}

// Kind is the kind of match asked for.
type Kind int

// The kinds of match.
const (
	Suppliers Kind = iota
	Customers
	Partners
	GapFillers
)

// productFitValue is the productFit component. For suppliers, customers and
// gap fillers the exact product is best; for partners, complementary firms
// (neighbouring segment) are best and firms making the same product
// (competitors) come after peers of the same segment.
func productFitValue(k Kind, f Fit) float64 {
	if k == Partners {
		switch f {
		case FitAdjacent:
			return 1.0
		case FitSegment:
			return 0.6
		case FitProduct:
			return 0.4
		}
		return 0
	}
	switch f {
	case FitProduct:
		return 1.0
	case FitSegment:
		return 0.6
	case FitAdjacent:
		return 0.3
	}
	return 0
}

// ProximityScaleKm is the distance at which proximity has decayed to 1/e.
const ProximityScaleKm = 25.0

// UnknownProximity is the proximity of a candidate whose distance is unknown
// (either firm has no location): as if about 35 km away, so that an
// unlocated firm never outranks a located one close by.
const UnknownProximity = 0.25

// proximityValue is exp(-d / 25 km), or UnknownProximity without a distance.
func proximityValue(d *float64) float64 {
	if d == nil {
		return UnknownProximity
	}
	return math.Exp(-*d / ProximityScaleKm)
}

// designationLadder is the qualification value of each designation.
var designationLadder = map[enterprise.Designation]float64{
	enterprise.SingleChampion:      1.0,
	enterprise.InvisibleChampion:   0.85,
	enterprise.NationalLittleGiant: 0.7,
	enterprise.ProvincialSRDI:      0.5,
	enterprise.InnovativeSME:       0.3,
}

// ladderRungs is designationLadder as a list, for qualificationValue's
// lookups: a scan of five short strings costs less than hashing each one
// (it runs for every candidate of every match).
var ladderRungs = func() []ladderRung {
	out := make([]ladderRung, 0, len(designationLadder))
	for d, v := range designationLadder {
		out = append(out, ladderRung{d, v})
	}
	return out
}()

type ladderRung struct {
	d enterprise.Designation
	v float64
}

// ladderValue is designationLadder[d].
func ladderValue(d enterprise.Designation) float64 {
	for _, r := range ladderRungs {
		if r.d == d {
			return r.v
		}
	}
	return 0
}

// ScoreKey is the rank key as the score computes it: w.Proximity ×
// proximity + w.Qualification × qualification, from the very functions
// that build those two components. The store computes the same key in
// Cypher from the parameters of NewRankKey (the decay scale, the unknown
// proximity and the designation ladder all come from here); a test on the
// demo graph proves the two agree for every candidate.
func ScoreKey(w Weights, distanceKm *float64, designations []string) float64 {
	q, _ := qualificationValue(designations)
	return w.Proximity*proximityValue(distanceKm) + w.Qualification*q
}

// NewRankKey is the RankKey the service sends the store for weights w
// (normalised as the service holds them, Service.Weights).
func NewRankKey(w Weights) RankKey { return rankKey(w) }

// rankKey is the RankKey of the weights w.
func rankKey(w Weights) RankKey {
	ladder := make(map[string]float64, len(designationLadder))
	for d, v := range designationLadder {
		ladder[string(d)] = v
	}
	return RankKey{Proximity: w.Proximity, Qualification: w.Qualification,
		ProximityScaleKm: ProximityScaleKm, UnknownProximity: UnknownProximity, Ladder: ladder}
}

// qualificationValue is the ladder value of the highest designation held
// (0 for none) and that designation.
func qualificationValue(held []string) (float64, enterprise.Designation) {
	best, top := 0.0, enterprise.Designation("")
	for _, h := range held {
		d := enterprise.Designation(h)
		if v := ladderValue(d); v > best || (v == best && v > 0 && d < top) {
			best, top = v, d
		}
	}
	return best, top
}

// networkValue saturates the number of network ties n: n / (n + 2), so one
// tie is worth 1/3, two 1/2, six 3/4.
func networkValue(n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(n) / float64(n+2)
}

// NeutralCapacity is the capacity value when capacity or volume is unknown,
// the units differ, or capacity does not apply.
const NeutralCapacity = 0.5

// capacityValue is min(1, offered / wanted) when both are known, positive
// and in the same unit, and NeutralCapacity otherwise (a stored 0 means
// "not reported"). It reports whether it was known.
func capacityValue(offered *float64, offeredUnit *string, wanted *float64, wantedUnit *string) (float64, bool) {
	if offered == nil || wanted == nil || *wanted <= 0 || *offered <= 0 {
		return NeutralCapacity, false
	}
	if (offeredUnit == nil) != (wantedUnit == nil) || (offeredUnit != nil && *offeredUnit != *wantedUnit) {
		return NeutralCapacity, false
	}
	return math.Min(1, *offered / *wanted), true
}

// gapSeverity is demand / (demand + supply): 1 when Jiaxing firms need the
// product and none make it, 1/2 when there are as many local makers as
// local buyers, towards 0 as local supply dominates; 0 without demand.
func gapSeverity(demand, supply int) float64 {
	if demand <= 0 {
		return 0
	}
	return float64(demand) / float64(demand+max(supply, 0))
}

// relativeTo is n / best, capped at 1: counts compared with the best of a
// ranked set (0 when nothing has any).
func relativeTo(n, best int) float64 {
	if best <= 0 || n <= 0 {
		return 0
	}
	return math.Min(1, float64(n)/float64(best))
}
