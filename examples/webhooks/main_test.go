package main

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/webhook"
)

// The receiver accepts what chainmatch signs, once per webhook-id, and
// refuses tampered, foreign and stale deliveries.
func TestReceiverVerifiesChainmatchSignatures(t *testing.T) {
	secret, _ := webhook.NewSecret()
	var processed []string
	rc := &Receiver{Secret: secret, Process: func(b []byte) { processed = append(processed, string(b)) }}
	body := []byte(`{"type":"ENTERPRISE_CREATED","id":"ev-1","at":"2026-01-01T00:00:00Z","data":{"entityId":"RW50"}}`)
	send := func(id string, ts int64, body []byte, sig string) int {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("webhook-signature", sig)
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		return rec.Code
	}
	now := time.Now().Unix()
	sig, _ := webhook.Sign(secret, "ev-1", now, body)
	if code := send("ev-1", now, body, sig); code != 204 {
		t.Fatalf("valid delivery: %d", code)
	}
	if code := send("ev-1", now, body, sig); code != 204 || len(processed) != 1 {
		t.Fatalf("redelivery: %d, processed %d times", code, len(processed))
	}
	other, _ := webhook.NewSecret()
	foreign, _ := webhook.Sign(other, "ev-2", now, body)
	stale, _ := webhook.Sign(secret, "ev-3", now-3600, body)
	for name, code := range map[string]int{
		"tampered body":  send("ev-1", now, []byte(strings.Replace(string(body), "RW50", "RW51", 1)), sig),
		"other secret":   send("ev-2", now, body, foreign),
		"stale":          send("ev-3", now-3600, body, stale),
		"unsigned":       send("ev-4", now, body, ""),
		"id not matched": send("ev-9", now, body, sig),
	} {
		if code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if len(processed) != 1 {
		t.Fatalf("processed %d deliveries", len(processed))
	}
}
