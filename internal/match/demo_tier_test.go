package match_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/demo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"

	"golang.org/x/sync/errgroup"
)

// rankedBefore reports whether a may precede b in a list of the given kind
// ("supplier", "customer", "partner", "gap"): fit tier ascending, then
// score descending, then candidate id ascending.
func rankedBefore(kind string, a, b match.Match) bool {
	k := map[string]match.Kind{"supplier": match.Suppliers, "customer": match.Customers, "partner": match.Partners, "gap": match.GapFillers}[kind]
	ta, tb := match.Tier(k, a.Fit), match.Tier(k, b.Fit)
	if ta != tb {
		return ta < tb
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return eid(a.CandidateUSCC) < eid(b.CandidateUSCC)
}

// checkTierOrderEveryAsker walks every local firm of the demo graph (not a
// sample) and asks, with the default input, for its suppliers (if it needs
// anything) and customers (if it makes anything). Against the generator's
// own records: no near fit precedes a firm trading the very product, and a
// list that shows any near fit shows every eligible firm trading the very
// product (local, not the asker) — the issue's "73 makers of the very
// product ranked below a near fit" cannot happen. Every chain's gap
// candidates are exact fits in score order.
//
// The askers are walked by two workers (Neo4j has a core each; the test
// holds the database lock, so nothing else uses it). For a third of the
// askers (which third rotates by day, logged) the list is also compared
// with one statement over every fit, the reference the near-fit shortcut
// must equal; the run of every asker is recorded in docs/matching.md.
func checkTierOrderEveryAsker(t *testing.T, svc, oneStatement *match.Service, g *demo.Graph, makes, needs map[string]map[string]bool) {
	ctx := context.Background()
	local := map[string]bool{}
	for _, e := range g.Enterprises {
		local[e.USCC] = e.IsLocal
	}
	// Local traders of each product: makers (suppliers) and buyers (customers).
	makers, buyers := map[string][]string{}, map[string][]string{}
	for _, m := range g.Makes {
		if local[m.USCC] {
			makers[m.ProductCode] = append(makers[m.ProductCode], m.USCC)
		}
	}
	for _, n := range g.Needs {
		if local[n.USCC] {
			buyers[n.ProductCode] = append(buyers[n.ProductCode], n.USCC)
		}
	}
	third := time.Now().YearDay() % 3
	t.Logf("lists compared with one statement for the local askers with index %% 3 == %d", third)
	var askers []string
	for _, e := range g.Enterprises {
		if e.IsLocal {
			askers = append(askers, e.USCC)
		}
	}
	var lists, nearShown, compared atomic.Int64
	grp, gctx := errgroup.WithContext(ctx)
	grp.SetLimit(2)
	for i, uscc := range askers {
		grp.Go(func() error {
			for _, side := range []struct {
				kind  string
				own   map[string]bool
				other map[string][]string
				ask   func(context.Context, match.MatchQuery) ([]match.Match, error)
				all   func(context.Context, match.MatchQuery) ([]match.Match, error)
			}{
				{"supplier", needs[uscc], makers, svc.SupplierMatches, oneStatement.SupplierMatches},
				{"customer", makes[uscc], buyers, svc.CustomerMatches, oneStatement.CustomerMatches},
			} {
				if len(side.own) == 0 {
					continue
				}
				ms, err := side.ask(gctx, match.MatchQuery{EnterpriseID: eid(uscc)})
				if err != nil {
					return err
				}
				if i%3 == third {
					// Gathering the near fits only when the very product leaves
					// room changes nothing: the same list as one statement over
					// every fit.
					ref, err := side.all(gctx, match.MatchQuery{EnterpriseID: eid(uscc)})
					if err != nil {
						return err
					}
					if !sameMatches(ms, ref) {
						return fmt.Errorf("%s matches of %s differ from one statement over every fit:\n got %v\nwant %v", side.kind, uscc, brief(ms), brief(ref))
					}
					compared.Add(1)
				}
				lists.Add(1)
				if err := checkTiers(side.kind, uscc, ms, side.own, side.other, &nearShown); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := grp.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(askers) < 1000 || lists.Load() < int64(len(askers)) || nearShown.Load() == 0 || compared.Load() < lists.Load()/4 {
		t.Fatalf("walked %d local askers, %d lists (%d compared with one statement), %d with near fits: the demo graph lost its shape",
			len(askers), lists.Load(), compared.Load(), nearShown.Load())
	}
	t.Logf("%d local askers, %d supplier and customer lists (%d compared with one statement), %d of them extended by near fits",
		len(askers), lists.Load(), compared.Load(), nearShown.Load())

	chains := map[string]bool{}
	for _, c := range g.Chains {
		chains[c.Code] = true
	}
	for c := range chains {
		gaps, err := svc.ChainGaps(ctx, gid.Encode(gid.Chain, c), ptr(match.MaxGapFirst), match.MaxGapCandidates)
		if err != nil {
			t.Fatal(err)
		}
		for i := range gaps {
			ms, err := svc.GapCandidates(ctx, &gaps[i], ptr(match.MaxGapCandidates))
			if err != nil {
				t.Fatal(err)
			}
			for j, m := range ms {
				if m.Fit != match.FitProduct || (j > 0 && !rankedBefore("gap", ms[j-1], m)) ||
					!slices.Contains(makersOf(g, gaps[i].ProductCode), m.CandidateUSCC) {
					t.Fatalf("gap %s candidate %d %s: fit %s score %.4f", gaps[i].ProductCode, j, m.CandidateUSCC, m.Fit, m.Score)
				}
			}
		}
	}
}

// everyBranch is the real Neo4j store with the fits of every candidate
// query ignored: one statement over every branch, as before the service
// gathered near fits only when needed.
type everyBranch struct{ *neo4jstore.Store }

func (s everyBranch) MatchCandidates(ctx context.Context, q match.CandidateQuery) ([]match.Candidate, error) {
	q.Fits = nil
	return s.Store.MatchCandidates(ctx, q)
}

func sameMatches(a, b []match.Match) bool {
	return slices.EqualFunc(a, b, func(x, y match.Match) bool {
		return x.CandidateUSCC == y.CandidateUSCC && x.Fit == y.Fit && x.Score == y.Score &&
			slices.Equal(x.Reasons, y.Reasons) && (x.ProductCode == nil) == (y.ProductCode == nil) &&
			(x.ProductCode == nil || *x.ProductCode == *y.ProductCode)
	})
}

func brief(ms []match.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.CandidateUSCC + ":" + string(m.Fit)
	}
	return out
}

func makersOf(g *demo.Graph, product string) []string {
	var out []string
	for _, m := range g.Makes {
		if m.ProductCode == product {
			out = append(out, m.USCC)
		}
	}
	return out
}

// checkRankKeyAgrees proves the one duplicated scoring rule consistent:
// the store caps candidates by a rank key it computes in Cypher
// (proximity decay and designation ladder), the score computes the same
// two terms in Go. For the first 150 local firms of the demo graph and
// every kind of match, not only local candidates (far and unlocated firms
// too), every candidate's Cypher key equals ScoreKey of its distance and
// designations, and equals the weighted proximity and qualification
// components of its returned match.
func checkRankKeyAgrees(t *testing.T, s *neo4jstore.Store, svc *match.Service, g *demo.Graph) {
	ctx := context.Background()
	w := svc.Weights()
	checked, unlocated, designated, askers := 0, 0, 0, 0
	for _, e := range g.Enterprises {
		if !e.IsLocal {
			continue
		}
		if askers++; askers > 150 {
			break
		}
		a, err := s.MatchAsker(ctx, e.USCC, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []match.Kind{match.Suppliers, match.Customers, match.Partners} {
			own := a.Makes
			if k == match.Suppliers {
				own = a.Needs
			}
			var codes []string
			for _, h := range own {
				codes = append(codes, h.Product.Code)
			}
			if len(codes) == 0 {
				continue
			}
			cands, err := s.MatchCandidates(ctx, match.CandidateQuery{Kind: k, AskerUSCC: a.USCC, ProductCodes: codes,
				AskerSegments: a.Segments, PerKind: match.CandidatesPerKind, Rank: match.NewRankKey(w)})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cands {
				if want := match.ScoreKey(w, c.DistanceKm, c.Designations); math.Abs(c.RankKey-want) > 1e-12 {
					t.Fatalf("asker %s kind %d candidate %s (%v km, %v): Cypher key %.15f, Go %.15f",
						a.USCC, k, c.USCC, c.DistanceKm, c.Designations, c.RankKey, want)
				}
				checked++
				if c.DistanceKm == nil {
					unlocated++
				}
				if len(c.Designations) > 0 {
					designated++
				}
			}
		}
		// The components the service returns carry the same two terms.
		ms, err := svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: eid(e.USCC), LocalOnly: ptr(false), First: ptr(match.MaxMatchFirst)})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			var prox, qual float64
			for _, c := range m.Components {
				switch c.Name {
				case match.CompProximity:
					prox = c.Weight * c.Value
				case match.CompQualification:
					qual = c.Weight * c.Value
				}
			}
			var desig []string
			for _, gr := range g.Grants {
				if gr.USCC == m.CandidateUSCC {
					desig = append(desig, gr.Designation)
				}
			}
			if want := match.ScoreKey(w, m.DistanceKm, desig); math.Abs(prox+qual-want) > 1e-12 {
				t.Fatalf("supplier %s of %s: components give %.15f, ScoreKey %.15f", m.CandidateUSCC, e.USCC, prox+qual, want)
			}
		}
	}
	if checked < 1000 || designated == 0 {
		t.Fatalf("only %d candidates checked (%d designated, %d unlocated)", checked, designated, unlocated)
	}
	t.Logf("rank key: %d candidates agree (%d designated, %d without a distance)", checked, designated, unlocated)
}

// checkTiers checks one supplier or customer list of asker: sorted by fit
// tier, then score; PRODUCT exactly for the firms trading one of own's
// products (other: product -> local traders); no exact fit after a near
// fit; and a list showing a near fit shows every such firm.
func checkTiers(kind, asker string, ms []match.Match, own map[string]bool, other map[string][]string, nearShown *atomic.Int64) error {
	exact := map[string]bool{} // eligible firms trading the very product
	for p := range own {
		for _, u := range other[p] {
			if u != asker {
				exact[u] = true
			}
		}
	}
	shown, near := 0, false
	for i, m := range ms {
		if i > 0 && !rankedBefore(kind, ms[i-1], m) {
			return fmt.Errorf("%s matches of %s: %s (%s %.4f) before %s (%s %.4f)", kind, asker,
				ms[i-1].CandidateUSCC, ms[i-1].Fit, ms[i-1].Score, m.CandidateUSCC, m.Fit, m.Score)
		}
		if (m.Fit == match.FitProduct) != exact[m.CandidateUSCC] {
			return fmt.Errorf("%s %s of %s: fit %s, but trades the very product: %v", kind, m.CandidateUSCC, asker, m.Fit, exact[m.CandidateUSCC])
		}
		if m.Fit == match.FitProduct {
			if near {
				return fmt.Errorf("%s matches of %s: exact %s after a near fit", kind, asker, m.CandidateUSCC)
			}
			shown++
		} else {
			near = true
		}
	}
	if near {
		nearShown.Add(1)
		if shown != len(exact) {
			return fmt.Errorf("%s matches of %s show a near fit but only %d of %d firms trading the very product", kind, asker, shown, len(exact))
		}
	}
	return nil
}
