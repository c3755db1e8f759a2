package matchindex

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// TestStreamsSameAsLinear holds the stream path (stream.go) to the linear
// path (every holder's key, sorted: the statement's order, itself held to
// the Cypher by TestSameAsCypherOnDemoData) on a random state of 3,000
// firms over the demo catalogue: dense holder lists, 30 % of the local
// firms on 40 exact points (ties of key), 4 % unlocated; random askers,
// kinds, products, filters (local only, designations, maximum distance),
// fit subsets, caps 1..150 and weights; random gap centres and caps. Then
// the same after three rounds of random writes applied in place (moves,
// designation and locality changes, products gained and lost, firms
// removed and added), both with the overflow and stale entries still
// pending and after maintain's rebuilds. Results must be identical
// (reflect.DeepEqual: same candidates, order, hits, keys).
func TestStreamsSameAsLinear(t *testing.T) {
	// A new population every day (logged, so a failure can be replayed).
	seed := uint64(time.Now().YearDay())
	t.Logf("seed %d", seed)
	// Compact the arenas often, so that the walks below also read lists
	// that moved.
	defer func(d, s int) { minDead, deadShare = d, s }(minDead, deadShare)
	minDead, deadShare = 64, 50
	rng := rand.New(rand.NewPCG(7, seed))
	cat := demoCatalog()
	firms := synthFirms(rng, cat, synthShape{n: 3000, hot: 30, spots: 40, unlocated: 0.04})
	st := memState(cat, firms)
	byUSCC := map[string]int{}
	for i, f := range firms {
		byUSCC[f.USCC] = i
	}
	removed := map[string]bool{}
	rank := defaultRank()
	lists, cands, gaps, streamed := 0, 0, 0, 0

	check := func(round string, askers int) {
		t.Helper()
		var present []int32
		for id := range st.firms {
			if st.firms[id].present {
				present = append(present, int32(id))
			}
		}
		for range askers {
			q := randomQuery(rng, st, present, rank)
			want := st.candidatesBy(q, false)
			got := st.candidatesBy(q, true)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("%s: candidates differ for %+v\n%s", round, q, firstDiff(want, got))
			}
			lists++
			cands += len(want)
			if aid, _ := st.lookup(q.AskerUSCC); st.rankerFor(q, aid, sideMakes) != nil {
				streamed++
			}
		}
		for range askers / 10 {
			var codes []string
			for range 1 + rng.IntN(4) {
				codes = append(codes, cat.Products[rng.IntN(len(cat.Products))].Code)
			}
			centre := match.JiaxingCentre
			switch rng.IntN(3) {
			case 0: // on a firm (exact ties of distance)
				if f := &st.firms[present[rng.IntN(len(present))]]; f.hasLoc {
					centre = f.loc
				}
			case 1:
				centre = geo.Point{Latitude: 22 + 18*rng.Float64(), Longitude: 104 + 18*rng.Float64()}
			}
			per := 1 + rng.IntN(150)
			want := st.gapCandidatesBy(codes, centre, per, false)
			got := st.gapCandidatesBy(codes, centre, per, true)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("%s: gap candidates of %v at %v (%d) differ:\n got  %v\n want %v", round, codes, centre, per, got, want)
			}
			gaps += len(want)
		}
		// The byte per firm that gap candidates count local customers with
		// follows the firm records.
		for id := range st.firms {
			if f := &st.firms[id]; st.local[id] != (f.present && f.isLocal) {
				t.Fatalf("%s: firm %s local byte %v, record present %v local %v", round, st.usccOf(int32(id)), st.local[id], f.present, f.isLocal)
			}
		}
		// Every firm's facts read back as last put, and the supply ties
		// are sorted, distinct mirrors.
		for _, f := range firms {
			id, ok := st.lookup(f.USCC)
			if !ok || st.firms[id].present == removed[f.USCC] {
				t.Fatalf("%s: firm %s found %v, present %v, removed %v", round, f.USCC, ok, st.firms[id].present, removed[f.USCC])
			}
			if !removed[f.USCC] {
				if diff := factsDiff(st, id, f); diff != "" {
					t.Fatalf("%s: firm %s: %s", round, f.USCC, diff)
				}
			}
		}
		for id := range st.firms {
			for side, list := range [2][]int32{st.outOf(int32(id)), st.inOf(int32(id))} {
				if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
					t.Fatalf("%s: ties of %s not sorted and distinct: %v", round, st.usccOf(int32(id)), list)
				}
				for _, x := range list {
					back := st.inOf(x)
					if side == 1 {
						back = st.outOf(x)
					}
					if !containsSorted(back, int32(id)) {
						t.Fatalf("%s: %s ties %s (side %d) without the mirror", round, st.usccOf(int32(id)), st.usccOf(x), side)
					}
				}
			}
		}
		// The gap statistics' local counts, kept as firms come and go,
		// equal a count over the holder lists.
		for p := range st.products {
			pr := &st.products[p]
			local := func(ids []int32) int {
				n := 0
				for _, id := range ids {
					if st.firms[id].present && st.firms[id].isLocal {
						n++
					}
				}
				return n
			}
			if m, b := local(pr.makers), local(pr.buyers); m != pr.localMakers || b != pr.localBuyers {
				t.Fatalf("%s: product %s counts %d local makers and %d local buyers, its lists %d and %d",
					round, pr.code, pr.localMakers, pr.localBuyers, m, b)
			}
			if ids := slices.Sorted(slices.Values(pr.makers)); len(slices.Compact(ids)) != len(pr.makers) {
				t.Fatalf("%s: product %s lists a maker twice", round, pr.code)
			}
		}
	}
	check("built", 1000)

	mutate := func(n int) {
		for range n {
			switch k := rng.IntN(10); {
			case k == 0: // a new firm
				f := synthFirms(rng, cat, synthShape{n: 1, hot: 30, spots: 0, unlocated: 0.04})[0]
				f.Customers, f.Suppliers = nil, nil
				byUSCC[f.USCC] = len(firms)
				firms = append(firms, f)
				st.put(f)
			case k == 1: // removed
				i := rng.IntN(len(firms))
				st.remove(firms[i].USCC)
				removed[firms[i].USCC] = true
			default:
				i := rng.IntN(len(firms))
				f := firms[i]
				f.Makes, f.Needs = slices.Clone(f.Makes), slices.Clone(f.Needs)
				f.Customers, f.Suppliers = slices.Clone(f.Customers), slices.Clone(f.Suppliers)
				switch m := rng.IntN(9); m {
				case 0: // moved (sometimes onto another firm)
					o := firms[rng.IntN(len(firms))]
					if o.Location != nil && rng.IntN(2) == 0 {
						f.Location = o.Location
					} else {
						f.Location = &geo.Point{Latitude: 30.45 + 0.6*rng.Float64(), Longitude: 120.3 + rng.Float64()}
					}
				case 1:
					f.Location = nil
				case 2:
					f.Designations = []string{designationCodes[rng.IntN(len(designationCodes))]}
				case 3:
					f.IsLocal = !f.IsLocal
				case 4: // a product gained
					f.Makes = append(f.Makes, Holding{Product: cat.Products[rng.IntN(30)].Code})
				case 5: // a product lost
					if len(f.Makes) > 0 {
						f.Makes = f.Makes[1:]
					}
				case 6: // lost and gained back (a re-added entry next to the built one)
					if len(f.Needs) > 0 {
						g := f
						g.Needs = f.Needs[1:]
						st.put(g)
					}
				case 7, 8: // a customer gained or lost: both firms are written
					j := rng.IntN(len(firms))
					if m == 8 && len(f.Customers) > 0 {
						j = byUSCC[f.Customers[0]]
					}
					g := firms[j]
					if j == i || (m == 7 && slices.Contains(f.Customers, g.USCC)) || (m == 8 && len(f.Customers) == 0) {
						break
					}
					g.Suppliers = slices.Clone(g.Suppliers)
					if m == 7 {
						f.Customers = append(f.Customers, g.USCC)
						g.Suppliers = append(g.Suppliers, f.USCC)
					} else {
						f.Customers = slices.DeleteFunc(f.Customers, func(u string) bool { return u == g.USCC })
						g.Suppliers = slices.DeleteFunc(g.Suppliers, func(u string) bool { return u == f.USCC })
					}
					firms[j] = g
					st.put(g)
					delete(removed, g.USCC)
				}
				firms[i] = f
				st.put(f) // also brings a removed firm back
				delete(removed, f.USCC)
			}
		}
	}
	pending := func() (over, stale int) {
		for p := range st.products {
			for side := range 2 {
				for _, s := range st.products[p].streams[side] {
					over += len(s.over)
					stale += s.stale
				}
			}
		}
		return over, stale
	}
	for round := range 3 {
		mutate(150)
		o, s := pending()
		check(fmt.Sprintf("round %d, %d overflow and %d stale entries pending", round, o, s), 300)
		mutate(1500)
		o, s = pending()
		check(fmt.Sprintf("round %d, %d overflow and %d stale entries pending", round, o, s), 300)
		st.maintain()
		o2, s2 := pending()
		if o2+s2 >= o+s {
			t.Fatalf("maintain rebuilt nothing: %d+%d pending before, %d+%d after", o, s, o2, s2)
		}
		check(fmt.Sprintf("round %d after maintain (%d+%d pending)", round, o2, s2), 300)
	}
	t.Logf("ties: %d entries, %d dead; holdings %d, %d dead", len(st.ties.data), st.ties.dead, len(st.holds.data), st.holds.dead)
	if st.ties.compactions == 0 || st.holds.compactions == 0 {
		t.Fatalf("the arenas were never compacted (ties %d, holdings %d times)", st.ties.compactions, st.holds.compactions)
	}
	if streamed < lists*9/10 {
		t.Fatalf("only %d of %d lists went through the streams", streamed, lists)
	}
	t.Logf("%d candidate lists (%d candidates, %d through the streams) and %d gap candidates identical", lists, cands, streamed, gaps)
}

