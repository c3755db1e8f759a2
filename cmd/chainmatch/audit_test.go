package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/config"
)

// TestAuditTrailAppendOnly: every write the API offers (and their
// deletions of firms, relations, products and chains) leaves earlier audit
// entries in place; only `chainmatch audit purge` removes entries, older
// than the given instant, refuses without a reason or with a future
// instant, logs the purge and records it in the trail.
func TestAuditTrailAppendOnly(t *testing.T) {
	s := newSecServer(t, nil)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	old := []auth.AuditEntry{
		{ID: "old-1", At: now.Add(-3 * time.Hour), ActorID: "k1", ActorRole: auth.Partner, Field: "upsertEnterprise", OK: true},
		{ID: "old-2", At: now.Add(-2 * time.Hour), ActorID: "k1", ActorRole: auth.Partner, Field: "deleteEnterprise", OK: true},
		{ID: "recent", At: now.Add(-time.Minute), ActorID: "k1", ActorRole: auth.Partner, Field: "upsertEnterprise", OK: true},
	}
	if err := s.st.AppendAudit(ctx, old); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		es, _, err := s.st.AuditLog(ctx, 1000, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}

	// Every kind of write, including each deletion the API has.
	a, b := testUSCC(t, 770001), testUSCC(t, 770002)
	writes := []struct {
		doc  string
		vars map[string]any
	}{
		{upsertDoc, map[string]any{"in": enterpriseInput(a, "审计甲")}},
		{upsertDoc, map[string]any{"in": enterpriseInput(b, "审计乙")}},
		{`mutation($a: ID!, $b: ID!) { addSupplyRelation(input: {supplierId: $a, customerId: $b}) { since } }`, map[string]any{"a": a, "b": b}},
		{`mutation($a: ID!, $b: ID!) { removeSupplyRelation(supplierId: $a, customerId: $b) }`, map[string]any{"a": a, "b": b}},
		{`mutation($a: ID!) { deleteEnterprise(id: $a) }`, map[string]any{"a": a}},
		{`mutation { upsertProduct(input: {code: "AUD-P", name: "审计产品"}) { code } }`, nil},
		{`mutation { deleteProduct(id: "AUD-P") }`, nil},
		{`mutation { upsertChain(input: {code: "AUD-C", name: "审计链"}) { code } }`, nil},
		{`mutation { deleteChain(id: "AUD-C") }`, nil},
		{`mutation($in: [EnterpriseInput!]!) { importEnterprises(input: $in) { ok } }`, map[string]any{"in": []any{enterpriseInput(a, "审计丙")}}},
	}
	before := count()
	for _, w := range writes {
		s.gql(testAdminKey, w.doc, w.vars) // refused or not, each is audited
		if n := count(); n <= before {
			t.Errorf("after %.60s the trail has %d entries, had %d: an entry was lost or none written", w.doc, n, before)
		} else {
			before = n
		}
	}
	es, _, err := s.st.AuditLog(ctx, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range es {
		ids[e.ID] = true
	}
	for _, e := range old {
		if !ids[e.ID] {
			t.Errorf("audit entry %s disappeared during ordinary writes", e.ID)
		}
	}

	// The explicit purge: refusals first, nothing deleted by them.
	t.Setenv("CHAINMATCH_MODE", "prod")
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	cutoff := now.Add(-90 * time.Minute).Format(time.RFC3339)
	total := count()
	if err := auditCmd(ctx, cfg, log, []string{"purge", "--before", cutoff}); err == nil {
		t.Error("purge without a reason was accepted")
	}
	if err := auditCmd(ctx, cfg, log, []string{"purge", "--before", now.Add(time.Hour).Format(time.RFC3339), "--reason", "x"}); err == nil {
		t.Error("purge up to a future instant was accepted")
	}
	if n := count(); n != total {
		t.Fatalf("refused purges changed the trail: %d -> %d entries", total, n)
	}
	if err := auditCmd(ctx, cfg, log, []string{"purge", "--before", cutoff, "--reason", "retention test"}); err != nil {
		t.Fatal(err)
	}
	es, _, err = s.st.AuditLog(ctx, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != total-2+1 {
		t.Errorf("after the purge %d entries, want %d (two older purged, the purge recorded)", len(es), total-1)
	}
	var purge *auth.AuditEntry
	for i, e := range es {
		if e.ID == "old-1" || e.ID == "old-2" {
			t.Errorf("entry %s older than the cutoff survived", e.ID)
		}
		if e.Field == auth.PurgeField {
			purge = &es[i]
		}
	}
	if purge == nil || purge.OperationName != "retention test" || strings.Join(purge.ResultIDs, ",") != "2" ||
		!strings.HasPrefix(purge.ActorID, "cli:") || purge.ActorRole != auth.Admin {
		t.Errorf("the purge is not recorded in the trail as expected: %+v", purge)
	}
	var logged bool
	for _, line := range bytes.Split([]byte(logs.String()), []byte("\n")) {
		var e map[string]any
		if json.Unmarshal(line, &e) == nil && e["msg"] == "audit purge" && e["level"] == "WARN" &&
			e["purged"] == float64(2) && e["reason"] == "retention test" {
			logged = true
		}
	}
	if !logged {
		t.Errorf("the purge was not logged:\n%s", logs.String())
	}
}
