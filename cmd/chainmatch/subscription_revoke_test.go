package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"

	"chainmatch/internal/config"
)

// A subscription lives only as long as its credential: when its API key is
// revoked, the server closes the connection with 4403 (and so ends its
// subscriptions) within CHAINMATCH_KEY_CACHE_TTL (the recheck interval, at
// most 10 s) on the replica that revoked it, and within twice that on
// another replica, whose key cache may still hold the key. Two handlers
// over one database stand for two replicas (each has its own key cache).
func TestRevokedKeyEndsItsSubscriptionsOnEveryReplica(t *testing.T) {
	const ttl = time.Second
	s := newSecServer(t, map[string]string{"CHAINMATCH_KEY_CACHE_TTL": ttl.String()})
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(newHandler(cfg, s.st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(other.Close)
	s2 := &secServer{t: t, url: other.URL, st: s.st}

	keyID, partner := s.createKey("revoked partner", "PARTNER")
	_, kept := s.createKey("kept partner", "PARTNER")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	here, err := s.dialWS(ctx, partner, "")
	if err != nil {
		t.Fatal(err)
	}
	there, err := s2.dialWS(ctx, partner, "")
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := s2.dialWS(ctx, kept, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*wsClient{here, there, bystander} {
		c.subscribe(ctx, "c", subscribeChanges, nil)
	}
	time.Sleep(500 * time.Millisecond) // the subscriptions start at the end of the log
	s.mustGQL(partner, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, 700), "吊销前企业")})
	for _, c := range []*wsClient{here, there, bystander} {
		if got, err := c.collect(ctx, func(wsEvent) bool { return true }); err != nil || got[0].Kind != "ENTERPRISE_CREATED" {
			t.Fatalf("event before the revocation: %+v %v", got, err)
		}
	}

	s.mustGQL(testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": keyID})
	revoked := time.Now()
	closed := func(c *wsClient) time.Duration {
		_, err := c.next(ctx)
		if websocket.CloseStatus(err) != 4403 {
			t.Fatalf("after the revocation: %v, want close 4403", err)
		}
		return time.Since(revoked)
	}
	tookHere, tookThere := closed(here), closed(there)
	t.Logf("revoked key's subscription closed after %s on the revoking replica, %s on the other (recheck and key cache TTL %s)",
		tookHere.Round(time.Millisecond), tookThere.Round(time.Millisecond), ttl)
	if tookHere > ttl+2*time.Second || tookThere > 2*ttl+2*time.Second {
		t.Errorf("closed after %s and %s: beyond the documented bound (recheck %s, + key cache TTL on other replicas)", tookHere, tookThere, ttl)
	}
	if _, err := s2.dialWS(ctx, partner, ""); websocket.CloseStatus(err) != 4403 {
		t.Fatalf("reconnect with the revoked key: %v, want close 4403", err)
	}

	// Another key's subscription on the same replica goes on.
	s.mustGQL(kept, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, 701), "吊销后企业")})
	if got, err := bystander.collect(ctx, func(wsEvent) bool { return true }); err != nil || got[0].Kind != "ENTERPRISE_CREATED" {
		t.Fatalf("bystander after the revocation: %+v %v", got, err)
	}
}

// A subscription opened with a JWT ends when the token expires: the
// recheck verifies it again (exp with the configured leeway, 30 s) and
// closes the connection with 4403; a reconnect with it is refused.
func TestExpiredJWTEndsItsSubscriptions(t *testing.T) {
	const ttl = time.Second
	secret := strings.Repeat("e", 40)
	s := newSecServer(t, map[string]string{"CHAINMATCH_KEY_CACHE_TTL": ttl.String(), "CHAINMATCH_JWT_HS256_SECRET": secret})
	sign := func(exp time.Time) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "li.si", "role": "staff", "exp": exp.Unix()}).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Past exp but within the 30 s leeway for about two more seconds.
	expiring := sign(time.Now().Add(-28 * time.Second))
	lasting := sign(time.Now().Add(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := s.dialWS(ctx, expiring, "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.dialWS(ctx, lasting, "")
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(ctx, "c", subscribeChanges, nil)
	other.subscribe(ctx, "c", subscribeChanges, nil)
	opened := time.Now()
	if _, err := c.next(ctx); websocket.CloseStatus(err) != 4403 {
		t.Fatalf("after the token expired: %v, want close 4403", err)
	}
	t.Logf("expired token's subscription closed %s after it was opened (recheck %s)", time.Since(opened).Round(time.Millisecond), ttl)
	if _, err := s.dialWS(ctx, expiring, ""); websocket.CloseStatus(err) != 4403 {
		t.Fatalf("reconnect with the expired token: %v, want close 4403", err)
	}
	// The lasting token's subscription goes on.
	s.mustGQL(lasting, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, 702), "令牌未过期企业")})
	if got, err := other.collect(ctx, func(wsEvent) bool { return true }); err != nil || got[0].Kind != "ENTERPRISE_CREATED" {
		t.Fatalf("lasting token after the other expired: %+v %v", got, err)
	}
}
