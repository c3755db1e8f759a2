package demo

import (
	"context"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestResetKeepsAPIKeysAndAuditTrail: `demo --reset` replaces the business
// graph only; `--reset-all` (ResetAll) deletes keys and audit entries too.
func TestResetKeepsAPIKeysAndAuditTrail(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := s.CreateAPIKey(ctx, auth.APIKey{ID: "0123456789ab", Name: "平台", Role: auth.Partner,
		Prefix: "cm_0123456789ab", Salt: "00", Hash: "ff", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, []auth.AuditEntry{{ID: "a1", At: at, ActorID: "0123456789ab", ActorRole: auth.Partner,
		Field: "upsertEnterprise", OK: true, RequestID: "r1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, s, Options{Scale: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, s, Options{Scale: 50, Reset: true}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Nodes["Enterprise"] != 50 {
		t.Errorf("after --reset with scale 50: %d enterprises", counts.Nodes["Enterprise"])
	}
	keys, err := s.APIKeys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("after --reset: %d API keys (want 1), err %v", len(keys), err)
	}
	entries, _, err := s.AuditLog(ctx, 10, nil)
	if err != nil || len(entries) != 1 {
		t.Fatalf("after --reset: %d audit entries (want 1), err %v", len(entries), err)
	}

	if _, err := Load(ctx, s, Options{Scale: 50, ResetAll: true}); err != nil {
		t.Fatal(err)
	}
	if keys, err := s.APIKeys(ctx); err != nil || len(keys) != 0 {
		t.Fatalf("after --reset-all: %d API keys (want 0), err %v", len(keys), err)
	}
	if entries, _, err := s.AuditLog(ctx, 10, nil); err != nil || len(entries) != 0 {
		t.Fatalf("after --reset-all: %d audit entries (want 0), err %v", len(entries), err)
	}
}
