package match_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"chainmatch/internal/apperr"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// setup loads the hand-built fixture and returns a service with the
// default weights.
func setup(t *testing.T) *match.Service {
	t.Helper()
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	svc, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func eid(u string) string { return gid.Encode(gid.Enterprise, u) }
func pid(c string) string { return gid.Encode(gid.Product, c) }

// counted returns a context that counts Cypher round trips into n.
func counted(lang match.Language) (context.Context, *atomic.Int64) {
	n := &atomic.Int64{}
	return neo4jstore.WithRoundTripCounter(match.WithLanguage(context.Background(), lang), n), n
}

type want struct {
	uscc     string
	score    float64
	existing bool
	fit      match.Fit // checked when set
}

// checkRanking asserts the candidates, their order and hand-computed
// scores (to 1e-3: distances come from Neo4j), and that every score is
// exactly the sum of weight * value of its components.
func checkRanking(t *testing.T, got []match.Match, wants []want) {
	t.Helper()
	var gotU []string
	for _, m := range got {
		gotU = append(gotU, m.CandidateUSCC)
	}
	var wantU []string
	for _, w := range wants {
		wantU = append(wantU, w.uscc)
	}
	if !slices.Equal(gotU, wantU) {
		for _, m := range got {
			t.Logf("%s %.6f %+v", m.CandidateUSCC, m.Score, m.Components)
		}
		t.Fatalf("ranking\n got %v\nwant %v", gotU, wantU)
	}
	for i, m := range got {
		if math.Abs(m.Score-wants[i].score) > 1e-3 {
			t.Errorf("%d %s: score %.6f, want %.6f (components %+v)", i, m.CandidateUSCC, m.Score, wants[i].score, m.Components)
		}
		if m.ExistingRelation != wants[i].existing {
			t.Errorf("%d %s: existingRelation %v", i, m.CandidateUSCC, m.ExistingRelation)
		}
		if wants[i].fit != "" && m.Fit != wants[i].fit {
			t.Errorf("%d %s: fit %s, want %s", i, m.CandidateUSCC, m.Fit, wants[i].fit)
		}
		checkComponents(t, m.Score, m.Components)
	}
}

func checkComponents(t *testing.T, score float64, cs []match.ScoreComponent) {
	t.Helper()
	sum, wsum := 0.0, 0.0
	for _, c := range cs {
		if c.Value < 0 || c.Value > 1 {
			t.Errorf("component %s value %v outside 0..1", c.Name, c.Value)
		}
		sum += c.Weight * c.Value
		wsum += c.Weight
	}
	if sum != score {
		t.Errorf("score %v != sum(w*v) %v", score, sum)
	}
	if math.Abs(wsum-1) > 1e-12 {
		t.Errorf("weights sum to %v", wsum)
	}
}

func TestSupplierMatchesRankByHand(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS")}})
	if err != nil {
		t.Fatal(err)
	}
	// productFit .35, proximity .20 exp(-d/25), qualification .15,
	// network .15 n/(n+2), capacity .05, novelty .10. The order is fit tier
	// first: the unlocated glass maker (0.525) precedes the film maker of
	// the same segment although the film maker scores higher (0.5646).
	checkRanking(t, got, []want{
		{matchtest.GlassNear, 0.35 + 0.2*math.Exp(-5.0/25) + 0.15*0.7 + 0.15/3 + 0.05*1 + 0.1, false, match.FitProduct},
		{matchtest.GlassOld, 0.35 + 0.2*math.Exp(-1.0/25) + 0.05*0.5, true, match.FitProduct},
		{matchtest.NoPlace, 0.35 + 0.2*0.25 + 0.05*0.5 + 0.1, false, match.FitProduct},
		{matchtest.Film, 0.35*0.6 + 0.2*math.Exp(-2.0/25) + 0.15*0.3 + 0.05*0.5 + 0.1, false, match.FitSegment},
		{matchtest.Module2, 0.35*0.3 + 0.2*math.Exp(-3.0/25) + 0.15*0.7 + 0.05*0.5 + 0.1, false, match.FitAdjacent},
	})
	if !(got[3].Score > got[2].Score) {
		t.Errorf("the fixture no longer has a near fit outscoring an exact one: %v <= %v", got[3].Score, got[2].Score)
	}
	// Asker, the very product's makers (3, fewer than first), near fits.
	if n := trips.Load(); n != 3 {
		t.Errorf("round trips = %d, want 3", n)
	}
	// With first <= the makers of the very product, the near fits cannot
	// reach the list and are never gathered: same top 3, one statement less.
	ctx3, trips3 := counted(match.English)
	top3, err := svc.SupplierMatches(ctx3, match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS")}, First: ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	if n := trips3.Load(); n != 2 || len(top3) != 3 {
		t.Errorf("first 3: round trips = %d, want 2; %d matches", n, len(top3))
	}
	for i := range top3 {
		if top3[i].CandidateUSCC != got[i].CandidateUSCC || top3[i].Score != got[i].Score || top3[i].Fit != match.FitProduct {
			t.Errorf("first 3, %d: %s %v, want %s %v", i, top3[i].CandidateUSCC, top3[i].Score, got[i].CandidateUSCC, got[i].Score)
		}
	}
	top := got[0]
	if top.ProductCode == nil || *top.ProductCode != "GLASS" || top.DistanceKm == nil || math.Abs(*top.DistanceKm-5) > 0.05 {
		t.Fatalf("top match %+v", top)
	}
	wantReasons := []string{"makes 光伏玻璃 (PV glass) that you need", "5.0 km away", "holds the national little giant designation",
		"already supplies 1 firms in your segment", "annual capacity covers 100% of your annual volume"}
	if !slices.Equal(top.Reasons, wantReasons) {
		t.Errorf("reasons %q", top.Reasons)
	}
	if !slices.Contains(got[1].Reasons, "already supplies you (ranked lower)") {
		t.Errorf("existing supplier reasons %q", got[1].Reasons)
	}
	if !strings.Contains(got[3].Reasons[0], "same segment") || !strings.Contains(got[4].Reasons[0], "segment next to") {
		t.Errorf("fit reasons %q / %q", got[3].Reasons, got[4].Reasons)
	}
}

func TestSupplierMatchesChineseReasons(t *testing.T) {
	svc := setup(t)
	got, err := svc.SupplierMatches(context.Background(), match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS")}, First: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Reasons[0] != "生产您需要的光伏玻璃" || got[0].Reasons[1] != "距离 5.0 公里" ||
		got[0].Reasons[3] != "已向您所在环节的1家企业供货" {
		t.Fatalf("reasons %q", got[0].Reasons)
	}
}

func TestSupplierMatchesFilters(t *testing.T) {
	svc := setup(t)
	ctx := context.Background()
	asker := eid(matchtest.Asker)
	glass := []string{pid("GLASS")}
	cases := []struct {
		name string
		q    match.MatchQuery
		want []string
	}{
		{"within 2.5 km leaves out the far and the unlocated", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, MaxDistanceKm: ptr(2.5)},
			[]string{matchtest.GlassOld, matchtest.Film}},
		{"designations", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass,
			Designations: []enterprise.Designation{enterprise.NationalLittleGiant, enterprise.SingleChampion}},
			[]string{matchtest.GlassNear, matchtest.Module2}},
		{"not only local adds the Chengdu single champion", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, LocalOnly: ptr(false),
			Designations: []enterprise.Designation{enterprise.SingleChampion}},
			[]string{matchtest.GlassFar}},
		{"first", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, First: ptr(2)},
			[]string{matchtest.GlassNear, matchtest.GlassOld}},
		{"fits: the very product only", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, Fits: []match.Fit{match.FitProduct}},
			[]string{matchtest.GlassNear, matchtest.GlassOld, matchtest.NoPlace}},
		{"fits: near fits only", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, Fits: []match.Fit{match.FitAdjacent, match.FitSegment}},
			[]string{matchtest.Film, matchtest.Module2}},
		{"fits: adjacent only, with first", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, Fits: []match.Fit{match.FitAdjacent}, First: ptr(1)},
			[]string{matchtest.Module2}},
		{"fits: shared only (none for suppliers)", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, Fits: []match.Fit{match.FitShared}},
			nil},
		{"fits: empty list means all", match.MatchQuery{EnterpriseID: asker, ProductIDs: glass, Fits: []match.Fit{}},
			[]string{matchtest.GlassNear, matchtest.GlassOld, matchtest.NoPlace, matchtest.Film, matchtest.Module2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := svc.SupplierMatches(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var us []string
			for _, m := range got {
				us = append(us, m.CandidateUSCC)
				if d := c.q.MaxDistanceKm; d != nil && (m.DistanceKm == nil || *m.DistanceKm > *d) {
					t.Errorf("%s at %v km beyond %v", m.CandidateUSCC, m.DistanceKm, *d)
				}
			}
			if !slices.Equal(us, c.want) {
				t.Fatalf("got %v, want %v", us, c.want)
			}
		})
	}
}

