package demo

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"chainmatch/internal/chain"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// loadedFirms is what the store reads back for some firms: their records,
// contacts, designations, offers and needs.
type loadedFirms struct {
	Enterprises, Contacts, Designations, Offers, Needs any
}

func readFirms(t *testing.T, s *neo4jstore.Store, usccs []string) loadedFirms {
	t.Helper()
	ctx := context.Background()
	var f loadedFirms
	var err error
	if f.Enterprises, err = s.EnterprisesByUSCC(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	if f.Contacts, err = s.ContactsOf(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	if f.Designations, err = s.DesignationsOf(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	if f.Offers, err = s.OffersOf(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	if f.Needs, err = s.NeedsOf(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	return f
}

// The store writes a fresh graph with CREATE and one over existing data
// with MERGE; both must give the same graph, and a load over it must
// change nothing.
func TestFreshAndMergeLoadsGiveTheSameGraph(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	g := Generate(Options{Scale: 2000})
	g.BatchSize = 500 // several batches per kind, sent two at a time
	var sample []string
	for i := 0; i < len(g.Enterprises); i += 20 {
		sample = append(sample, g.Enterprises[i].USCC)
	}

	load := func(wantFresh bool) neo4jstore.BulkStats {
		t.Helper()
		stats, err := s.LoadGraph(ctx, &g.Graph, nil)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Fresh != wantFresh {
			t.Fatalf("load took the fresh path: %v, want %v", stats.Fresh, wantFresh)
		}
		return stats
	}
	count := func() neo4jstore.GraphCounts {
		t.Helper()
		c, err := s.CountGraph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	created := load(true)
	freshCounts, freshFirms := count(), readFirms(t, s, sample)
	if freshCounts.Nodes["Enterprise"] != int64(len(g.Enterprises)) || freshCounts.Relationships["SUPPLIES"] != int64(len(g.Supplies)) {
		t.Fatalf("fresh load: %v", freshCounts)
	}
	hits, err := s.Search(ctx, chain.SearchQuery{Names: g.Enterprises[0].Name, Limit: 5})
	if err != nil || !slices.ContainsFunc(hits, func(h chain.Hit) bool { return h.Key == g.Enterprises[0].USCC }) {
		t.Errorf("search for %s after the fresh load: %d hits, %v", g.Enterprises[0].Name, len(hits), err)
	}

	// The same graph merged: one catalogue node first makes it not fresh.
	if err := s.DeleteAllData(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadGraph(ctx, &neo4jstore.BulkGraph{Chains: g.Chains[:1]}, nil); err != nil {
		t.Fatal(err)
	}
	merged := load(false)
	mergedCounts := count()
	if !reflect.DeepEqual(freshCounts, mergedCounts) {
		t.Errorf("fresh and merge loads differ:\n fresh %v\nmerged %v", freshCounts, mergedCounts)
	}
	if !reflect.DeepEqual(freshFirms, readFirms(t, s, sample)) {
		t.Error("fresh and merge loads wrote different firm properties or relationships")
	}
	if created.NodeRows != merged.NodeRows || created.RelationshipRows != merged.RelationshipRows {
		t.Errorf("rows: fresh %+v, merge %+v", created, merged)
	}

	// Loading over it again is idempotent.
	load(false)
	if again := count(); !reflect.DeepEqual(again, mergedCounts) {
		t.Errorf("a second merge load changed the graph:\n%v\n%v", mergedCounts, again)
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Errorf("CheckMigrated after the loads: %v", err)
	}
}
