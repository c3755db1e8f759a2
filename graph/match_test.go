package graph_test

import (
	"math"
	"strings"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
)

// matchEnv is env with the match service and the hand-built fixture of
// internal/match/matchtest.
func matchEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	svc, err := match.NewService(e.store, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	e.res.Matches = svc
	matchtest.Load(t, e.store)
	return e
}

func TestSupplierMatchesEndToEnd(t *testing.T) {
	e := matchEnv(t)
	const q = `query($in: MatchInput!) { supplierMatches(input: $in) {
	  candidate { id uscc name } product { code name } fit score distanceKm existingRelation
	  components { name weight value } reasons } }`
	var resp struct {
		SupplierMatches []struct {
			Candidate        struct{ ID, USCC, Name string }
			Product          *struct{ Code, Name string }
			Fit              string
			Score            float64
			DistanceKm       *float64
			ExistingRelation bool
			Components       []struct {
				Name          string
				Weight, Value float64
			}
			Reasons []string
		}
	}
	in := map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, matchtest.Asker), "productIds": []string{gid.Encode(gid.Product, "GLASS")}}
	e.ok(auth.Anonymous, q, map[string]any{"in": in}, &resp)
	ms := resp.SupplierMatches
	// The very product first (the unlocated glass maker outranks the
	// higher-scoring film maker of the same segment), then near fits.
	want := []string{matchtest.GlassNear, matchtest.GlassOld, matchtest.NoPlace, matchtest.Film, matchtest.Module2}
	wantFit := []string{"PRODUCT", "PRODUCT", "PRODUCT", "SEGMENT", "ADJACENT"}
	if len(ms) != len(want) {
		t.Fatalf("%d matches: %+v", len(ms), ms)
	}
	for i, m := range ms {
		if m.Candidate.USCC != want[i] || m.Candidate.ID != gid.Encode(gid.Enterprise, want[i]) || m.Fit != wantFit[i] {
			t.Errorf("%d: %s %s, want %s %s", i, m.Candidate.USCC, m.Fit, want[i], wantFit[i])
		}
		sum := 0.0
		for _, c := range m.Components {
			sum += c.Weight * c.Value
		}
		if math.Abs(sum-m.Score) > 1e-12 {
			t.Errorf("%d: score %v, recomputed %v", i, m.Score, sum)
		}
	}
	top := ms[0]
	if top.Candidate.Name != "嘉兴近玻璃有限公司" || top.Product == nil || top.Product.Code != "GLASS" || top.ExistingRelation ||
		len(top.Components) != 6 || top.Reasons[0] != "生产您需要的光伏玻璃" || top.DistanceKm == nil {
		t.Fatalf("top %+v", top)
	}
	if !ms[1].ExistingRelation {
		t.Errorf("the current supplier is not marked: %+v", ms[1])
	}
	// At most: asker + the very product's makers + near fits (3 makers <
	// first 20), then one batch of enterprises and one of products — never
	// a statement per match.
	if n := e.trips.Load(); n > 5 {
		t.Errorf("round trips = %d, want at most 5", n)
	}
}

func TestMatchFitsFilterEndToEnd(t *testing.T) {
	e := matchEnv(t)
	const q = `query($in: MatchInput!) { supplierMatches(input: $in) { candidate { uscc } fit } }`
	var resp struct {
		SupplierMatches []struct {
			Candidate struct{ USCC string }
			Fit       string
		}
	}
	in := map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, matchtest.Asker), "productIds": []string{gid.Encode(gid.Product, "GLASS")},
		"fits": []string{"SEGMENT", "ADJACENT"}}
	e.ok(auth.Anonymous, q, map[string]any{"in": in}, &resp)
	var got []string
	for _, m := range resp.SupplierMatches {
		got = append(got, m.Candidate.USCC+" "+m.Fit)
	}
	if want := []string{matchtest.Film + " SEGMENT", matchtest.Module2 + " ADJACENT"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("near fits only: %v, want %v", got, want)
	}
	// A literal in the query works the same way.
	e.ok(auth.Anonymous, `{ supplierMatches(input: {enterpriseId: "`+gid.Encode(gid.Enterprise, matchtest.Asker)+`", fits: [PRODUCT], first: 1}) { candidate { uscc } fit } }`, nil, &resp)
	if len(resp.SupplierMatches) != 1 || resp.SupplierMatches[0].Fit != "PRODUCT" {
		t.Fatalf("exact only: %+v", resp.SupplierMatches)
	}
}

