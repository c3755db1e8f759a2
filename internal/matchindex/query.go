package matchindex

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"chainmatch/internal/apperr"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// The in-memory counterparts of the match statements of
// internal/store/neo4j (match.go, analytics.go). Each function says which
// statement it answers like; TestSameAsCypherOnDemoData compares them on
// every local firm of the demo graph.

// asker answers like qMatchAsker.
func (st *state) asker(uscc string, productCodes []string) (match.Asker, error) {
	id, ok := st.lookup(uscc)
	if !ok || !st.firms[id].present {
		return match.Asker{}, fmt.Errorf("enterprise %s: %w", uscc, apperr.ErrNotFound)
	}
	f := &st.firms[id]
	a := match.Asker{USCC: uscc, IsLocal: f.isLocal, ParkCode: st.parks.get(f.park),
		Needs: st.holdingRefs(st.needsOf(id)), Makes: st.holdingRefs(st.makesOf(id)), Segments: []string{}}
	if f.hasLoc {
		loc := f.loc
		a.Location = &loc
	}
	seen := map[int32]bool{}
	for _, h := range st.makesOf(id) {
		for _, s := range st.products[h.prod].segs {
			if !seen[s] {
				seen[s] = true
				a.Segments = append(a.Segments, st.segments[s].code)
			}
		}
	}
	for _, c := range productCodes {
		if p, ok := st.prodByKey[c]; ok {
			a.Requested = append(a.Requested, st.ref(p))
		}
	}
	return a, nil
}

func (st *state) holdingRefs(hs []holding) []match.Holding {
	out := make([]match.Holding, 0, len(hs))
	for i := range hs {
		h := &hs[i]
		out = append(out, match.Holding{Product: st.ref(h.prod), Amount: st.amountOf(h), Unit: st.unitOf(h)})
	}
	return out
}

func (st *state) ref(p int32) match.ProductRef {
	pr := &st.products[p]
	return match.ProductRef{Code: pr.code, Name: pr.name, NameEn: pr.nameEn}
}

// row is one (candidate, fit, wanted, via) row of the candidate
// statement's branches; wanted and via are -1 for the shared fit.
type row struct {
	c           int32
	fit         match.Fit
	wanted, via int32
	h           *holding
}

// viaHit is one of a candidate's hits within a branch, before the cap.
type viaHit struct {
	via int32
	h   *holding
}

// candidates answers like the candidate statement (candidateQuery) for q.
func (st *state) candidates(q match.CandidateQuery) []match.Candidate {
	return st.candidatesBy(q, true)
}