func TestSupplierMatchesDefaultToNeedsAndNeverSelf(t *testing.T) {
	svc := setup(t)
	got, err := svc.SupplierMatches(context.Background(), match.MatchQuery{EnterpriseID: eid(matchtest.Asker), LocalOnly: ptr(false), First: ptr(100)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range got {
		if m.CandidateUSCC == matchtest.Asker {
			t.Fatal("the asker matched itself")
		}
		if seen[m.CandidateUSCC] {
			t.Fatalf("%s twice", m.CandidateUSCC)
		}
		seen[m.CandidateUSCC] = true
	}
	// Needs are glass and cells: the cell makers (exact) come in too.
	for _, u := range []string{matchtest.CellCD, matchtest.CellSH, matchtest.GlassFar, matchtest.GlassNear} {
		if !seen[u] {
			t.Errorf("%s missing from %v", u, got)
		}
	}
}

func TestCustomerMatchesRankExistingLower(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.CustomerMatches(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Asker)})
	if err != nil {
		t.Fatal(err)
	}
	checkRanking(t, got, []want{
		{matchtest.Buyer1, 0.35 + 0.2*math.Exp(-4.0/25) + 0.15/3 + 0.05*0.5 + 0.1, false, match.FitProduct},
		{matchtest.Buyer2, 0.35 + 0.2*math.Exp(-6.0/25) + 0.15*0.5 + 0.05*1, true, match.FitProduct},
	})
	if !slices.Contains(got[0].Reasons, "already buys from 1 firms in your segment") ||
		!slices.Contains(got[1].Reasons, "already buys from you (ranked lower)") {
		t.Errorf("reasons %q / %q", got[0].Reasons, got[1].Reasons)
	}
	// Asker, buyers of the very product (2 < first), near fits (none).
	if n := trips.Load(); n != 3 {
		t.Errorf("round trips = %d, want 3", n)
	}
}

