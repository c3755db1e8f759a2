package matchindex_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
	"chainmatch/internal/matchindex"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"

	neo4jstore "chainmatch/internal/store/neo4j"
)

// replica is one server's view: its own store (own driver, so no shared
// bookmarks), index and service.
type replica struct {
	store *neo4jstore.Store
	ix    *matchindex.Index
	svc   *match.Service
}

func newReplica(t *testing.T, s *neo4jstore.Store) replica {
	t.Helper()
	ix := newIndex(t, s)
	svc, err := match.NewService(ix, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return replica{store: s, ix: ix, svc: svc}
}

// secondStore opens another connection to the test database, as a second
// server process would.
func secondStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s, err := neo4jstore.Open(neo4jtest.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func enterpriseOf(t *testing.T, s *neo4jstore.Store, u string) enterprise.Enterprise {
	t.Helper()
	es, err := s.EnterprisesByUSCC(context.Background(), []string{u})
	if err != nil || len(es) != 1 || es[0] == nil {
		t.Fatalf("enterprise %s: %v %v", u, es, err)
	}
	return *es[0]
}

func findMatch(ms []match.Match, u string) *match.Match {
	for i := range ms {
		if ms[i].CandidateUSCC == u {
			return &ms[i]
		}
	}
	return nil
}

// TestFreshAfterWrites: after each acknowledged write (a new maker, a
// removed supply relation, a new designation, a moved firm) the very next
// match reflects it, through the index of the replica that wrote and
// through a second replica's index over its own connection; and every
// answer equals the Cypher store's.
func TestFreshAfterWrites(t *testing.T) {
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	ctx := context.Background()
	one := newReplica(t, s)
	two := newReplica(t, secondStore(t))
	db, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	asker := gid.Encode(gid.Enterprise, matchtest.Asker)
	// suppliers returns the asker's supplier matches from both replicas,
	// checked against the store's.
	suppliers := func(step string) []match.Match {
		t.Helper()
		q := match.MatchQuery{EnterpriseID: asker, First: ptr(50), LocalOnly: ptr(false)}
		want, err := db.SupplierMatches(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range []replica{one, two} {
			got, err := r.svc.SupplierMatches(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if d := matchesDiff(want, got); d != "" {
				t.Fatalf("%s: replica %d differs from Neo4j: %s", step, i+1, d)
			}
		}
		return want
	}
	suppliers("start")

	// A new maker of glass, 0.5 km from the asker, upserted on replica one.
	newMaker, err := uscc.Make("330411", 40)
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := matchtest.Base.Lat+0.5/111.19508, matchtest.Base.Lon
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{{
		Enterprise: enterprise.Enterprise{USCC: newMaker, Name: "新玻璃", IsLocal: true, Location: &geo.Point{Latitude: lat, Longitude: lon}},
		Products:   []enterprise.ProductOffer{{ProductCode: "GLASS", AnnualCapacity: ptr(80.0), Unit: ptr("t")}},
	}}); err != nil {
		t.Fatal(err)
	}
	if m := findMatch(suppliers("new maker"), newMaker); m == nil || m.Fit != match.FitProduct {
		t.Fatalf("new maker %s: %+v", newMaker, m)
	}

	// The old supplier stops supplying the asker.
	if m := findMatch(suppliers("before removal"), matchtest.GlassOld); m == nil || !m.ExistingRelation {
		t.Fatalf("GlassOld before removal: %+v", m)
	}
	if ok, err := s.RemoveSupplyRelation(ctx, matchtest.GlassOld, matchtest.Asker, nil); err != nil || !ok {
		t.Fatalf("remove supply: %v %v", ok, err)
	}
	if m := findMatch(suppliers("removed supply"), matchtest.GlassOld); m == nil || m.ExistingRelation {
		t.Fatalf("GlassOld after removal: %+v", m)
	}

	// The film maker gets a designation (written through replica two's
	// connection this time).
	film := enterpriseOf(t, s, matchtest.Film)
	if err := two.store.UpsertEnterprises(ctx, []enterprise.Record{{Enterprise: film,
		Designations: []enterprise.DesignationGrant{{Designation: enterprise.SingleChampion, Year: 2025}}}}); err != nil {
		t.Fatal(err)
	}
	m := findMatch(suppliers("new designation"), matchtest.Film)
	if m == nil || m.Components[2].Name != "qualification" || m.Components[2].Value != 1 {
		t.Fatalf("film maker after its designation: %+v", m)
	}

	// The near glass maker moves 40 km north.
	near := enterpriseOf(t, s, matchtest.GlassNear)
	near.Location = &geo.Point{Latitude: matchtest.Base.Lat + 40/111.19508, Longitude: matchtest.Base.Lon}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{{Enterprise: near}}); err != nil {
		t.Fatal(err)
	}
	if m := findMatch(suppliers("moved"), matchtest.GlassNear); m == nil || m.DistanceKm == nil || *m.DistanceKm < 39.9 || *m.DistanceKm > 40.1 {
		t.Fatalf("moved firm: %+v", m)
	}

	// A new supply relation, and a deleted firm.
	if err := s.AddSupplyRelation(ctx, enterprise.SupplyRelation{SupplierUSCC: newMaker, CustomerUSCC: matchtest.Asker}); err != nil {
		t.Fatal(err)
	}
	if m := findMatch(suppliers("added supply"), newMaker); m == nil || !m.ExistingRelation {
		t.Fatalf("new maker after supplying the asker: %+v", m)
	}
	if ok, err := s.DeleteEnterprise(ctx, newMaker); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if m := findMatch(suppliers("deleted"), newMaker); m != nil {
		t.Fatalf("deleted firm still matched: %+v", m)
	}
	for i, r := range []replica{one, two} {
		if st := r.ix.Stats(); st.Fallbacks != 0 || st.Builds != 1 || st.CatchUps == 0 {
			t.Fatalf("replica %d: %+v (want answers from the index, caught up, never rebuilt)", i+1, st)
		}
	}
}

// TestRebuildAfterBulkLoadCatalogueWriteAndWipe: writes that append no
// change events change the match epoch; the index then answers from the
// store (still exact) until it has rebuilt.
func TestRebuildAfterBulkLoadCatalogueWriteAndWipe(t *testing.T) {
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	ctx := context.Background()
	ix := newIndex(t, s)
	q := match.CandidateQuery{Kind: match.Suppliers, AskerUSCC: matchtest.Asker, ProductCodes: []string{"GLASS"},
		PerKind: 100, Rank: match.NewRankKey(match.DefaultWeights())}
	has := func(u string) bool {
		cs, err := ix.MatchCandidates(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.USCC == u {
				return true
			}
		}
		return false
	}
	bulk, err := uscc.Make("330411", 41)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadGraph(ctx, &neo4jstore.BulkGraph{
		Enterprises: []neo4jstore.BulkEnterprise{{USCC: bulk, Name: "批量", IsLocal: true, Founded: 2020, DataSource: "test"}},
		Makes:       []neo4jstore.BulkOffer{{USCC: bulk, ProductCode: "GLASS", Unit: "t"}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	before := ix.Stats().Fallbacks
	if !has(bulk) {
		t.Fatal("bulk-loaded maker not matched right after the load")
	}
	if ix.Stats().Fallbacks != before+1 || ix.Stats().Ready {
		t.Fatalf("after a bulk load the index must answer from the store until rebuilt: %+v", ix.Stats())
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); !st.Ready || st.Builds != 2 || !has(bulk) || ix.Stats().Fallbacks != st.Fallbacks {
		t.Fatalf("after rebuild: %+v", ix.Stats())
	}

	// A catalogue write (a product renamed) voids it too; after the
	// rebuild the new name is what the asker's needs carry.
	if err := s.UpsertProduct(ctx, chain.ProductRecord{Product: chain.Product{Code: "GLASS", Name: "光伏玻璃",
		NameEn: ptr("PV cover glass"), SegmentCode: ptr("PV-3")}}); err != nil {
		t.Fatal(err)
	}
	has(bulk)
	if ix.Stats().Ready {
		t.Fatal("index still ready after a catalogue write")
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := ix.MatchAsker(ctx, matchtest.Asker, nil)
	if err != nil {
		t.Fatal(err)
	}
	renamed := false
	for _, h := range a.Needs {
		renamed = renamed || (h.Product.Code == "GLASS" && str(h.Product.NameEn) == "PV cover glass")
	}
	if !renamed || !ix.Stats().Ready {
		t.Fatalf("after the rebuild: needs %+v, %+v", a.Needs, ix.Stats())
	}

	// A wipe: the asker is gone, as the store says.
	if err := s.DeleteAllData(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.MatchAsker(ctx, matchtest.Asker, nil); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("asker after a wipe: %v", err)
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); !st.Ready || st.Firms != 0 {
		t.Fatalf("after wipe and rebuild: %+v", st)
	}
}

// TestConcurrentMatchesDuringWrites runs matches on several goroutines
// while supply relations are added and removed, with the background loop
// running (go test -race); after every acknowledged write the next match
// reflects it, and at the end the index equals the store.
func TestConcurrentMatchesDuringWrites(t *testing.T) {
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ix := matchindex.New(s, s, matchindex.Config{Poll: 20 * time.Millisecond})
	go ix.Run(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for !ix.Stats().Ready {
		if time.Now().After(deadline) {
			t.Fatal("index not ready after 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	svc, err := match.NewService(ix, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	asker := gid.Encode(gid.Enterprise, matchtest.Asker)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				q := match.MatchQuery{EnterpriseID: asker}
				if _, err := svc.SupplierMatches(ctx, q); err != nil {
					errs <- err
					return
				}
				if _, err := svc.PartnerMatches(ctx, q); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 15; i++ {
		if err := s.AddSupplyRelation(ctx, enterprise.SupplyRelation{SupplierUSCC: matchtest.GlassFar, CustomerUSCC: matchtest.Asker}); err != nil {
			t.Fatal(err)
		}
		ms, err := svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: asker, LocalOnly: ptr(false), First: ptr(50)})
		if err != nil {
			t.Fatal(err)
		}
		if m := findMatch(ms, matchtest.GlassFar); m == nil || !m.ExistingRelation {
			t.Fatalf("round %d: added supply not reflected: %+v", i, m)
		}
		if ok, err := s.RemoveSupplyRelation(ctx, matchtest.GlassFar, matchtest.Asker, nil); err != nil || !ok {
			t.Fatalf("remove: %v %v", ok, err)
		}
		ms, err = svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: asker, LocalOnly: ptr(false), First: ptr(50)})
		if err != nil {
			t.Fatal(err)
		}
		if m := findMatch(ms, matchtest.GlassFar); m == nil || m.ExistingRelation {
			t.Fatalf("round %d: removed supply not reflected: %+v", i, m)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	q := match.CandidateQuery{Kind: match.Partners, AskerUSCC: matchtest.Asker, ProductCodes: []string{"MODULE"},
		PerKind: 100, Rank: match.NewRankKey(match.DefaultWeights())}
	want, err := s.MatchCandidates(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ix.MatchCandidates(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d := candidateDiff(want, got); d != "" {
		t.Fatal(d)
	}
	if st := ix.Stats(); st.Fallbacks != 0 {
		t.Fatalf("%d answers from the store during the run", st.Fallbacks)
	}
}