// candidatesBy answers q, choosing each branch's top firms through the
// streams (stream.go) when streams is set and rankerFor allows, else by
// computing every holder's key (the linear path, the reference the tests
// hold the streams to).
func (st *state) candidatesBy(q match.CandidateQuery, streams bool) []match.Candidate {
	aid, ok := st.lookup(q.AskerUSCC)
	if !ok || !st.firms[aid].present {
		return []match.Candidate{}
	}
	a := &st.firms[aid]
	wantFit := func(f match.Fit) bool { return len(q.Fits) == 0 || slices.Contains(q.Fits, f) }
	makes := q.Kind != match.Customers
	holders := func(p int32) []int32 {
		if makes {
			return st.products[p].makers
		}
		return st.products[p].buyers
	}
	held := st.makesOf
	if !makes {
		held = st.needsOf
	}
	holdingOf := func(c int32, p int32) []*holding {
		hs := held(c)
		var out []*holding
		for i := range hs {
			if hs[i].prod == p {
				out = append(out, &hs[i])
			}
		}
		return out
	}

	var only int32 = -1
	if q.OnlyUSCC != nil {
		id, ok := st.lookup(*q.OnlyUSCC)
		if !ok {
			return []match.Candidate{}
		}
		only = id
	}
	var maxMeters float64
	if q.MaxDistanceKm != nil {
		maxMeters = *q.MaxDistanceKm * 1000
	}
	pass := func(c int32) bool {
		f := &st.firms[c]
		if c == aid || !f.present || (only >= 0 && c != only) || (q.LocalOnly && !f.isLocal) {
			return false
		}
		if q.MaxDistanceKm != nil && (!f.hasLoc || !a.hasLoc || !(distanceMeters(f.loc, a.loc) <= maxMeters)) {
			return false
		}
		if len(q.Designations) > 0 && !slices.ContainsFunc(st.desigOf(c), func(d string) bool { return slices.Contains(q.Designations, d) }) {
			return false
		}
		if q.Kind == match.Partners && (containsSorted(st.outOf(aid), c) || containsSorted(st.inOf(aid), c)) {
			return false
		}
		return true
	}
	key := func(c int32) float64 { return st.rankKey(q.Rank, aid, c) }
	// top orders firms by rank key (highest first), ties by USCC, and
	// keeps the first n (the linear path: every holder's key).
	top := func(cs []int32, n int) []int32 {
		type keyed struct {
			k float64
			c int32
		}
		ks := make([]keyed, len(cs))
		for i, c := range cs {
			ks[i] = keyed{key(c), c}
		}
		slices.SortFunc(ks, func(x, y keyed) int {
			if c := cmp.Compare(y.k, x.k); c != 0 {
				return c
			}
			return strings.Compare(st.usccOf(x.c), st.usccOf(y.c))
		})
		n = min(len(cs), n)
		for i := range n {
			cs[i] = ks[i].c
		}
		return cs[:n]
	}
	side := sideMakes
	if !makes {
		side = sideNeeds
	}
	var r *ranker
	if streams {
		r = st.rankerFor(q, aid, side)
	}
	// lowestHeld is the lowest-coded product of vias that c holds, with
	// c's first holding of it (the hit the statement's via picks).
	lowestHeld := func(c int32, vias []int32) viaHit {
		hs := held(c)
		b := viaHit{via: -1}
		for i := range hs {
			p := hs[i].prod
			if slices.Contains(vias, p) && (b.via < 0 || st.products[p].code < st.products[b.via].code) {
				b = viaHit{via: p, h: &hs[i]}
			}
		}
		return b
	}
	lowest := func(hs []viaHit) viaHit {
		b := hs[0]
		for _, h := range hs[1:] {
			if st.products[h.via].code < st.products[b.via].code {
				b = h
			}
		}
		return b
	}

	// The wanted products, as UNWIND $codes + MATCH: duplicates would give
	// identical rows, which the statement's UNION removes.
	var wants []int32
	for _, code := range q.ProductCodes {
		if p, ok := st.prodByKey[code]; ok && !slices.Contains(wants, p) {
			wants = append(wants, p)
		}
	}
	var rows []row

	if wantFit(match.FitProduct) {
		for _, w := range wants {
			var cs []int32
			if r != nil {
				cs = r.top([]int32{w}, q.PerKind, pass)
			} else {
				for _, c := range holders(w) {
					if pass(c) {
						cs = append(cs, c)
					}
				}
				cs = top(cs, q.PerKind)
			}
			for _, c := range cs {
				hs := holdingOf(c, w)
				rows = append(rows, row{c: c, fit: match.FitProduct, wanted: w, via: w, h: hs[0]})
			}
		}
	}

	// Wanted products grouped by their (sorted) segment codes.
	type group struct {
		segs  []int32
		wants []int32
	}
	var groups []group
	if wantFit(match.FitSegment) || wantFit(match.FitAdjacent) {
		at := map[string]int{}
		for _, w := range wants {
			segs := slices.Clone(st.products[w].segs)
			slices.SortFunc(segs, func(x, y int32) int { return strings.Compare(st.segments[x].code, st.segments[y].code) })
			k := fmt.Sprint(segs)
			i, ok := at[k]
			if !ok {
				i = len(groups)
				at[k] = i
				groups = append(groups, group{segs: segs})
			}
			groups[i].wants = append(groups[i].wants, w)
		}
	}

	if wantFit(match.FitSegment) && r != nil {
		for _, g := range groups {
			var all []int32
			for _, s := range g.segs {
				for _, via := range st.segments[s].products {
					if !slices.Contains(all, via) {
						all = append(all, via)
					}
				}
			}
			for _, w := range g.wants {
				vias := slices.DeleteFunc(slices.Clone(all), func(p int32) bool { return p == w })
				for _, c := range r.top(vias, q.PerKind, pass) {
					b := lowestHeld(c, vias)
					rows = append(rows, row{c: c, fit: match.FitSegment, wanted: w, via: b.via, h: b.h})
				}
			}
		}
	} else if wantFit(match.FitSegment) {
		for _, g := range groups {
			hits := map[int32][]viaHit{}
			var order []int32
			for _, s := range g.segs {
				for _, via := range st.segments[s].products {
					for _, c := range holders(via) {
						if !pass(c) {
							continue
						}
						if _, ok := hits[c]; !ok {
							order = append(order, c)
						}
						for _, h := range holdingOf(c, via) {
							hits[c] = append(hits[c], viaHit{via: via, h: h})
						}
					}
				}
			}
			for _, w := range g.wants {
				var cs []int32
				kept := map[int32][]viaHit{}
				for _, c := range order {
					var hs []viaHit
					for _, h := range hits[c] {
						if h.via != w {
							hs = append(hs, h)
						}
					}
					if len(hs) > 0 {
						cs = append(cs, c)
						kept[c] = hs
					}
				}
				for _, c := range top(cs, q.PerKind) {
					b := lowest(kept[c])
					rows = append(rows, row{c: c, fit: match.FitSegment, wanted: w, via: b.via, h: b.h})
				}
			}
		}
	}

	if wantFit(match.FitAdjacent) {
		for _, g := range groups {
			w := g.wants[0]
			for _, x := range g.wants[1:] {
				if st.products[x].code < st.products[w].code {
					w = x
				}
			}
			if r != nil {
				vias := st.adjacentVias(w)
				for _, c := range r.top(vias, q.PerKind, pass) {
					b := lowestHeld(c, vias)
					rows = append(rows, row{c: c, fit: match.FitAdjacent, wanted: w, via: b.via, h: b.h})
				}
				continue
			}
			hits := map[int32][]viaHit{}
			var cs []int32
			for _, via := range st.adjacentVias(w) {
				for _, c := range holders(via) {
					if !pass(c) {
						continue
					}
					if _, ok := hits[c]; !ok {
						cs = append(cs, c)
					}
					for _, h := range holdingOf(c, via) {
						hits[c] = append(hits[c], viaHit{via: via, h: h})
					}
				}
			}
			for _, c := range top(cs, q.PerKind) {
				b := lowest(hits[c])
				rows = append(rows, row{c: c, fit: match.FitAdjacent, wanted: w, via: b.via, h: b.h})
			}
		}
	}

	if q.Kind == match.Partners && wantFit(match.FitShared) {
		seen := map[int32]bool{}
		for _, dir := range []bool{true, false} {
			ties, back := st.outOf(aid), st.inOf
			if !dir {
				ties, back = st.inOf(aid), st.outOf
			}
			set := map[int32]bool{}
			var cs []int32
			for _, x := range ties {
				for _, c := range back(x) {
					if !set[c] && pass(c) {
						set[c] = true
						cs = append(cs, c)
					}
				}
			}
			for _, c := range top(cs, q.PerKind) {
				if !seen[c] { // UNION: one row for a firm of both branches
					seen[c] = true
					rows = append(rows, row{c: c, fit: match.FitShared, wanted: -1, via: -1})
				}
			}
		}
	}

	return st.candidateRecords(q, aid, rows, key)
}