func TestPartnerMatchesRankByHand(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.PartnerMatches(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Asker)})
	if err != nil {
		t.Fatal(err)
	}
	// Partners: adjacent segment 1.0, same product 0.4, shared partner only 0;
	// capacity neutral; the existing supplier (GlassOld) and customer (Buyer2)
	// are left out. One tier: score alone orders them, so the same-product
	// maker (a competitor) sits between complementary firms by score.
	checkRanking(t, got, []want{
		{matchtest.GlassNear, 0.35 + 0.2*math.Exp(-5.0/25) + 0.15*0.7 + 0.15/3 + 0.025 + 0.1, false, match.FitAdjacent},
		{matchtest.Film, 0.35 + 0.2*math.Exp(-2.0/25) + 0.15*0.3 + 0.025 + 0.1, false, match.FitAdjacent},
		{matchtest.Module2, 0.35*0.4 + 0.2*math.Exp(-3.0/25) + 0.15*0.7 + 0.025 + 0.1, false, match.FitProduct},
		{matchtest.NoPlace, 0.35 + 0.2*0.25 + 0.025 + 0.1, false, match.FitAdjacent},
		{matchtest.Poly, 0.2*math.Exp(-8.0/25) + 0.15/3 + 0.025 + 0.1, false, match.FitShared},
	})
	if got[4].ProductCode != nil || !slices.Contains(got[4].Reasons, "shares 1 customers or suppliers with you") {
		t.Errorf("shared partner %+v", got[4])
	}
	if n := trips.Load(); n != 2 {
		t.Errorf("round trips = %d, want 2", n)
	}
}

