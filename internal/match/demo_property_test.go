package match_test

import (
	"context"
	"math"
	"testing"

	"chainmatch/internal/demo"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestPropertiesOnDemoData checks invariants of every answer on the
// standard demo graph, against the generator's own records: supplier
// matches make the product they are about (the needed one when the fit is
// exact), customer matches need it, filters hold, existing relations are
// real, partners never trade with the asker, and every supply path is made
// of real supply relations.
func TestPropertiesOnDemoData(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	opts := demo.Options{}
	if _, err := demo.Load(ctx, s, opts); err != nil {
		t.Fatal(err)
	}
	g := demo.Generate(opts)
	svc, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	type firm struct {
		local bool
		loc   *geo.Point
	}
	firms := map[string]firm{}
	for _, e := range g.Enterprises {
		f := firm{local: e.IsLocal}
		if e.HasLocation {
			f.loc = &geo.Point{Latitude: e.Lat, Longitude: e.Lon}
		}
		firms[e.USCC] = f
	}
	makes, needs := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, m := range g.Makes {
		if makes[m.USCC] == nil {
			makes[m.USCC] = map[string]bool{}
		}
		makes[m.USCC][m.ProductCode] = true
	}
	for _, n := range g.Needs {
		if needs[n.USCC] == nil {
			needs[n.USCC] = map[string]bool{}
		}
		needs[n.USCC][n.ProductCode] = true
	}
	supplies := map[[2]string]bool{}
	next := map[string][]string{}
	for _, r := range g.Supplies {
		supplies[[2]string{r.SupplierUSCC, r.CustomerUSCC}] = true
		next[r.SupplierUSCC] = append(next[r.SupplierUSCC], r.CustomerUSCC)
	}

	var askers []string
	for _, e := range g.Enterprises {
		if e.IsLocal && len(needs[e.USCC]) > 0 && len(makes[e.USCC]) > 0 {
			askers = append(askers, e.USCC)
		}
		if len(askers) == 12 {
			break
		}
	}
	if len(askers) < 5 {
		t.Fatalf("demo graph has only %d local askers that make and need", len(askers))
	}
	maxKm := 30.0
	matched := 0
	for _, a := range askers {
		q := match.MatchQuery{EnterpriseID: eid(a), MaxDistanceKm: &maxKm, First: ptr(100)}
		sup, err := svc.SupplierMatches(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cus, err := svc.CustomerMatches(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		par, err := svc.PartnerMatches(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		matched += len(sup) + len(cus) + len(par)
		for kind, ms := range map[string][]match.Match{"supplier": sup, "customer": cus, "partner": par} {
			for i, m := range ms {
				c := m.CandidateUSCC
				f := firms[c]
				if c == a || !f.local {
					t.Fatalf("%s match %s for %s: self or not local", kind, c, a)
				}
				if m.DistanceKm == nil || *m.DistanceKm > maxKm || f.loc == nil ||
					math.Abs(*m.DistanceKm-geo.DistanceKm(*firms[a].loc, *f.loc)) > 0.05 {
					t.Fatalf("%s match %s for %s: distance %v beyond %v km or wrong", kind, c, a, m.DistanceKm, maxKm)
				}
				if i > 0 && !rankedBefore(kind, ms[i-1], m) {
					t.Fatalf("%s matches for %s not sorted by fit tier, then score", kind, a)
				}
				checkComponents(t, m.Score, m.Components)
				fit := m.Components[0].Value
				if (kind != "partner" && (fit == 1) != (m.Fit == match.FitProduct)) || !m.Fit.IsValid() {
					t.Fatalf("%s %s for %s: fit %s with productFit %v", kind, c, a, m.Fit, fit)
				}
				switch kind {
				case "supplier":
					if m.ProductCode == nil || !makes[c][*m.ProductCode] || (fit == 1 && !needs[a][*m.ProductCode]) {
						t.Fatalf("supplier %s for %s: product %v (fit %v) not made by it or not needed", c, a, m.ProductCode, fit)
					}
					if m.ExistingRelation != supplies[[2]string{c, a}] {
						t.Fatalf("supplier %s for %s: existingRelation %v", c, a, m.ExistingRelation)
					}
				case "customer":
					if m.ProductCode == nil || !needs[c][*m.ProductCode] || (fit == 1 && !makes[a][*m.ProductCode]) {
						t.Fatalf("customer %s for %s: product %v not needed by it or not made", c, a, m.ProductCode)
					}
					if m.ExistingRelation != supplies[[2]string{a, c}] {
						t.Fatalf("customer %s for %s: existingRelation %v", c, a, m.ExistingRelation)
					}
				case "partner":
					if supplies[[2]string{a, c}] || supplies[[2]string{c, a}] || m.ExistingRelation {
						t.Fatalf("partner %s trades with %s", c, a)
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no matches at all on the demo graph")
	}
	t.Run("every local asker sees the very product first", func(t *testing.T) {
		oneStatement, err := match.NewService(everyBranch{s}, match.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		checkTierOrderEveryAsker(t, svc, oneStatement, g, makes, needs)
	})
	t.Run("the Cypher rank key equals the score's proximity and qualification", func(t *testing.T) {
		checkRankKeyAgrees(t, s, svc, g)
	})

	paths := 0
	for _, r := range g.Supplies[:min(len(g.Supplies), 300)] {
		for _, to := range next[r.CustomerUSCC] {
			if to == r.SupplierUSCC {
				continue
			}
			ps, err := svc.SupplyPaths(ctx, eid(r.SupplierUSCC), eid(to), ptr(3), ptr(10))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 || ps[0].Hops > 2 {
				t.Fatalf("no path of at most 2 hops from %s to %s: %+v", r.SupplierUSCC, to, ps)
			}
			for _, p := range ps {
				if p.Hops != len(p.USCCs)-1 || p.Hops > 3 || p.USCCs[0] != r.SupplierUSCC || p.USCCs[p.Hops] != to {
					t.Fatalf("path %+v", p)
				}
				for i := 0; i+1 < len(p.USCCs); i++ {
					if !supplies[[2]string{p.USCCs[i], p.USCCs[i+1]}] {
						t.Fatalf("path %v: %s does not supply %s", p.USCCs, p.USCCs[i], p.USCCs[i+1])
					}
				}
				paths++
			}
			break
		}
		if paths > 40 {
			break
		}
	}
	if paths == 0 {
		t.Fatal("no supply paths checked")
	}
}