// adjacentVias are the products of the segments one position away from a
// segment of w in one of its chains (the statement's adjacent branch), each
// once, in the order first met.
func (st *state) adjacentVias(w int32) []int32 {
	var vias []int32
	for _, s := range st.products[w].segs {
		ps := st.segments[s].position
		for _, ch := range st.segments[s].chains {
			for _, s2 := range st.chains[ch].segs {
				p2 := st.segments[s2].position
				if ps == nil || p2 == nil || math.Abs(*p2-*ps) != 1 {
					continue
				}
				for _, via := range st.segments[s2].products {
					if !slices.Contains(vias, via) {
						vias = append(vias, via)
					}
				}
			}
		}
	}
	return vias
}

// candidateRecords answers like candidateReturn: one candidate per firm,
// in the order of its first row.
func (st *state) candidateRecords(q match.CandidateQuery, aid int32, rows []row, key func(int32) float64) []match.Candidate {
	segProducts := make([]bool, len(st.products))
	for _, code := range q.AskerSegments {
		if s, ok := st.segByKey[code]; ok {
			for _, p := range st.segments[s].products {
				segProducts[p] = true
			}
		}
	}
	inSegments := func(x int32) bool {
		for _, h := range st.makesOf(x) {
			if segProducts[h.prod] {
				return true
			}
		}
		return false
	}
	at := map[int32]int{}
	out := []match.Candidate{}
	for _, r := range rows {
		i, ok := at[r.c]
		if !ok {
			i = len(out)
			at[r.c] = i
			out = append(out, st.candidate(q.Kind, aid, r.c, key(r.c), inSegments))
		}
		hit := match.Hit{Fit: r.fit}
		if r.wanted >= 0 {
			hit.Wanted, hit.Via = st.ref(r.wanted), st.ref(r.via)
			hit.Amount, hit.Unit = st.amountOf(r.h), st.unitOf(r.h)
		}
		out[i].Hits = append(out[i].Hits, hit)
	}
	return out
}