func TestMatchesEmptyAndErrors(t *testing.T) {
	svc := setup(t)
	ctx := context.Background()
	// Buyer1 makes nothing: no customers to find, no error.
	got, err := svc.CustomerMatches(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Buyer1)})
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
	// A distance nobody is within.
	got, err = svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Asker), MaxDistanceKm: ptr(0.1)})
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
	cases := []struct {
		q           match.MatchQuery
		code, field string
	}{
		{match.MatchQuery{EnterpriseID: eid("91330400MA00000000")}, "NOT_FOUND", "input.enterpriseId"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS"), pid("NOPE")}}, "NOT_FOUND", "input.productIds[1]"},
		{match.MatchQuery{EnterpriseID: pid("GLASS")}, "BAD_USER_INPUT", "input.enterpriseId"},
		{match.MatchQuery{EnterpriseID: "garbage"}, "BAD_USER_INPUT", "input.enterpriseId"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{eid(matchtest.Asker)}}, "BAD_USER_INPUT", "input.productIds[0]"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), First: ptr(101)}, "BAD_USER_INPUT", "input.first"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), First: ptr(0)}, "BAD_USER_INPUT", "input.first"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), MaxDistanceKm: ptr(0.0)}, "BAD_USER_INPUT", "input.maxDistanceKm"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), MaxDistanceKm: ptr(-3.0)}, "BAD_USER_INPUT", "input.maxDistanceKm"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), Designations: []enterprise.Designation{"GOLD"}}, "BAD_USER_INPUT", "input.designations[0]"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), Fits: []match.Fit{match.FitProduct, "NEAR"}}, "BAD_USER_INPUT", "input.fits[1]"},
		{match.MatchQuery{EnterpriseID: eid(matchtest.Asker), Fits: []match.Fit{"product"}}, "BAD_USER_INPUT", "input.fits[0]"},
	}
	for _, c := range cases {
		_, err := svc.SupplierMatches(ctx, c.q)
		checkErr(t, err, c.code, c.field)
	}
}

func checkErr(t *testing.T, err error, code, field string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || string(ae.Code) != code || ae.Field != field {
		t.Errorf("error %v, want %s on %s", err, code, field)
	}
}

