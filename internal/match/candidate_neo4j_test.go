package match_test

import (
	"context"
	"reflect"
	"testing"

	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
)

// CandidateMatch (one firm, for saved-search alerts) agrees with the lists
// for every candidate of every kind, and says no for a firm no list holds.
func TestCandidateMatchEqualsTheListsEntry(t *testing.T) {
	svc := setup(t)
	ctx := match.WithLanguage(context.Background(), match.English)
	kinds := []struct {
		kind match.Kind
		list func(context.Context, match.MatchQuery) ([]match.Match, error)
	}{
		{match.Suppliers, svc.SupplierMatches},
		{match.Customers, svc.CustomerMatches},
		{match.Partners, svc.PartnerMatches},
	}
	for _, k := range kinds {
		for _, local := range []bool{true, false} {
			ms, err := k.list(ctx, match.MatchQuery{EnterpriseID: eid(matchtest.Asker), LocalOnly: &local})
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				t.Fatalf("kind %d: no matches", k.kind)
			}
			in := map[string]bool{}
			for _, m := range ms {
				in[m.CandidateUSCC] = true
				got, ok, err := svc.CandidateMatch(ctx, match.Criteria{Kind: k.kind, AskerUSCC: matchtest.Asker, LocalOnly: local}, m.CandidateUSCC)
				if err != nil || !ok {
					t.Fatalf("kind %d %s: ok %v, %v", k.kind, m.CandidateUSCC, ok, err)
				}
				if !reflect.DeepEqual(got, m) {
					t.Errorf("kind %d %s:\n one  %+v\n list %+v", k.kind, m.CandidateUSCC, got, m)
				}
			}
			for _, u := range []string{matchtest.Asker, matchtest.CellSH, matchtest.Poly, matchtest.Buyer1} {
				if in[u] {
					continue
				}
				if _, ok, err := svc.CandidateMatch(ctx, match.Criteria{Kind: k.kind, AskerUSCC: matchtest.Asker, LocalOnly: local}, u); err != nil || ok {
					t.Errorf("kind %d local %v: %s is no list entry but CandidateMatch says %v (%v)", k.kind, local, u, ok, err)
				}
			}
		}
	}
}
