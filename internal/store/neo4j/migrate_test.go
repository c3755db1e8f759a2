package neo4jstore_test

import (
	"context"
	"testing"

	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func TestMigrateIsIdempotentAndMarksReady(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	// neo4jtest already migrated; a second run applies nothing.
	applied, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %v, want nothing", applied)
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Fatalf("CheckMigrated: %v", err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if neo4jstore.LatestMigration() < 2 {
		t.Fatalf("latest migration %d", neo4jstore.LatestMigration())
	}
}

// A fresh bulk load drops the full-text index while it writes; if it was
// killed before rebuilding it, CheckMigrated says so and Migrate repairs it.
func TestMigrateRestoresAMissingFullTextIndex(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if err := neo4jstore.DropNameSearch(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckMigrated(ctx); err == nil {
		t.Fatal("CheckMigrated passed without the full-text index")
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if state, err := neo4jstore.NameSearchState(ctx, s); err != nil || state != "ONLINE" {
		t.Fatalf("full-text index after Migrate: %q, %v", state, err)
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Fatalf("CheckMigrated after Migrate: %v", err)
	}
}
