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