func TestChainGapsEndToEndBatchesCandidates(t *testing.T) {
	e := matchEnv(t)
	const q = `query($id: ID!, $n: Int) { chainGaps(chainId: $id) {
	  segment { code } product { code } localDemand localSupply severity
	  candidates(first: $n) { candidate { uscc } score product { code } } } }`
	type gaps struct {
		ChainGaps []struct {
			Segment                  struct{ Code string }
			Product                  struct{ Code string }
			LocalDemand, LocalSupply int
			Severity                 float64
			Candidates               []struct {
				Candidate struct{ USCC string }
				Score     float64
			}
		}
	}
	trips := map[int]int64{}
	for _, n := range []int{1, 3, 1, 3, 1, 3} { // repeated: a batch split by timing would show
		var resp gaps
		e.ok(auth.Anonymous, q, map[string]any{"id": gid.Encode(gid.Chain, "PV"), "n": n}, &resp)
		if got := e.trips.Load(); trips[n] != 0 && got != trips[n] {
			t.Fatalf("first %d: %d statements, then %d", n, trips[n], got)
		}
		trips[n] = e.trips.Load()
		g := resp.ChainGaps
		if len(g) != 3 || g[0].Product.Code != "CELL" || g[0].Segment.Code != "PV-2" || g[0].Severity != 1 || g[0].LocalDemand != 2 ||
			g[2].Product.Code != "GLASS" || g[2].Severity != 0.25 {
			t.Fatalf("gaps %+v", g)
		}
		if len(g[0].Candidates) != n || g[0].Candidates[0].Candidate.USCC != matchtest.GlassFar || len(g[1].Candidates) != 0 {
			t.Fatalf("first %d: candidates %+v", n, g[0].Candidates)
		}
	}
	// A page must not cost a statement per gap or candidate: at most the
	// gaps, one batch of candidates for all gaps, then one batch each of
	// segments, products (the gaps' and the candidates') and candidate
	// enterprises — the same whatever the number of candidates.
	if trips[1] != trips[3] || trips[3] > 5 {
		t.Fatalf("round trips %v, want the same for 1 and 3 candidates and at most 5", trips)
	}
}

func TestAnalyticsEndToEnd(t *testing.T) {
	e := matchEnv(t)
	var resp struct {
		SettlementOptions []struct {
			Park           struct{ Code, Name string }
			Score          float64
			LocalSuppliers int
			LocalCustomers int
			GapsFilled     []struct{ Code string }
			Reasons        []string
		}
		SupplyPaths []struct {
			Enterprises []struct{ USCC string }
			Hops        int
		}
		IncentivesFor []struct {
			Incentive struct{ Code string }
			Eligible  bool
			Reason    string
		}
		CultivationProgress struct {
			NationalLittleGiants, NationalTarget, ProvincialSRDI, ProvincialTarget, TargetYear int
			ByDistrict                                                                         []struct {
				District             struct{ Name string }
				NationalLittleGiants int
			}
		}
	}
	far := gid.Encode(gid.Enterprise, matchtest.GlassFar)
	e.ok(auth.Anonymous, `query($far: ID!, $from: ID!, $to: ID!, $near: ID!) {
	  settlementOptions(enterpriseId: $far, first: 2) { park { code name } score localSuppliers localCustomers gapsFilled { code } reasons }
	  supplyPaths(fromId: $from, toId: $to) { enterprises { uscc } hops }
	  incentivesFor(enterpriseId: $near) { incentive { code } eligible reason }
	  cultivationProgress { nationalLittleGiants nationalTarget provincialSRDI provincialTarget targetYear byDistrict { district { name } nationalLittleGiants } }
	}`, map[string]any{"far": far, "from": gid.Encode(gid.Enterprise, matchtest.GlassNear),
		"to": gid.Encode(gid.Enterprise, matchtest.Buyer1), "near": gid.Encode(gid.Enterprise, matchtest.GlassNear)}, &resp)
	so := resp.SettlementOptions
	if len(so) != 2 || so[0].Park.Code != "XZ-PV" || so[0].Park.Name != "秀洲光伏小镇" || so[0].Score != 1 || so[0].LocalSuppliers != 1 ||
		so[0].LocalCustomers != 2 || len(so[0].GapsFilled) != 1 || so[0].GapsFilled[0].Code != "CELL" || so[1].Park.Code != "HN-EDZ" {
		t.Fatalf("settlement %+v", so)
	}
	sp := resp.SupplyPaths
	if len(sp) != 2 || sp[0].Hops != 2 || len(sp[0].Enterprises) != 3 || sp[0].Enterprises[0].USCC != matchtest.GlassNear || sp[0].Enterprises[2].USCC != matchtest.Buyer1 {
		t.Fatalf("paths %+v", sp)
	}
	inc := resp.IncentivesFor
	if len(inc) != 4 || inc[1].Incentive.Code != "JX-LG" || !inc[1].Eligible || inc[1].Reason != "符合条件：持有国家级专精特新“小巨人”称号（2023年）" {
		t.Fatalf("incentives %+v", inc)
	}
	cp := resp.CultivationProgress
	if cp.NationalLittleGiants != 2 || cp.NationalTarget != 200 || cp.ProvincialSRDI != 1 || cp.ProvincialTarget != 1500 || cp.TargetYear != 2027 ||
		len(cp.ByDistrict) != 4 || cp.ByDistrict[0].District.Name != "南湖区" || cp.ByDistrict[0].NationalLittleGiants != 1 {
		t.Fatalf("progress %+v", cp)
	}
}

