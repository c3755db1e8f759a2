package matchindex_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
	"chainmatch/internal/matchindex"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// countingSource counts the head reads of an index.
type countingSource struct {
	matchindex.Source
	heads atomic.Int32
}

func (c *countingSource) MatchIndexHead(ctx context.Context) (matchindex.Head, error) {
	c.heads.Add(1)
	return c.Source.MatchIndexHead(ctx)
}

// One operation of the match service reads the graph's head once (its
// snapshot), not once per read; a write acknowledged while a snapshot is
// held is not in it but in the next operation; a catch-up that waits for
// the snapshot does not block the snapshot's own reads (no deadlock on
// the read lock), and completes once it is released.
func TestOneSnapshotPerOperation(t *testing.T) {
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	ctx := context.Background()
	src := &countingSource{Source: s}
	ix := matchindex.New(src, s, matchindex.Config{Poll: time.Hour, PageSize: 300})
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	svc, err := match.NewService(ix, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	asker := gid.Encode(gid.Enterprise, matchtest.Asker)
	all := match.MatchQuery{EnterpriseID: asker, First: ptr(50), LocalOnly: ptr(false)}

	heads := func(what string, op func() error) {
		t.Helper()
		before := src.heads.Load()
		if err := op(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n := src.heads.Load() - before; n != 1 {
			t.Fatalf("%s read the head %d times, want once", what, n)
		}
	}
	heads("supplierMatches (very product, then near fits)", func() error { _, err := svc.SupplierMatches(ctx, all); return err })
	heads("partnerMatches", func() error { _, err := svc.PartnerMatches(ctx, all); return err })
	heads("chainGaps with candidates", func() error {
		_, err := svc.ChainGaps(ctx, gid.Encode(gid.Chain, "PV"), ptr(10), 5)
		return err
	})
	if st := ix.Stats(); st.Fallbacks != 0 {
		t.Fatalf("answered from Cypher: %+v", st)
	}

	// A snapshot is held while a new maker of glass is written.
	snapCtx, release := ix.Snapshot(ctx)
	defer release()
	maker, err := uscc.Make("330411", 41)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{{
		Enterprise: enterprise.Enterprise{USCC: maker, Name: "快照外的玻璃厂", IsLocal: true,
			Location: &geo.Point{Latitude: matchtest.Base.Lat, Longitude: matchtest.Base.Lon + 0.01}},
		Products: []enterprise.ProductOffer{{ProductCode: "GLASS"}},
	}}); err != nil {
		t.Fatal(err)
	}
	// suppliers lists the asker's suppliers in the background.
	suppliers := func(ctx context.Context) <-chan []match.Match {
		out := make(chan []match.Match, 1)
		go func() {
			ms, err := svc.SupplierMatches(ctx, all)
			if err != nil {
				t.Error(err)
			}
			out <- ms
		}()
		return out
	}
	// Another request catches up meanwhile: it waits for the snapshot.
	later := suppliers(ctx)
	time.Sleep(200 * time.Millisecond) // let it reach the lock (the test holds either way)
	inside := suppliers(snapCtx)
	select {
	case ms := <-inside:
		if findMatch(ms, maker) != nil {
			t.Fatal("a write made after the snapshot was taken is in it")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("a read inside the snapshot blocked behind a waiting catch-up (deadlock)")
	}
	release()
	select {
	case ms := <-later:
		if m := findMatch(ms, maker); m == nil || m.Fit != match.FitProduct {
			t.Fatalf("the acknowledged write is missing after the snapshot: %+v", m)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the catch-up never completed after the snapshot was released")
	}
}
