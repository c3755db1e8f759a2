package matchindex

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"chainmatch/internal/demo"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// In-memory states for the tests and benchmarks of this package that need
// no Neo4j: the demo graph's real catalogue (191 products in chains and
// segments) and synthetic firms shaped like Jiaxing's.

// demoCatalog is the demo graph's catalogue as the index reads it.
func demoCatalog() Catalog {
	g := demo.Generate(demo.Options{Scale: 300})
	var c Catalog
	for _, ch := range g.Chains {
		c.Chains = append(c.Chains, ch.Code)
	}
	for _, s := range g.Segments {
		pos := float64(s.Position)
		c.Segments = append(c.Segments, Segment{Code: s.Code, Position: &pos, Chains: []string{s.ChainCode}})
	}
	for _, p := range g.Products {
		en := p.NameEn
		c.Products = append(c.Products, Product{Code: p.Code, Name: p.Name, NameEn: &en, Segments: []string{p.SegmentCode}})
	}
	return c
}

// designationCodes are the ladder's designations.
var designationCodes = []string{"SINGLE_CHAMPION", "INVISIBLE_CHAMPION", "NATIONAL_LITTLE_GIANT", "PROVINCIAL_SRDI", "INNOVATIVE_SME"}

// synthShape shapes synthFirms.
type synthShape struct {
	n int
	// hot, when > 0, makes 80 % of the holdings fall on the first hot
	// products (dense holder lists at small n).
	hot int
	// spots, when > 0, puts 30 % of the local firms on one of that many
	// exact points (ties of distance and key).
	spots int
	// unlocated is the share of firms without a location.
	unlocated float64
}

// synthFirms makes n firms: 97 % local within lat 30.45–31.05, lon
// 120.3–121.3, the rest in other cities; designations on ~30 %; ~1.8
// makes and ~1.9 needs per firm; ~2 supply ties per firm.
func synthFirms(rng *rand.Rand, c Catalog, sh synthShape) []Firm {
	cities := []geo.Point{{Latitude: 30.66, Longitude: 104.07}, {Latitude: 22.54, Longitude: 114.06},
		{Latitude: 31.30, Longitude: 120.62}, {Latitude: 31.22, Longitude: 121.54}, {Latitude: 30.27, Longitude: 120.16},
		{Latitude: 39.96, Longitude: 116.30}}
	spots := make([]geo.Point, sh.spots)
	for i := range spots {
		spots[i] = geo.Point{Latitude: 30.45 + 0.6*rng.Float64(), Longitude: 120.3 + rng.Float64()}
	}
	unit := "t"
	pick := func() string {
		if sh.hot > 0 && rng.Float64() < 0.8 {
			return c.Products[rng.IntN(sh.hot)].Code
		}
		return c.Products[rng.IntN(len(c.Products))].Code
	}
	holdings := func(mean float64) []Holding {
		k := 1
		for rng.Float64() < (mean-1)/mean {
			k++
		}
		var hs []Holding
		for range k {
			a := float64(rng.IntN(1000))
			hs = append(hs, Holding{Product: pick(), Amount: &a, Unit: &unit})
		}
		return hs
	}
	out := make([]Firm, sh.n)
	for i := range out {
		f := Firm{USCC: "91330400" + strconv.Itoa(10000000+rng.IntN(89999999)) + strconv.Itoa(i)}
		f.IsLocal = rng.Float64() < 0.97
		if rng.Float64() >= sh.unlocated {
			var p geo.Point
			switch {
			case f.IsLocal && sh.spots > 0 && rng.Float64() < 0.3:
				p = spots[rng.IntN(len(spots))]
			case f.IsLocal:
				p = geo.Point{Latitude: 30.45 + 0.6*rng.Float64(), Longitude: 120.3 + rng.Float64()}
			default:
				ct := cities[rng.IntN(len(cities))]
				p = geo.Point{Latitude: ct.Latitude + 0.2*rng.Float64(), Longitude: ct.Longitude + 0.2*rng.Float64()}
			}
			f.Location = &p
		}
		if rng.Float64() < 0.3 {
			f.Designations = []string{designationCodes[rng.IntN(len(designationCodes))]}
			if rng.Float64() < 0.2 {
				f.Designations = append(f.Designations, designationCodes[rng.IntN(len(designationCodes))])
			}
		}
		f.Makes, f.Needs = holdings(1.8), holdings(1.9)
		out[i] = f
	}
	for i := range out {
		for range rng.IntN(4) {
			j := rng.IntN(len(out))
			if j != i && !slices.Contains(out[i].Customers, out[j].USCC) {
				out[i].Customers = append(out[i].Customers, out[j].USCC)
				out[j].Suppliers = append(out[j].Suppliers, out[i].USCC)
			}
		}
	}
	return out
}

// memState loads firms into a new state over c and builds its streams.
func memState(c Catalog, firms []Firm) *state {
	st := newState(Head{Seq: 1, Epoch: "mem"}, c)
	for _, f := range firms {
		st.put(f)
	}
	st.indexAll()
	return st
}

// defaultRank is the rank key of the service's default weights.
func defaultRank() match.RankKey {
	svc, err := match.NewService(nil, match.DefaultWeights())
	if err != nil {
		panic(err)
	}
	return match.NewRankKey(svc.Weights())
}
