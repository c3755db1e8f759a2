package alert_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/auth"
	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// The batched evaluator (EvaluateBatch: one statement finding the
// searches of every firm, two scoring every firm for every search) raises
// exactly the alerts of the per-search path it replaced (SearchesFor per
// firm, then CandidateMatch per search): the same searches, candidates,
// scores, components, reasons, fits and distances, over 300 saved searches
// of every kind and filter on the demo graph and 30 firms (new ones and
// existing ones); and it does so in a fixed number of statements.
func TestBatchedEvaluatorEqualsThePerSearchPath(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	g := demo.Generate(demo.Options{})
	matches, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	svc := alert.NewService(s, matches)
	firms := enterprise.NewService(s)

	needs, makes := map[string][]string{}, map[string][]string{}
	for _, n := range g.Needs {
		needs[n.USCC] = append(needs[n.USCC], n.ProductCode)
	}
	for _, m := range g.Makes {
		makes[m.USCC] = append(makes[m.USCC], m.ProductCode)
	}
	var askers, others []string
	loc := map[string]geo.Point{}
	district := map[string]string{}
	for _, e := range g.Enterprises {
		if e.IsLocal && len(needs[e.USCC]) > 0 && len(makes[e.USCC]) > 0 && len(askers) < 60 {
			askers = append(askers, e.USCC)
			loc[e.USCC] = geo.Point{Latitude: e.Lat, Longitude: e.Lon}
			district[e.USCC] = e.DistrictCode
			continue
		}
		if len(makes[e.USCC])+len(needs[e.USCC]) > 0 {
			others = append(others, e.USCC)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	kinds := []alert.Kind{alert.Supplier, alert.Supplier, alert.Customer, alert.Partner}
	designations := []enterprise.Designation{enterprise.NationalLittleGiant, enterprise.ProvincialSRDI, enterprise.InnovativeSME}
	for i := 0; i < 300; i++ {
		a := askers[rng.IntN(len(askers))]
		k := kinds[i%len(kinds)]
		in := alert.SaveInput{Name: fmt.Sprintf("search %d", i), Kind: k, EnterpriseID: gid.Encode(gid.Enterprise, a),
			MinScore: ptrTo(0.1 * float64(i%5))}
		if i%2 == 0 {
			own := needs[a]
			if k != alert.Supplier {
				own = makes[a]
			}
			in.ProductIDs = []string{gid.Encode(gid.Product, own[rng.IntN(len(own))])}
		}
		switch i % 7 {
		case 1:
			in.LocalOnly = ptrTo(false)
		case 2:
			in.MaxDistanceKm = ptrTo(10 + float64(rng.IntN(40)))
		case 3:
			in.Designations = []enterprise.Designation{designations[rng.IntN(len(designations))]}
		case 4:
			in.LocalOnly = ptrTo(false)
			in.MaxDistanceKm = ptrTo(100.0)
		}
		lang := match.Chinese
		if i%3 == 0 {
			lang = match.English
		}
		p := auth.WithPrincipal(ctx, auth.Principal{ID: fmt.Sprintf("partner-%d", i%7), Role: auth.Partner})
		if _, err := svc.Save(match.WithLanguage(p, lang), in); err != nil {
			t.Fatalf("save search %d: %v", i, err)
		}
	}

	// 20 new firms near askers, each making what one needs and buying
	// what one makes; and 10 existing firms that are nobody's asker.
	admin := auth.WithPrincipal(ctx, auth.Principal{ID: "test", Role: auth.Admin})
	var changed []string
	for i := 0; i < 20; i++ {
		a := askers[rng.IntN(len(askers))]
		u, err := uscc.Make(district[a], uint64(800000+i))
		if err != nil {
			t.Fatal(err)
		}
		p := loc[a]
		in := enterprise.Input{USCC: u, Name: fmt.Sprintf("嘉兴等价测试企业%02d有限公司", i), IsLocal: i%4 != 0,
			Location: &geo.Point{Latitude: p.Latitude + (rng.Float64()-0.5)*0.1, Longitude: p.Longitude + (rng.Float64()-0.5)*0.1},
			Products: []enterprise.OfferInput{{ProductID: gid.Encode(gid.Product, needs[a][rng.IntN(len(needs[a]))])}},
			Needs:    []enterprise.NeedInput{{ProductID: gid.Encode(gid.Product, makes[a][rng.IntN(len(makes[a]))])}}}
		if in.IsLocal {
			in.DistrictCode = ptrTo(district[a])
		} else {
			in.HomeCity = ptrTo("Hefei")
		}
		if i%3 == 0 {
			in.Designations = []enterprise.DesignationGrant{{Designation: enterprise.NationalLittleGiant, Year: 2024}}
		}
		if _, err := firms.Upsert(admin, in); err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
		changed = append(changed, u)
	}
	for i := 0; i < 10; i++ {
		changed = append(changed, others[rng.IntN(len(others))])
	}

	// The per-search path: the searches of each firm, one CandidateMatch
	// each.
	type key struct{ search, candidate string }
	want := map[key]match.Match{}
	fits := map[match.Fit]int{}
	scored := 0
	for _, firm := range changed {
		found, err := s.SearchesFor(ctx, []string{firm})
		if err != nil {
			t.Fatal(err)
		}
		for _, ss := range found[firm] {
			scored++
			m, ok, err := matches.CandidateMatch(match.WithLanguage(ctx, ss.Language), criteria(ss), firm)
			if err != nil {
				t.Fatal(err)
			}
			if ok && m.Score >= ss.MinScore {
				want[key{ss.ID, firm}] = m
				fits[m.Fit]++
			}
		}
	}
	if len(want) < 50 || len(fits) < 3 {
		t.Fatalf("the per-search path raised %d alerts (fits %v) over %d scorings: too few to compare", len(want), fits, scored)
	}

	// The batched path: one batch of changes touching all of them.
	var chs []alert.Change
	for i := 0; i < len(changed); i += 2 {
		ch := alert.Change{ID: fmt.Sprintf("ev-%d", i), Seq: int64(i + 1), Kind: alert.SupplyAdded, At: time.Now().UTC(),
			EntityID: gid.Encode(gid.Enterprise, changed[i]), Firms: []string{changed[i]}}
		if i+1 < len(changed) {
			ch.Firms = append(ch.Firms, changed[i+1])
		}
		chs = append(chs, ch)
	}
	var trips atomic.Int64
	got, err := svc.EvaluateBatch(neo4jstore.WithRoundTripCounter(ctx, &trips), chs)
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n > 5 {
		t.Errorf("the batch of %d changes (%d firms, %d scorings) took %d statements, want at most 5", len(chs), len(changed), scored, n)
	}
	seen := map[key]bool{}
	for _, a := range got {
		k := key{a.SearchID, a.Match.CandidateUSCC}
		if seen[k] {
			t.Errorf("alert %v twice", k)
		}
		seen[k] = true
		w, ok := want[k]
		if !ok {
			t.Errorf("batched alert %v (%+v) not raised by the per-search path", k, a.Match)
			continue
		}
		if !reflect.DeepEqual(a.Match, w) {
			t.Errorf("alert %v:\nbatched    %+v\nper search %+v", k, a.Match, w)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("per-search alert %v missing from the batch", k)
		}
	}
	t.Logf("%d alerts (fits %v) from %d scorings of %d firms, in %d statements", len(want), fits, scored, len(changed), trips.Load())
}

func ptrTo[T any](v T) *T { return &v }

// criteria is the match request of a saved search, as the per-search path
// scored it.
func criteria(ss alert.SavedSearch) match.Criteria {
	kind := match.Suppliers
	switch ss.Kind {
	case alert.Customer:
		kind = match.Customers
	case alert.Partner:
		kind = match.Partners
	}
	ds := make([]string, len(ss.Designations))
	for i, d := range ss.Designations {
		ds[i] = string(d)
	}
	return match.Criteria{Kind: kind, AskerUSCC: ss.EnterpriseUSCC, ProductCodes: ss.ProductCodes,
		LocalOnly: ss.LocalOnly, MaxDistanceKm: ss.MaxDistanceKm, Designations: ds}
}
