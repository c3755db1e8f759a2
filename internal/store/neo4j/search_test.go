package neo4jstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"chainmatch/internal/chain"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func ptr[T any](v T) *T { return &v }

func keyHits(t *testing.T, s *neo4jstore.Store, q chain.SearchQuery) []string {
	t.Helper()
	q.Limit = 10
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Key+"/"+h.Via[0])
	}
	return out
}

// Upserts write the search keys; a graph written without them (before
// migration 4) gets them from Migrate.
func TestSearchKeysAreWrittenAndMigrated(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if err := s.UpsertChain(ctx, chain.ChainRecord{Chain: chain.IndustrialChain{Code: "H2", Name: "氢能", NameEn: ptr("Hydrogen")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertProduct(ctx, chain.ProductRecord{Product: chain.Product{Code: "H2-TANK", Name: "车载储氢瓶", NameEn: ptr("On-board hydrogen tanks")}}); err != nil {
		t.Fatal(err)
	}
	found := func(q chain.SearchQuery, want ...string) {
		t.Helper()
		got := keyHits(t, s, q)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%+v: hits %v, want %s", q, got, w)
			}
		}
	}
	found(chain.SearchQuery{Keys: "qingneng*"}, "H2/key")
	found(chain.SearchQuery{Keys: "czcqp*"}, "H2-TANK/key")
	found(chain.SearchQuery{Keys: "(+氢)"}, "H2/key", "H2-TANK/key")
	found(chain.SearchQuery{Keys: "tank*"}, "H2-TANK/key") // singular of "tanks"

	if err := neo4jstore.ForgetSearchKeys(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got := keyHits(t, s, chain.SearchQuery{Keys: "qingneng*"}); len(got) != 0 {
		t.Fatalf("keys still found after removing them: %v", got)
	}
	n, err := s.RekeyNames(ctx)
	if err != nil || n != 2 {
		t.Fatalf("RekeyNames wrote %d, %v; want 2", n, err)
	}
	found(chain.SearchQuery{Keys: "qingneng*"}, "H2/key")
	if n, err := s.RekeyNames(ctx); err != nil || n != 0 {
		t.Fatalf("second RekeyNames wrote %d, %v; want 0", n, err)
	}
}

// Synonyms are data in the graph: the list reads back as written, a
// synonym key query finds names holding another term of the group, and the
// search service (on any replica) uses a replaced list within
// chain.SynonymRefresh.
func TestSynonymsFindOtherTermsOfTheirGroup(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if err := s.UpsertChain(ctx, chain.ChainRecord{Chain: chain.IndustrialChain{Code: "PV", Name: "光伏", NameEn: ptr("Photovoltaics")}}); err != nil {
		t.Fatal(err)
	}
	groups, err := chain.SynonymGroups([][]string{{"PV", "太阳能", "光伏"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceSynonyms(ctx, groups); err != nil {
		t.Fatal(err)
	}
	read, err := s.Synonyms(ctx)
	if err != nil || len(read) != 1 || read[0].Name != "pv" || !slices.Equal(read[0].Terms, []string{"pv", "光伏", "太阳能"}) ||
		read[0].Keys[1] != groups[0].Keys[2] {
		t.Fatalf("synonyms read back %+v, %v; wrote %+v", read, err, groups)
	}
	if got := keyHits(t, s, chain.SearchQuery{Synonyms: groups[0].Keys[2]}); !slices.Equal(got, []string{"PV/synonym"}) {
		t.Fatalf("synonym key query of 光伏: %v", got)
	}

	svc := chain.NewService(s)
	viaSynonym := func() bool {
		hits, err := svc.Search(ctx, "太阳能", nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(hits) == 1 && hits[0].Key == "PV" && slices.Contains(hits[0].Via, chain.HitViaSynonym)
	}
	if !viaSynonym() {
		t.Fatal("search 太阳能 does not find the chain 光伏 through its synonym")
	}
	if err := s.ReplaceSynonyms(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Another replica's service (or this one after SynonymRefresh) no longer
	// knows the group.
	if hits, err := chain.NewService(s).Search(ctx, "太阳能", nil); err != nil || len(hits) != 0 {
		t.Fatalf("search 太阳能 on a fresh service after an empty list: %v, %v", hits, err)
	}
	time.Sleep(chain.SynonymRefresh + 50*time.Millisecond)
	if viaSynonym() {
		t.Fatalf("search 太阳能 still uses the old list after %v", chain.SynonymRefresh)
	}
}
