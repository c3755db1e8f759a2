package neo4jstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func TestAPIKeyRoundTrip(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	k := auth.APIKey{ID: "0123456789ab", Name: "嘉兴平台", Role: auth.Partner, Prefix: "cm_0123456789ab", Salt: "00", Hash: "ff", CreatedAt: at}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(ctx, k); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("duplicate id: want ErrConflict, got %v", err)
	}
	got, err := s.APIKey(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != k.Name || got.Role != k.Role || got.Hash != k.Hash || !got.CreatedAt.Equal(at) || got.RevokedAt != nil || got.LastUsedAt != nil {
		t.Fatalf("got %+v", got)
	}
	if _, err := s.APIKey(ctx, "ffffffffffff"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	if err := s.TouchAPIKey(ctx, k.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	r1, err := s.RevokeAPIKey(ctx, k.ID, at.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.RevokeAPIKey(ctx, k.ID, at.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !r1.RevokedAt.Equal(at.Add(2*time.Hour)) || !r2.RevokedAt.Equal(*r1.RevokedAt) || !r2.LastUsedAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("revocation kept first time? r1=%v r2=%v last=%v", r1.RevokedAt, r2.RevokedAt, r2.LastUsedAt)
	}
	if _, err := s.RevokeAPIKey(ctx, "ffffffffffff", at); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("revoke missing: %v", err)
	}
	all, err := s.APIKeys(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("list: %v %v", all, err)
	}
}

func TestAuditLogPages(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	var es []auth.AuditEntry
	for i := range 5 {
		es = append(es, auth.AuditEntry{ID: string(rune('a' + i)), At: base.Add(time.Duration(i) * time.Second),
			ActorID: "k1", ActorRole: auth.Partner, Field: "upsertEnterprise", ArgumentIDs: []string{"x"}, OK: i%2 == 0})
	}
	if err := s.AppendAudit(ctx, es); err != nil {
		t.Fatal(err)
	}
	page, more, err := s.AuditLog(ctx, 2, nil)
	if err != nil || !more || len(page) != 2 || page[0].ID != "e" || page[1].ID != "d" {
		t.Fatalf("page 1: %+v more=%v err=%v", page, more, err)
	}
	if page[0].ResultIDs == nil || len(page[0].ArgumentIDs) != 1 || !page[0].OK {
		t.Fatalf("fields: %+v", page[0])
	}
	cur := auth.AuditCursor{At: page[1].At, ID: page[1].ID}
	page, more, err = s.AuditLog(ctx, 10, &cur)
	if err != nil || more || len(page) != 3 || page[0].ID != "c" || page[2].ID != "a" {
		t.Fatalf("page 2: %+v more=%v err=%v", page, more, err)
	}
}
