// Package neo4jtest gives tests a real, migrated, empty Neo4j. Community
// Edition has a single user database, so tests isolate by wiping it and
// hold an exclusive cross-process lock while they use it: test packages run
// in parallel, their Neo4j tests take turns. A test never skips when Neo4j
// is unreachable; it fails and says how to start it.
//
// Tests use the test database (bolt://127.0.0.1:7688, the one `make test`
// starts) unless TEST_NEO4J_URI or NEO4J_URI says otherwise, and they wipe
// only a database that carries the test marker node
// (:ChainmatchTestDatabase). An empty database is marked on first use; one
// that holds data without the marker is refused, so a plain `go test` never
// empties the database `make run` serves. To hand such a database over to
// the tests on purpose, run them once with NEO4JTEST_CLAIM=1.
package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	neo4jstore "chainmatch/internal/store/neo4j"
)

// DefaultURI is the test database `make test` starts and the tests use
// when neither TEST_NEO4J_URI nor NEO4J_URI is set.
const DefaultURI = "bolt://127.0.0.1:7688"

// Config returns the connection settings the tests use: TEST_NEO4J_URI (or
// else NEO4J_URI, or else DefaultURI), NEO4J_USER, NEO4J_PASSWORD and
// NEO4J_DATABASE, with the local defaults of scripts/neo4j.sh.
func Config() neo4jstore.Config {
	return neo4jstore.Config{
		URI:      env("TEST_NEO4J_URI", env("NEO4J_URI", DefaultURI)),
		User:     env("NEO4J_USER", "neo4j"),
		Password: env("NEO4J_PASSWORD", "chainmatch-dev"),
		Database: env("NEO4J_DATABASE", "neo4j"),
	}
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

var (
	mu     sync.Mutex // serialises the tests of one process
	shared *neo4jstore.Store
)

// Open returns a store on an empty, migrated graph that only this test uses
// until it ends.
func Open(t testing.TB) *neo4jstore.Store {
	t.Helper()
	s := Locked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.DeleteAllData(ctx); err != nil {
		t.Fatalf("neo4jtest: wipe: %v", err)
	}
	return s
}

// Locked returns the migrated store with the lock held for the rest of the
// test, without wiping: for tests that load a fixture themselves and know
// what is in the graph.
func Locked(t testing.TB) *neo4jstore.Store {
	t.Helper()
	mu.Lock()
	unlock := lockFile(t)
	t.Cleanup(func() { unlock(); mu.Unlock() })
	return store(t)
}

func store(t testing.TB) *neo4jstore.Store {
	t.Helper()
	if shared != nil {
		return shared
	}
	cfg := Config()
	s, err := neo4jstore.Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("neo4jtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("neo4jtest: Neo4j at %s is not reachable (%v); start it with `NEO4J_URI=%s scripts/neo4j.sh ensure` or run `make test`", cfg.URI, err, cfg.URI)
	}
	if err := claim(ctx, s, cfg.URI); err != nil {
		t.Fatalf("neo4jtest: %v", err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("neo4jtest: migrate: %v", err)
	}
	shared = s
	return s
}

// claim makes sure the database is one the tests may wipe: it carries the
// test marker, or it is empty and gets it now, or NEO4JTEST_CLAIM=1 says to
// mark it although it holds data.
func claim(ctx context.Context, s *neo4jstore.Store, uri string) error {
	marked, holdsData, err := s.TestMarker(ctx)
	if err != nil {
		return err
	}
	switch {
	case marked:
		return nil
	case holdsData && os.Getenv("NEO4JTEST_CLAIM") != "1":
		return refusal(uri)
	}
	return s.MarkTestDatabase(ctx)
}

func refusal(uri string) error {
	return fmt.Errorf("refusing to wipe the database at %s: it holds data and no (:%s) marker node, so it may not be a test database. "+
		"Point TEST_NEO4J_URI at a test database (`make test` uses %s), or, if this one may be emptied, run the tests once with NEO4JTEST_CLAIM=1",
		uri, neo4jstore.TestDatabaseLabel, DefaultURI)
}

// lockFile takes an exclusive flock shared by every test process that uses
// the same Neo4j.
func lockFile(t testing.TB) func() {
	t.Helper()
	sum := sha256.Sum256([]byte(Config().URI))
	path := filepath.Join(os.TempDir(), "chainmatch-neo4jtest-"+hex.EncodeToString(sum[:6])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("neo4jtest: lock file: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("neo4jtest: lock: %v", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}
}