func TestChainGaps(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	gaps, err := svc.ChainGaps(ctx, gid.Encode(gid.Chain, "PV"), nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		product        string
		demand, supply int
		severity       float64
	}
	var got []g
	for _, x := range gaps {
		got = append(got, g{x.ProductCode, x.LocalDemand, x.LocalSupply, x.Severity})
	}
	// severity = demand / (demand + supply).
	wantGaps := []g{{"CELL", 2, 0, 1}, {"MODULE", 2, 2, 0.5}, {"GLASS", 1, 3, 0.25}}
	if !slices.Equal(got, wantGaps) {
		t.Fatalf("gaps %v, want %v", got, wantGaps)
	}
	if n := trips.Load(); n != 2 {
		t.Errorf("round trips = %d, want 2 (gaps + one batch of candidates)", n)
	}
	cells, err := svc.GapCandidates(ctx, &gaps[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRanking(t, cells, []want{
		{matchtest.GlassFar, 0.35 + 0.15 + 0.025 + 0.1, false, match.FitProduct},
		{matchtest.CellCD, 0.35 + 0.15*0.7 + 0.025 + 0.1, false, match.FitProduct},
		{matchtest.CellSH, 0.35 + 0.2*math.Exp(-*cellsDistance(cells, matchtest.CellSH)/25) + 0.025 + 0.1, false, match.FitProduct},
	})
	if cells[2].Reasons[0] != "makes 电池片 (PV cell), which Jiaxing lacks locally" || !strings.HasSuffix(cells[2].Reasons[1], "km from Jiaxing city centre") {
		t.Errorf("reasons %q", cells[2].Reasons)
	}
	if modules, _ := svc.GapCandidates(ctx, &gaps[1], nil); len(modules) != 0 {
		t.Errorf("module candidates %v", modules)
	}
	if two, _ := svc.GapCandidates(ctx, &gaps[0], ptr(2)); len(two) != 2 {
		t.Errorf("first 2: %d", len(two))
	}
	_, err = svc.GapCandidates(ctx, &gaps[0], ptr(51))
	checkErr(t, err, "BAD_USER_INPUT", "first")

	// Without candidates selected: one round trip.
	ctx, trips = counted(match.Chinese)
	if _, err := svc.ChainGaps(ctx, gid.Encode(gid.Chain, "PV"), ptr(1), 0); err != nil || trips.Load() != 1 {
		t.Fatalf("round trips %d, %v", trips.Load(), err)
	}
	_, err = svc.ChainGaps(ctx, gid.Encode(gid.Chain, "NOPE"), nil, 0)
	checkErr(t, err, "NOT_FOUND", "chainId")
	_, err = svc.ChainGaps(ctx, eid(matchtest.Asker), nil, 0)
	checkErr(t, err, "BAD_USER_INPUT", "chainId")
	_, err = svc.ChainGaps(ctx, gid.Encode(gid.Chain, "PV"), ptr(101), 0)
	checkErr(t, err, "BAD_USER_INPUT", "first")
}

func cellsDistance(ms []match.Match, u string) *float64 {
	for _, m := range ms {
		if m.CandidateUSCC == u {
			return m.DistanceKm
		}
	}
	return nil
}

func TestSettlementOptions(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.SettlementOptions(ctx, eid(matchtest.GlassFar), ptr(3))
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n != 1 {
		t.Errorf("round trips = %d, want 1", n)
	}
	type o struct {
		park       string
		score      float64
		sup, cus   int
		gapsFilled string
	}
	var os []o
	for _, x := range got {
		checkComponents(t, x.Score, x.Components)
		os = append(os, o{x.ParkCode, math.Round(x.Score*1e9) / 1e9, x.LocalSuppliers, x.LocalCustomers, strings.Join(x.GapsFilled, ",")})
	}
	// Xiuzhou: the film maker 2 km away supplies, the asker (in the park) and
	// the module maker 3 km away buy; PV focus; cells are a gap (severity 1).
	// Haining: PV focus and gap only. Pinghu: nothing.
	want := []o{{"XZ-PV", 1, 1, 2, "CELL"}, {"HN-EDZ", 0.4, 0, 0, "CELL"}, {"PH-ETDZ", 0, 0, 0, "CELL"}}
	if !slices.Equal(os, want) {
		t.Fatalf("got %v\nwant %v", os, want)
	}
	wantReasons := []string{
		"1 local firms in or within 15 km of the park make what you need",
		"2 local firms in or within 15 km of the park need what you make",
		"the park focuses on the 光伏 (Photovoltaics) chain",
		"your 电池片 (PV cell) would fill local gaps in the park's focus chains",
	}
	if !slices.Equal(got[0].Reasons, wantReasons) {
		t.Errorf("reasons %q", got[0].Reasons)
	}
	_, err = svc.SettlementOptions(ctx, eid("91330400MA00000000"), nil)
	checkErr(t, err, "NOT_FOUND", "enterpriseId")
	_, err = svc.SettlementOptions(ctx, eid(matchtest.GlassFar), ptr(21))
	checkErr(t, err, "BAD_USER_INPUT", "first")
}

func TestSupplyPaths(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.SupplyPaths(ctx, eid(matchtest.GlassNear), eid(matchtest.Buyer1), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{matchtest.GlassNear, matchtest.Module2, matchtest.Buyer1},
		{matchtest.GlassNear, matchtest.NoPlace, matchtest.Buyer1},
	}
	slices.SortFunc(want, slices.Compare)
	if len(got) != 2 || !slices.Equal(got[0].USCCs, want[0]) || !slices.Equal(got[1].USCCs, want[1]) || got[0].Hops != 2 {
		t.Fatalf("paths %+v", got)
	}
	if n := trips.Load(); n != 1 {
		t.Errorf("round trips = %d, want 1", n)
	}
	// One hop is not enough; supply goes one way only.
	if got, err := svc.SupplyPaths(ctx, eid(matchtest.GlassNear), eid(matchtest.Buyer1), ptr(1), nil); err != nil || len(got) != 0 {
		t.Fatalf("1 hop: %v, %v", got, err)
	}
	if got, err := svc.SupplyPaths(ctx, eid(matchtest.Buyer1), eid(matchtest.GlassNear), nil, nil); err != nil || len(got) != 0 {
		t.Fatalf("reverse: %v, %v", got, err)
	}
	if got, _ := svc.SupplyPaths(ctx, eid(matchtest.GlassNear), eid(matchtest.Buyer1), nil, ptr(1)); len(got) != 1 {
		t.Fatalf("first 1: %v", got)
	}
	for _, c := range []struct {
		from, to    string
		hops, first *int
		code, field string
	}{
		{eid(matchtest.Asker), eid(matchtest.Buyer1), ptr(0), nil, "BAD_USER_INPUT", "maxHops"},
		{eid(matchtest.Asker), eid(matchtest.Buyer1), ptr(7), nil, "BAD_USER_INPUT", "maxHops"},
		{eid(matchtest.Asker), eid(matchtest.Buyer1), nil, ptr(11), "BAD_USER_INPUT", "first"},
		{pid("GLASS"), eid(matchtest.Buyer1), nil, nil, "BAD_USER_INPUT", "fromId"},
		{eid(matchtest.Asker), eid(matchtest.Asker), nil, nil, "BAD_USER_INPUT", "toId"},
		{eid("91330400MA00000000"), eid(matchtest.Buyer1), nil, nil, "NOT_FOUND", "fromId"},
		{eid(matchtest.Asker), eid("91330400MA00000000"), nil, nil, "NOT_FOUND", "toId"},
	} {
		_, err := svc.SupplyPaths(ctx, c.from, c.to, c.hops, c.first)
		checkErr(t, err, c.code, c.field)
	}
}

func TestIncentivesFor(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	check := func(u string, want map[string]string) {
		t.Helper()
		got, err := svc.IncentivesFor(ctx, eid(u))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0].Incentive.Code != "JX-SC" || got[3].Incentive.Code != "JX-TALENT" {
			t.Fatalf("incentives %+v", got)
		}
		for _, e := range got {
			if r, ok := want[e.Incentive.Code]; !ok || r != e.Reason || e.Eligible != strings.HasPrefix(r, "eligible") {
				t.Errorf("%s %s: eligible=%v %q, want %q", u, e.Incentive.Code, e.Eligible, e.Reason, r)
			}
		}
	}
	check(matchtest.GlassNear, map[string]string{
		"JX-SC":     "not eligible: does not hold the manufacturing single champion designation",
		"JX-LG":     "eligible: holds the national little giant designation (2023)",
		"JX-IC":     "not eligible: does not hold the invisible champion designation",
		"JX-TALENT": "eligible",
	})
	check(matchtest.Module2, map[string]string{
		"JX-SC":     "not eligible: does not hold the manufacturing single champion designation",
		"JX-LG":     "not eligible: the national little giant designation must be granted in 2022 or later (granted 2020)",
		"JX-IC":     "not eligible: does not hold the invisible champion designation",
		"JX-TALENT": "eligible",
	})
	check(matchtest.GlassFar, map[string]string{
		"JX-SC":     "not eligible: only for firms registered in Jiaxing",
		"JX-LG":     "not eligible: only for firms registered in Jiaxing",
		"JX-IC":     "not eligible: only for firms registered in Jiaxing",
		"JX-TALENT": "eligible",
	})
	if n := trips.Load(); n != 3 {
		t.Errorf("round trips = %d, want 1 per call", n)
	}
	_, err := svc.IncentivesFor(ctx, eid("91330400MA00000000"))
	checkErr(t, err, "NOT_FOUND", "enterpriseId")
}

func TestCultivationProgress(t *testing.T) {
	svc := setup(t)
	ctx, trips := counted(match.English)
	got, err := svc.CultivationProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Local little giants: GlassNear (Xiuzhou), Module2 (Nanhu); the Chengdu
	// one does not count. Provincial SRDI: Buyer2 (Nanhu).
	want := match.CultivationProgress{NationalLittleGiants: 2, NationalTarget: 200, ProvincialSRDI: 1, ProvincialTarget: 1500, TargetYear: 2027,
		ByDistrict: []match.DistrictProgress{{"330402", 1, 1}, {"330411", 1, 0}, {"330481", 0, 0}, {"330482", 0, 0}}}
	if got.NationalLittleGiants != want.NationalLittleGiants || got.ProvincialSRDI != want.ProvincialSRDI ||
		got.NationalTarget != 200 || got.ProvincialTarget != 1500 || got.TargetYear != 2027 || !slices.Equal(got.ByDistrict, want.ByDistrict) {
		t.Fatalf("got %+v", got)
	}
	if n := trips.Load(); n != 1 {
		t.Errorf("round trips = %d, want 1", n)
	}
}

func ptr[T any](v T) *T { return &v }

// TestRankKeyOnFixture checks the Cypher rank key against ScoreKey on
// the hand-built graph, whose unlocated glass maker covers the unknown
// proximity (the demo graph locates every firm).
func TestRankKeyOnFixture(t *testing.T) {
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	w := match.DefaultWeights()
	cands, err := s.MatchCandidates(context.Background(), match.CandidateQuery{Kind: match.Suppliers, AskerUSCC: matchtest.Asker,
		ProductCodes: []string{"GLASS", "CELL"}, PerKind: match.CandidatesPerKind, Rank: match.NewRankKey(w)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]float64{}
	for _, c := range cands {
		if want := match.ScoreKey(w, c.DistanceKm, c.Designations); math.Abs(c.RankKey-want) > 1e-12 {
			t.Errorf("%s: Cypher key %.15f, Go %.15f", c.USCC, c.RankKey, want)
		}
		seen[c.USCC] = c.RankKey
	}
	// By hand: 0.2 × 0.25 (no location), no designation; 0.2 × exp(-5/25) + 0.15 × 0.7.
	if k, ok := seen[matchtest.NoPlace]; !ok || math.Abs(k-0.2*0.25) > 1e-12 {
		t.Errorf("unlocated key %v (%v)", k, ok)
	}
	if k := seen[matchtest.GlassNear]; math.Abs(k-(0.2*math.Exp(-5.0/25)+0.15*0.7)) > 1e-4 {
		t.Errorf("little giant 5 km away: key %v", k)
	}
}
