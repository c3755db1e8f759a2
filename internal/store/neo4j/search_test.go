package neo4jstore_test

import (
	"context"
	"slices"
	"testing"

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

// Synonyms are data in the graph: a term finds names holding another term
// of its group, and replacing the list drops the old groups.
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
	if got := keyHits(t, s, chain.SearchQuery{Terms: []string{"太阳能"}}); !slices.Equal(got, []string{"PV/synonym"}) {
		t.Fatalf("synonym 太阳能: %v", got)
	}
	if err := s.ReplaceSynonyms(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := keyHits(t, s, chain.SearchQuery{Terms: []string{"太阳能"}}); len(got) != 0 {
		t.Fatalf("synonym after an empty list: %v", got)
	}
}
