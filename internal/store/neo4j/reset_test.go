package neo4jstore_test

import (
	"context"
	"testing"

	"chainmatch/internal/demo"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func TestDeleteAllDataEmptiesTheGraphButKeepsTheSchema(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s, demo.Options{Scale: 200}); err != nil {
		t.Fatal(err)
	}
	if empty, err := s.IsEmpty(ctx); err != nil || empty {
		t.Fatalf("after demo load: empty=%v err=%v", empty, err)
	}
	if err := s.DeleteAllData(ctx); err != nil {
		t.Fatal(err)
	}
	counts, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for label, n := range counts.Nodes {
		if n != 0 {
			t.Errorf("%d %s nodes left", n, label)
		}
	}
	for typ, n := range counts.Relationships {
		if n != 0 {
			t.Errorf("%d %s relationships left", n, typ)
		}
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Fatalf("migration records lost: %v", err)
	}
}

// TestWipesKeepTheTestMarker: the marker that lets tests wipe a database
// survives both wipes, and TestMarker tells data from an empty graph.
func TestWipesKeepTheTestMarker(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	marked, holdsData, err := s.TestMarker(ctx)
	if err != nil || !marked || holdsData {
		t.Fatalf("after the per-test wipe: marked=%v holdsData=%v err=%v", marked, holdsData, err)
	}
	if _, err := demo.Load(ctx, s, demo.Options{Scale: 100}); err != nil {
		t.Fatal(err)
	}
	if marked, holdsData, err = s.TestMarker(ctx); err != nil || !marked || !holdsData {
		t.Fatalf("after a load: marked=%v holdsData=%v err=%v", marked, holdsData, err)
	}
	for name, wipe := range map[string]func(context.Context) error{"DeleteDomainData": s.DeleteDomainData, "DeleteAllData": s.DeleteAllData} {
		if err := wipe(ctx); err != nil {
			t.Fatal(err)
		}
		if marked, holdsData, err = s.TestMarker(ctx); err != nil || !marked || holdsData {
			t.Fatalf("after %s: marked=%v holdsData=%v err=%v", name, marked, holdsData, err)
		}
	}
}
