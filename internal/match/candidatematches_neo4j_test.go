package match_test

import (
	"context"
	"reflect"
	"testing"

	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
)

// CandidateMatches answers every (request, firm) pair exactly as
// CandidateMatch answers it alone — for every kind, with and without
// products and filters, for candidates of every fit (shared partners and
// existing suppliers included) and for firms that are no candidate, the
// asker itself and a missing asker — in two statements for all of them.
func TestCandidateMatchesEqualsCandidateMatch(t *testing.T) {
	svc := setup(t)
	firms := []string{matchtest.Asker, matchtest.GlassNear, matchtest.GlassOld, matchtest.GlassFar, matchtest.Film,
		matchtest.Module2, matchtest.NoPlace, matchtest.Buyer1, matchtest.Buyer2, matchtest.Poly, matchtest.CellSH, matchtest.CellCD}
	within := 6.0
	var criteria []match.Criteria
	for _, k := range []match.Kind{match.Suppliers, match.Customers, match.Partners} {
		for _, asker := range []string{matchtest.Asker, matchtest.Module2, matchtest.Buyer1, matchtest.GlassFar} {
			criteria = append(criteria,
				match.Criteria{Kind: k, AskerUSCC: asker, LocalOnly: true},
				match.Criteria{Kind: k, AskerUSCC: asker, LocalOnly: false},
				match.Criteria{Kind: k, AskerUSCC: asker, LocalOnly: true, MaxDistanceKm: &within},
				match.Criteria{Kind: k, AskerUSCC: asker, LocalOnly: false, Designations: []string{"NATIONAL_LITTLE_GIANT", "SINGLE_CHAMPION"}},
				match.Criteria{Kind: k, AskerUSCC: asker, ProductCodes: []string{"GLASS", "CELL"}},
				match.Criteria{Kind: k, AskerUSCC: asker, ProductCodes: []string{"MODULE", "NOPE"}, LocalOnly: true},
			)
		}
	}
	criteria = append(criteria, match.Criteria{Kind: match.Suppliers, AskerUSCC: "91330411MA0000099X"})

	var reqs []match.CandidateRequest
	for i, c := range criteria {
		lang := match.Chinese
		if i%2 == 1 {
			lang = match.English
		}
		for _, f := range firms {
			reqs = append(reqs, match.CandidateRequest{Criteria: c, CandidateUSCC: f, Language: lang})
		}
	}
	ctx, trips := counted(match.Chinese)
	got, err := svc.CandidateMatches(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n != 2 {
		t.Errorf("%d requests took %d statements, want 2", len(reqs), n)
	}
	if len(got) != len(reqs) {
		t.Fatalf("%d results for %d requests", len(got), len(reqs))
	}
	fits := map[match.Fit]int{}
	existing := 0
	for i, r := range reqs {
		want, ok, err := svc.CandidateMatch(match.WithLanguage(context.Background(), r.Language), r.Criteria, r.CandidateUSCC)
		if err != nil {
			t.Fatal(err)
		}
		if got[i].OK != ok || !reflect.DeepEqual(got[i].Match, want) {
			t.Errorf("%+v for %s:\nbatched %v %+v\nalone   %v %+v", r.Criteria, r.CandidateUSCC, got[i].OK, got[i].Match, ok, want)
		}
		if ok {
			fits[want.Fit]++
			if want.ExistingRelation {
				existing++
			}
		}
	}
	if len(fits) != len(match.Fits) || existing == 0 {
		t.Fatalf("the requests cover fits %v and %d existing relations: want every fit and some", fits, existing)
	}
}
