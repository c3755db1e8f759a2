package auth_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/auth"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestKeyCacheSharesLookupsAndForgetsRevokedKeys: many concurrent requests
// with one uncached key cost one read (and one lastUsedAt write), an
// unknown key is cached as unknown, and a revocation applies at once on
// this replica.
func TestKeyCacheSharesLookupsAndForgetsRevokedKeys(t *testing.T) {
	st := neo4jtest.Open(t)
	svc := auth.NewService(st, auth.Config{KeyCacheTTL: time.Minute})
	admin := auth.WithPrincipal(context.Background(), auth.Principal{ID: "a", Role: auth.Admin})
	created, err := svc.CreateKey(admin, "嘉兴平台", auth.Partner)
	if err != nil {
		t.Fatal(err)
	}

	var statements atomic.Int64
	ctx := neo4jstore.WithRoundTripCounter(context.Background(), &statements)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			p, err := svc.Authenticate(ctx, "Bearer "+created.Secret)
			if err == nil && (p.ID != created.Key.ID || p.Role != auth.Partner) {
				err = errors.New("wrong principal")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// One read of the key, shared by all 50, and one lastUsedAt write.
	if n := statements.Load(); n > 2 {
		t.Errorf("50 concurrent authentications of one key cost %d statements, want at most 2", n)
	}

	statements.Store(0)
	unknown := "Bearer cm_ffffffffffff_" + created.Secret[len("cm_ffffffffffff_"):]
	for range 3 {
		if _, err := svc.Authenticate(ctx, unknown); !errors.Is(err, auth.ErrInvalidCredential) {
			t.Fatalf("unknown key: %v", err)
		}
	}
	if n := statements.Load(); n > 1 {
		t.Errorf("three requests with one unknown key cost %d statements, want at most 1 (cached as unknown)", n)
	}

	if _, err := svc.RevokeKey(admin, created.Key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "Bearer "+created.Secret); !errors.Is(err, auth.ErrInvalidCredential) {
		t.Fatalf("revoked key still accepted: %v", err)
	}
}

// TestKeyLookupOutlivesTheCallerThatStartedIt: the shared key lookup is not
// tied to the first caller's context, so a client that hangs up does not
// fail (or re-cost) the requests that share its lookup.
func TestKeyLookupOutlivesTheCallerThatStartedIt(t *testing.T) {
	st := neo4jtest.Open(t)
	svc := auth.NewService(st, auth.Config{KeyCacheTTL: time.Minute})
	admin := auth.WithPrincipal(context.Background(), auth.Principal{ID: "a", Role: auth.Admin})
	created, err := svc.CreateKey(admin, "嘉兴平台", auth.Partner)
	if err != nil {
		t.Fatal(err)
	}

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := svc.Authenticate(gone, "Bearer "+created.Secret); !errors.Is(err, context.Canceled) {
		t.Fatalf("authentication with a cancelled context: %v, want context.Canceled", err)
	}

	// The lookup the cancelled caller started either is still running (and
	// this request joins it) or has filled the cache: either way this
	// request reads no key itself, only records lastUsedAt.
	var statements atomic.Int64
	ctx := neo4jstore.WithRoundTripCounter(context.Background(), &statements)
	p, err := svc.Authenticate(ctx, "Bearer "+created.Secret)
	if err != nil || p.ID != created.Key.ID {
		t.Fatalf("authentication after a cancelled caller: %+v, %v", p, err)
	}
	if n := statements.Load(); n > 1 {
		t.Errorf("the request after a cancelled caller cost %d statements, want at most 1 (the lookup is shared, not redone)", n)
	}
}
