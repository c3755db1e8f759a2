package neo4jstore_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
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

// Several replicas starting at once over a database that was never
// migrated (a fresh cluster rolled out with three API pods) all succeed, and
// each migration is recorded exactly once with its schema in place.
func TestConcurrentMigrateFromScratchRecordsEachVersionOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	t.Cleanup(func() {
		// Leave the schema as every other test expects it, even on failure.
		if _, err := s.Migrate(ctx); err != nil {
			t.Errorf("restore schema: %v", err)
		}
	})
	if err := neo4jstore.DropSchemaAndMigrations(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckMigrated(ctx); err == nil {
		t.Fatal("CheckMigrated passed on a database without schema")
	}

	const replicas = 3
	stores := make([]*neo4jstore.Store, replicas)
	for i := range stores {
		r, err := neo4jstore.Open(neo4jtest.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close(ctx) })
		stores[i] = r
	}
	errs := make([]error, replicas)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, r := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			_, errs[i] = r.Migrate(ctx)
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}

	records, err := neo4jstore.MigrationRecords(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= neo4jstore.LatestMigration(); v++ {
		if records[v] != 1 {
			t.Errorf("migration %d recorded %d times, want 1 (records %v)", v, records[v], records)
		}
	}
	for i, r := range stores {
		if err := r.CheckMigrated(ctx); err != nil {
			t.Errorf("replica %d CheckMigrated: %v", i, err)
		}
	}
}