// factsDiff compares what the state holds of firm id with the record f
// last put ("" when equal).
func factsDiff(st *state, id int32, f Firm) string {
	n := &st.firms[id]
	switch {
	case n.isLocal != f.IsLocal || st.local[id] != f.IsLocal:
		return fmt.Sprintf("isLocal %v (byte %v), want %v", n.isLocal, st.local[id], f.IsLocal)
	case n.hasLoc != (f.Location != nil) || (n.hasLoc && n.loc != *f.Location):
		return fmt.Sprintf("location %v %v, want %v", n.hasLoc, n.loc, f.Location)
	case !reflect.DeepEqual(st.parks.get(n.park), f.Park):
		return fmt.Sprintf("park %v, want %v", st.parks.get(n.park), f.Park)
	case !slices.Equal(st.desigOf(id), f.Designations):
		return fmt.Sprintf("designations %v, want %v", st.desigOf(id), f.Designations)
	}
	for side, want := range [2][]Holding{f.Makes, f.Needs} {
		got := st.makesOf(id)
		if side == 1 {
			got = st.needsOf(id)
		}
		var back []Holding
		for i := range got {
			back = append(back, Holding{Product: st.products[got[i].prod].code, Amount: st.amountOf(&got[i]), Unit: st.unitOf(&got[i])})
		}
		if len(back) != len(want) || (len(want) > 0 && !reflect.DeepEqual(back, want)) {
			return fmt.Sprintf("side %d holdings %+v, want %+v", side, back, want)
		}
	}
	return ""
}

