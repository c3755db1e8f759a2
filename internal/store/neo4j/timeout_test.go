package neo4jstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// A request's deadline becomes the Neo4j transaction timeout, so a query
// that would run for minutes is aborted by the server and reported as
// DATABASE_UNAVAILABLE promptly.
func TestDeadlineAbortsLongQuery(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := neo4jstore.CountSlowly(ctx, s)
	elapsed := time.Since(start)
	if !errors.Is(err, apperr.ErrUnavailable) || apperr.CodeOf(err) != apperr.DatabaseUnavailable {
		t.Fatalf("want DATABASE_UNAVAILABLE, got %v", err)
	}
	if elapsed > 10*time.Second { // unbounded, the count runs for minutes
		t.Fatalf("query ran %v after a 300ms deadline", elapsed)
	}
	// The server gave up too: Neo4j answers the next query at once.
	pctx, pcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer pcancel()
	if err := s.Ping(pctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("aborted after %v", elapsed)
}

func TestTxTimeoutFollowsDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if d := neo4jstore.TxTimeoutFor(ctx); d <= 0 || d > 2*time.Second {
		t.Fatalf("timeout %v, want <= 2s", d)
	}
	if d := neo4jstore.TxTimeoutFor(context.Background()); d != 30*time.Second {
		t.Fatalf("no deadline: %v", d)
	}
	// A bulk batch may take longer than a request, but still not longer
	// than its caller's deadline.
	if d := neo4jstore.BulkTxTimeoutFor(context.Background()); d != 10*time.Minute {
		t.Fatalf("bulk statement without a deadline: %v, want 10m", d)
	}
	if d := neo4jstore.BulkTxTimeoutFor(ctx); d <= 0 || d > 2*time.Second {
		t.Fatalf("bulk statement under a 2 s deadline: %v", d)
	}
}