func TestMatchErrorsEndToEnd(t *testing.T) {
	e := matchEnv(t)
	asker := gid.Encode(gid.Enterprise, matchtest.Asker)
	buyer := gid.Encode(gid.Enterprise, matchtest.Buyer1)
	const matchQ = `query($in: MatchInput!) { supplierMatches(input: $in) { score } }`
	const pathQ = `query($from: ID!, $to: ID!, $hops: Int) { supplyPaths(fromId: $from, toId: $to, maxHops: $hops) { hops } }`
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		// The query limiter refuses it before the service, naming the input path.
		{"first over 100", matchQ, map[string]any{"in": map[string]any{"enterpriseId": asker, "first": 101}}, "BAD_USER_INPUT", "input.first"},
		{"unknown fit", matchQ, map[string]any{"in": map[string]any{"enterpriseId": asker, "fits": []string{"PRODUCT", "NEAR"}}}, "BAD_USER_INPUT", "input.fits[1]"},
		{"distance 0", matchQ, map[string]any{"in": map[string]any{"enterpriseId": asker, "maxDistanceKm": 0}}, "BAD_USER_INPUT", "input.maxDistanceKm"},
		{"wrong id type", matchQ, map[string]any{"in": map[string]any{"enterpriseId": gid.Encode(gid.Product, "GLASS")}}, "BAD_USER_INPUT", "input.enterpriseId"},
		{"unknown enterprise", matchQ, map[string]any{"in": map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, "91330400MA00000000")}}, "NOT_FOUND", "input.enterpriseId"},
		{"0 hops", pathQ, map[string]any{"from": asker, "to": buyer, "hops": 0}, "BAD_USER_INPUT", "maxHops"},
		{"7 hops", pathQ, map[string]any{"from": asker, "to": buyer, "hops": 7}, "BAD_USER_INPUT", "maxHops"},
		{"gap candidates over 50", `query($id: ID!) { chainGaps(chainId: $id) { candidates(first: 51) { score } } }`,
			map[string]any{"id": gid.Encode(gid.Chain, "PV")}, "BAD_USER_INPUT", "first"},
		{"unknown chain", `query($id: ID!) { chainGaps(chainId: $id) { severity } }`,
			map[string]any{"id": gid.Encode(gid.Chain, "NOPE")}, "NOT_FOUND", "chainId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := e.do(auth.Anonymous, c.query, c.vars, nil)
			if len(errs) == 0 {
				t.Fatalf("no error, want %s on %s", c.code, c.field)
			}
			field, _ := errs[0].Extensions["field"].(string)
			if errs[0].Extensions["code"] != c.code || field != c.field {
				t.Fatalf("errors %+v, want %s on %s", errs, c.code, c.field)
			}
		})
	}
}