func (st *state) candidate(k match.Kind, aid, cid int32, key float64, inSegments func(int32) bool) match.Candidate {
	a, f := &st.firms[aid], &st.firms[cid]
	c := match.Candidate{USCC: strings.Clone(st.usccOf(cid)), IsLocal: f.isLocal, ParkCode: st.parks.get(f.park),
		Designations: slices.Clone(st.desigOf(cid)), RankKey: key}
	if f.hasLoc && a.hasLoc {
		d := distanceMeters(f.loc, a.loc) / 1000.0
		c.DistanceKm = &d
	}
	fOut, fIn, aOut, aIn := st.outOf(cid), st.inOf(cid), st.outOf(aid), st.inOf(aid)
	peers := fOut
	if k == match.Customers {
		peers = fIn
	}
	for _, x := range peers {
		if x != aid && inSegments(x) {
			c.Peers++
		}
	}
	for _, x := range fOut {
		if containsSorted(aOut, x) {
			c.Shared++
		}
	}
	for _, x := range fIn {
		if containsSorted(aIn, x) {
			c.Shared++
		}
	}
	switch k {
	case match.Suppliers:
		c.Existing = containsSorted(fOut, aid)
	case match.Customers:
		c.Existing = containsSorted(aOut, cid)
	}
	return c
}

// rankerFor returns the stream walk for q's branches on side, or nil when
// the linear path must answer: before the streams are built, for an
// asker without a location (every key is then the unknown proximity's),
// for a single candidate (OnlyUSCC: nothing to choose), or for weights
// under which the key does not fall with the distance.
func (st *state) rankerFor(q match.CandidateQuery, aid int32, side int) *ranker {
	a := &st.firms[aid]
	w := match.Weights{Proximity: q.Rank.Proximity, Qualification: q.Rank.Qualification}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !st.indexed || !a.hasLoc || q.OnlyUSCC != nil || !finite(w.Proximity) || !finite(w.Qualification) || w.Proximity < 0 {
		return nil
	}
	r := &ranker{st: st, side: side, at: a.loc, atV: unitVector(a.loc), w: w, desig: q.Designations}
	if q.LocalOnly {
		r.localIs = 1
	}
	if q.MaxDistanceKm != nil {
		r.hasMax, r.maxM = true, *q.MaxDistanceKm*1000
	}
	return r
}

