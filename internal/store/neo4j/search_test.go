package neo4jstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
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
	code, err := uscc.Make("330402", 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{{Enterprise: enterprise.Enterprise{USCC: code, Name: "嘉兴氢途科技有限公司", IsLocal: true}}}); err != nil {
		t.Fatal(err)
	}
	// The catalogue's keys are read whole (the service matches them in
	// memory), the firms' through their index.
	catalogKeys := func() map[string][]string {
		t.Helper()
		hits, err := s.SearchCatalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, h := range hits {
			if len(h.Via) != 0 || (h.Product == nil) == (h.Chain == nil) {
				t.Errorf("catalogue hit %+v: want no via and the object", h)
			}
			out[h.Key] = strings.Fields(h.SearchKeys)
		}
		return out
	}
	keys := catalogKeys()
	for key, want := range map[string][]string{"H2": {"qingneng", "qn", "氢", "hydrogen"}, "H2-TANK": {"czcqp", "氢", "tanks", "tank"}} {
		for _, w := range want {
			if !slices.Contains(keys[key], w) {
				t.Errorf("%s keys %v, want %s among them", key, keys[key], w)
			}
		}
	}
	if got := keyHits(t, s, chain.SearchQuery{FirmKeys: "(+氢 +途)"}); !slices.Equal(got, []string{code + "/key"}) {
		t.Errorf("firm key query (+氢 +途): %v", got)
	}

	if err := neo4jstore.ForgetSearchKeys(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got := catalogKeys()["H2"]; len(got) != 0 {
		t.Fatalf("keys still there after removing them: %v", got)
	}
	n, err := s.RekeyNames(ctx)
	if err != nil || n != 3 {
		t.Fatalf("RekeyNames wrote %d, %v; want 3", n, err)
	}
	if got := catalogKeys()["H2"]; !slices.Contains(got, "qingneng") {
		t.Errorf("H2 keys after RekeyNames %v", got)
	}
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
	code, err := uscc.Make("330402", 9)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{{Enterprise: enterprise.Enterprise{USCC: code, Name: "嘉兴光伏玻璃有限公司", IsLocal: true}}}); err != nil {
		t.Fatal(err)
	}
	if got := keyHits(t, s, chain.SearchQuery{Synonyms: groups[0].Keys[2]}); !slices.Equal(got, []string{code + "/synonym"}) {
		t.Fatalf("synonym key query of 光伏 over the firms: %v", got)
	}

	svc := chain.NewService(s)
	viaSynonym := func() bool {
		hits, err := svc.Search(ctx, "太阳能", nil, chain.HitParts{})
		if err != nil {
			t.Fatal(err)
		}
		// The chain (from the catalogue in memory) and the firm (from the
		// firms' key index), both through the synonym.
		found := 0
		for _, h := range hits {
			if (h.Key == "PV" || h.Key == code) && slices.Equal(h.Via, []string{chain.HitViaSynonym}) {
				found++
			}
		}
		return len(hits) == 2 && found == 2
	}
	if !viaSynonym() {
		t.Fatal("search 太阳能 does not find the chain 光伏 and the firm 嘉兴光伏玻璃 through its synonym")
	}
	if err := s.ReplaceSynonyms(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Another replica's service (or this one after SynonymRefresh) no longer
	// knows the group.
	if hits, err := chain.NewService(s).Search(ctx, "太阳能", nil, chain.HitParts{}); err != nil || len(hits) != 0 {
		t.Fatalf("search 太阳能 on a fresh service after an empty list: %v, %v", hits, err)
	}
	time.Sleep(chain.SynonymRefresh + 50*time.Millisecond)
	if viaSynonym() {
		t.Fatalf("search 太阳能 still uses the old list after %v", chain.SynonymRefresh)
	}
}

// A product written through the search service's own catalogue is found by
// its next search (the write drops the in-memory copy); another service
// (another replica) finds it once its copy is older than SynonymRefresh.
func TestCatalogueWriteIsSearchableAtOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	svc, other := chain.NewService(s), chain.NewService(s)
	found := func(svc *chain.Service) bool {
		hits, err := svc.Search(ctx, "qnp", nil, chain.HitParts{})
		if err != nil {
			t.Fatal(err)
		}
		return len(hits) > 0 && hits[0].Key == "H2-BOTTLE"
	}
	if found(svc) || found(other) { // both now hold a copy without it
		t.Fatal("found before it was written")
	}
	if _, err := svc.UpsertProduct(ctx, chain.Product{Code: "H2-BOTTLE", Name: "氢能瓶"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if !found(svc) {
		t.Fatal("the writing service's next search does not find the new product (pinyin initials qnp)")
	}
	time.Sleep(chain.SynonymRefresh + 50*time.Millisecond)
	if !found(other) {
		t.Fatalf("another service does not find it after %v", chain.SynonymRefresh)
	}
}

// A search reads its hits' places (an enterprise's district and park, a
// product's segment) only when the query asks for them; without, those
// codes are unset whatever the graph holds (chain.HitParts).
func TestSearchReadsPlacesOnlyWhenAsked(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := s.LoadGraph(ctx, bulkFixture(), nil); err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, places := range []bool{true, false} {
		hits, err := s.Search(ctx, chain.SearchQuery{Names: "光伏", Limit: 10, Places: places})
		if err != nil {
			t.Fatal(err)
		}
		firm, product := "missing", "missing"
		for _, h := range hits {
			switch {
			case h.Key == "91330411000000010X" && h.Enterprise != nil:
				firm = str(h.Enterprise.DistrictCode) + "/" + str(h.Enterprise.ParkCode)
			case h.Key == "PV-WAFER" && h.Product != nil:
				product = str(h.Product.SegmentCode)
			}
		}
		wantFirm, wantProduct := "/", ""
		if places {
			wantFirm, wantProduct = "330411/XZ-HTZ", "PV-S1"
		}
		if firm != wantFirm || product != wantProduct {
			t.Errorf("places %v: firm %q, product %q; want %q, %q", places, firm, product, wantFirm, wantProduct)
		}
	}
}
