package matchindex_test

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"chainmatch/internal/match"
)

// The helpers that hold the index's answers to the Cypher store's: the
// store returns candidates, hits and designations in no particular order,
// so both sides are sorted before comparing; distances and rank keys are
// floating point computed by Neo4j and by Go (same formula), equal to
// 1e-9.

const tol = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(a)) }

func nearPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return near(*a, *b)
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func num(p *float64) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%.6f", *p)
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func hitKey(h match.Hit) string {
	return fmt.Sprintf("%s/%s(%s,%s)/%s(%s,%s)/%s/%s", h.Fit, h.Wanted.Code, h.Wanted.Name, str(h.Wanted.NameEn),
		h.Via.Code, h.Via.Name, str(h.Via.NameEn), num(h.Amount), str(h.Unit))
}

// candidateDiff describes how two candidate lists differ ("" when they
// are the same as sets).
func candidateDiff(want, got []match.Candidate) string {
	by := func(cs []match.Candidate) []match.Candidate {
		out := slices.Clone(cs)
		slices.SortFunc(out, func(a, b match.Candidate) int { return cmp.Compare(a.USCC, b.USCC) })
		return out
	}
	w, g := by(want), by(got)
	if len(w) != len(g) {
		var wu, gu []string
		for _, c := range w {
			wu = append(wu, c.USCC)
		}
		for _, c := range g {
			gu = append(gu, c.USCC)
		}
		return fmt.Sprintf("%d candidates, want %d\n got  %v\n want %v", len(g), len(w), gu, wu)
	}
	for i := range w {
		a, b := w[i], g[i]
		switch {
		case a.USCC != b.USCC:
			return fmt.Sprintf("candidate %d: %s, want %s", i, b.USCC, a.USCC)
		case a.IsLocal != b.IsLocal, str(a.ParkCode) != str(b.ParkCode):
			return fmt.Sprintf("%s: local/park %v/%s, want %v/%s", a.USCC, b.IsLocal, str(b.ParkCode), a.IsLocal, str(a.ParkCode))
		case !nearPtr(a.DistanceKm, b.DistanceKm):
			return fmt.Sprintf("%s: distance %s, want %s", a.USCC, num(b.DistanceKm), num(a.DistanceKm))
		case !slices.Equal(sortedStrings(a.Designations), sortedStrings(b.Designations)):
			return fmt.Sprintf("%s: designations %v, want %v", a.USCC, b.Designations, a.Designations)
		case a.Peers != b.Peers, a.Shared != b.Shared, a.Existing != b.Existing:
			return fmt.Sprintf("%s: peers/shared/existing %d/%d/%v, want %d/%d/%v", a.USCC, b.Peers, b.Shared, b.Existing, a.Peers, a.Shared, a.Existing)
		case !near(a.RankKey, b.RankKey):
			return fmt.Sprintf("%s: rank key %v, want %v", a.USCC, b.RankKey, a.RankKey)
		}
		hw, hg := hitKeys(a.Hits), hitKeys(b.Hits)
		if !slices.Equal(hw, hg) {
			return fmt.Sprintf("%s: hits\n got  %v\n want %v", a.USCC, hg, hw)
		}
	}
	return ""
}

func hitKeys(hs []match.Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hitKey(h)
	}
	slices.Sort(out)
	return out
}

func holdingKeys(hs []match.Holding) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = fmt.Sprintf("%s(%s,%s)/%s/%s", h.Product.Code, h.Product.Name, str(h.Product.NameEn), num(h.Amount), str(h.Unit))
	}
	slices.Sort(out)
	return out
}

func askerDiff(want, got match.Asker) string {
	refs := func(ps []match.ProductRef) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Code+"("+p.Name+","+str(p.NameEn)+")")
		}
		return strings.Join(out, " ")
	}
	switch {
	case want.USCC != got.USCC, want.IsLocal != got.IsLocal, str(want.ParkCode) != str(got.ParkCode):
		return fmt.Sprintf("asker %+v, want %+v", got, want)
	case (want.Location == nil) != (got.Location == nil) || (want.Location != nil && *want.Location != *got.Location):
		return fmt.Sprintf("asker location %v, want %v", got.Location, want.Location)
	case !slices.Equal(holdingKeys(want.Needs), holdingKeys(got.Needs)):
		return fmt.Sprintf("needs %v, want %v", holdingKeys(got.Needs), holdingKeys(want.Needs))
	case !slices.Equal(holdingKeys(want.Makes), holdingKeys(got.Makes)):
		return fmt.Sprintf("makes %v, want %v", holdingKeys(got.Makes), holdingKeys(want.Makes))
	case !slices.Equal(sortedStrings(want.Segments), sortedStrings(got.Segments)):
		return fmt.Sprintf("segments %v, want %v", got.Segments, want.Segments)
	case refs(want.Requested) != refs(got.Requested):
		return fmt.Sprintf("requested %s, want %s", refs(got.Requested), refs(want.Requested))
	}
	return ""
}

// matchesDiff compares two ranked lists position by position.
func matchesDiff(want, got []match.Match) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d matches, want %d", len(got), len(want))
	}
	for i := range want {
		a, b := want[i], got[i]
		if a.CandidateUSCC != b.CandidateUSCC || a.Fit != b.Fit || str(a.ProductCode) != str(b.ProductCode) ||
			!near(a.Score, b.Score) || a.ExistingRelation != b.ExistingRelation || !nearPtr(a.DistanceKm, b.DistanceKm) {
			return fmt.Sprintf("position %d: %s %s %s %.12f existing=%v, want %s %s %s %.12f existing=%v", i,
				b.CandidateUSCC, b.Fit, str(b.ProductCode), b.Score, b.ExistingRelation,
				a.CandidateUSCC, a.Fit, str(a.ProductCode), a.Score, a.ExistingRelation)
		}
		if !slices.Equal(a.Reasons, b.Reasons) {
			return fmt.Sprintf("position %d (%s): reasons %v, want %v", i, a.CandidateUSCC, b.Reasons, a.Reasons)
		}
	}
	return ""
}