// rankKey is the statement's rankKey for candidate c of asker a, computed
// by match.ScoreKey: the same functions that build the score's proximity
// and qualification components (one source for those rules in process).
// The distance is Neo4j's (distanceMeters), so the keys, and with them
// the cap, are the statement's.
func (st *state) rankKey(r match.RankKey, aid, cid int32) float64 {
	a, c := &st.firms[aid], &st.firms[cid]
	var d *float64
	if a.hasLoc && c.hasLoc {
		km := distanceMeters(c.loc, a.loc) / 1000.0
		d = &km
	}
	return match.ScoreKey(match.Weights{Proximity: r.Proximity, Qualification: r.Qualification}, d, st.desigOf(cid))
}

// gapStats answers like qChainGapStats.
func (st *state) gapStats(chainCode string) ([]match.GapStat, error) {
	ch, ok := st.chainKey[chainCode]
	if !ok {
		return nil, fmt.Errorf("chain %s: %w", chainCode, apperr.ErrNotFound)
	}
	out := []match.GapStat{}
	for _, s := range st.chains[ch].segs {
		for _, p := range st.segments[s].products {
			pr := &st.products[p]
			if pr.localBuyers == 0 {
				continue
			}
			out = append(out, match.GapStat{SegmentCode: st.segments[s].code, Product: st.ref(p),
				Demand: pr.localBuyers, Supply: pr.localMakers})
		}
	}
	return out, nil
}

// gapCandidates answers like qGapCandidates.
func (st *state) gapCandidates(productCodes []string, centre geo.Point, perProduct int) []match.GapCandidate {
	return st.gapCandidatesBy(productCodes, centre, perProduct, true)
}

// cand is a gap candidate with its distance (has: located).
type cand struct {
	id  int32
	d   float64
	has bool
}

// gapCandidatesBy answers like qGapCandidates: through the streams (in
// distance order, unlocated last) when streams is set and they are built,
// else by sorting every non-local maker (gapOrder, the reference).
func (st *state) gapCandidatesBy(productCodes []string, centre geo.Point, perProduct int, streams bool) []match.GapCandidate {
	out := []match.GapCandidate{}
	for _, code := range productCodes {
		p, ok := st.prodByKey[code]
		if !ok {
			continue
		}
		var cs []cand
		if streams && st.indexed {
			r := &ranker{st: st, side: sideMakes, at: centre, atV: unitVector(centre), gap: true, localIs: 2}
			for _, id := range r.top([]int32{p}, perProduct, nil) {
				f := &st.firms[id]
				c := cand{id: id, has: f.hasLoc}
				if f.hasLoc {
					c.d = distanceMeters(f.loc, centre)
				}
				cs = append(cs, c)
			}
		} else {
			cs = st.gapOrder(p, centre)
		}
		for _, c := range cs[:min(len(cs), perProduct)] {
			g := match.GapCandidate{ProductCode: code, USCC: strings.Clone(st.usccOf(c.id)), Designations: slices.Clone(st.desigOf(c.id))}
			if c.has {
				d := c.d / 1000.0
				g.DistanceKm = &d
			}
			hs := st.makesOf(c.id)
			for i := range hs {
				if hs[i].prod == p {
					g.Capacity, g.Unit = st.amountOf(&hs[i]), st.unitOf(&hs[i])
					break
				}
			}
			for _, x := range st.outOf(c.id) {
				if st.local[x] {
					g.LocalCustomers++
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// gapOrder is every non-local maker of p in the statement's order:
// distance (nulls last), then USCC.
func (st *state) gapOrder(p int32, centre geo.Point) []cand {
	var cs []cand
	for _, id := range st.products[p].makers {
		f := &st.firms[id]
		if f.isLocal {
			continue
		}
		c := cand{id: id, has: f.hasLoc}
		if f.hasLoc {
			c.d = distanceMeters(f.loc, centre)
		}
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(x, y cand) int {
		switch {
		case x.has != y.has:
			if x.has {
				return -1
			}
			return 1
		case x.has && x.d != y.d:
			return cmp.Compare(x.d, y.d)
		}
		return strings.Compare(st.usccOf(x.id), st.usccOf(y.id))
	})
	return cs
}