// randomQuery is a random candidate query of a random asker.
func randomQuery(rng *rand.Rand, st *state, present []int32, rank match.RankKey) match.CandidateQuery {
	a := present[rng.IntN(len(present))]
	kinds := []match.Kind{match.Suppliers, match.Customers, match.Partners}
	q := match.CandidateQuery{Kind: kinds[rng.IntN(3)], AskerUSCC: st.usccOf(a), LocalOnly: rng.IntN(3) > 0,
		PerKind: 1 + rng.IntN(150), Rank: rank}
	own := st.needsOf(a)
	if q.Kind != match.Suppliers {
		own = st.makesOf(a)
	}
	for _, h := range own {
		q.ProductCodes = append(q.ProductCodes, st.products[h.prod].code)
	}
	if len(q.ProductCodes) == 0 || rng.IntN(4) == 0 {
		q.ProductCodes = append(q.ProductCodes, st.products[rng.IntN(40)].code)
	}
	seen := map[string]bool{}
	for _, h := range st.makesOf(a) {
		for _, s := range st.products[h.prod].segs {
			if c := st.segments[s].code; !seen[c] {
				seen[c] = true
				q.AskerSegments = append(q.AskerSegments, c)
			}
		}
	}
	if rng.IntN(4) == 0 {
		d := []float64{0, 0.5, 3, 10, 25, 60, 2000}[rng.IntN(7)]
		q.MaxDistanceKm = &d
	}
	if rng.IntN(4) == 0 {
		q.Designations = []string{designationCodes[rng.IntN(5)], designationCodes[rng.IntN(5)]}
	}
	if rng.IntN(3) == 0 {
		for _, f := range []match.Fit{match.FitProduct, match.FitSegment, match.FitAdjacent, match.FitShared} {
			if rng.IntN(2) == 0 {
				q.Fits = append(q.Fits, f)
			}
		}
	}
	switch rng.IntN(8) {
	case 0: // no proximity: every key of a stream the same
		q.Rank.Proximity = 0
	case 1:
		q.Rank.Proximity, q.Rank.Qualification = rng.Float64(), rng.Float64()
	}
	return q
}

func firstDiff(want, got []match.Candidate) string {
	for i := range min(len(want), len(got)) {
		if !reflect.DeepEqual(want[i], got[i]) {
			return fmt.Sprintf("position %d: got %s key %v hits %+v\n want %s key %v hits %+v", i,
				got[i].USCC, got[i].RankKey, got[i].Hits, want[i].USCC, want[i].RankKey, want[i].Hits)
		}
	}
	return fmt.Sprintf("%d candidates, want %d", len(got), len(want))
}
