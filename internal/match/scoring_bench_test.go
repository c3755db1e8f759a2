package match

import (
	"context"
	"fmt"
	"testing"

	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
)

// benchCandidates builds n candidates shaped like the store's answer for a
// supplier match on the 100,000-firm demo graph: product, segment and
// adjacent-segment hits, designations, distances, peers.
func benchCandidates(n int) (Asker, map[string]Holding, []Candidate) {
	vol, unit := 1200.0, "t"
	want := ProductRef{Code: "PV-GLASS", Name: "光伏玻璃"}
	asker := Asker{USCC: "913304007429141869", IsLocal: true, Location: &geo.Point{Latitude: 30.75, Longitude: 120.75},
		Needs: []Holding{{Product: want, Amount: &vol, Unit: &unit}}}
	own := map[string]Holding{want.Code: asker.Needs[0]}
	fits := []Fit{FitProduct, FitSegment, FitAdjacent, FitShared}
	designations := [][]string{nil, {"INNOVATIVE_SME"}, {"PROVINCIAL_SRDI"}, {"NATIONAL_LITTLE_GIANT", "PROVINCIAL_SRDI"}}
	cs := make([]Candidate, n)
	for i := range cs {
		d := float64(i%60) + 0.5
		capacity := float64(200 + i%2000)
		park := "JX-ETDZ"
		via := ProductRef{Code: fmt.Sprintf("PV-%03d", i%40), Name: "光伏组件"}
		cs[i] = Candidate{
			USCC:         fmt.Sprintf("91330400%010d", i),
			IsLocal:      true,
			ParkCode:     &park,
			DistanceKm:   &d,
			Designations: designations[i%len(designations)],
			Hits:         []Hit{{Fit: fits[i%len(fits)], Wanted: want, Via: via, Amount: &capacity, Unit: &unit}},
			Peers:        i % 7,
			Shared:       i % 3,
			Existing:     i%50 == 0,
		}
	}
	return asker, own, cs
}

// BenchmarkScoreAndRankCandidates is the service's CPU work for one
// supplierMatches request after the store returned: score 1,500 candidate
// rows (3 fits x 500 per kind, the store's cap), then rank them.
func BenchmarkScoreAndRankCandidates(b *testing.B) {
	s, err := NewService(nil, DefaultWeights())
	if err != nil {
		b.Fatal(err)
	}
	asker, own, cs := benchCandidates(1500)
	lang := LanguageFrom(context.Background())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out := make([]Match, 0, len(cs))
		for _, c := range cs {
			out = append(out, s.scoreCandidate(lang, Suppliers, asker, own, true, c))
		}
		sortMatches(Suppliers, out)
	}
}

// BenchmarkScoreRankExplainFirst is what the service does now: score the
// 1,500 candidates, rank them, and build components and reasons for the 20
// returned only.
func BenchmarkScoreRankExplainFirst(b *testing.B) {
	s, err := NewService(nil, DefaultWeights())
	if err != nil {
		b.Fatal(err)
	}
	asker, own, cs := benchCandidates(1500)
	lang := LanguageFrom(context.Background())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ranked := make([]rankedCandidate, 0, len(cs))
		for i := range cs {
			sc := s.candidateScore(Suppliers, own, cs[i])
			ranked = append(ranked, rankedCandidate{score: score(sc.comps[:]), key: gid.Encode(gid.Enterprise, cs[i].USCC), c: &cs[i]})
		}
		sortRanked(ranked)
		out := make([]Match, 0, DefaultMatchFirst)
		for _, r := range ranked[:DefaultMatchFirst] {
			out = append(out, s.scoreCandidate(lang, Suppliers, asker, own, true, *r.c))
		}
	}
}

// BenchmarkSortMatches isolates the ranking of 1,500 scored matches.
func BenchmarkSortMatches(b *testing.B) {
	s, err := NewService(nil, DefaultWeights())
	if err != nil {
		b.Fatal(err)
	}
	asker, own, cs := benchCandidates(1500)
	lang := LanguageFrom(context.Background())
	scored := make([]Match, 0, len(cs))
	for _, c := range cs {
		scored = append(scored, s.scoreCandidate(lang, Suppliers, asker, own, true, c))
	}
	buf := make([]Match, len(scored))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		copy(buf, scored)
		sortMatches(Suppliers, buf)
	}
}

// BenchmarkScoreGapCandidates scores the candidates of one chain gap and
// explains the five kept (score first, explain after).
func BenchmarkScoreGapCandidates(b *testing.B) {
	s, err := NewService(nil, DefaultWeights())
	if err != nil {
		b.Fatal(err)
	}
	p := ProductRef{Code: "PV-GLASS", Name: "光伏玻璃"}
	lang := LanguageFrom(context.Background())
	cs := make([]GapCandidate, 500)
	for i := range cs {
		d := float64(50 + i%400)
		cs[i] = GapCandidate{ProductCode: p.Code, USCC: fmt.Sprintf("91320500%010d", i), DistanceKm: &d,
			Designations: []string{"NATIONAL_LITTLE_GIANT"}, LocalCustomers: i % 5}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out := make([]Match, 0, len(cs))
		for _, c := range cs {
			out = append(out, s.scoreGapCandidate(c))
		}
		sortMatches(GapFillers, out)
		for i := range out[:5] {
			out[i].Reasons = gapReasons(lang, p, cs[0])
		}
	}
}
