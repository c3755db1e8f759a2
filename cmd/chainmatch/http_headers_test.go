package main

import (
	"bufio"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestCachingAndRateLimitHeaders: GET answers say how long they may be
// reused and what they vary on; every answer carries the IETF RateLimit
// fields of the caller's bucket.
func TestCachingAndRateLimitHeaders(t *testing.T) {
	s := newSecServer(t, map[string]string{"CHAINMATCH_RATE_LIMITS": "anonymous=1:5,partner=1000:1000,staff=1000:1000,admin=1000:1000"})
	get := func(token string) http.Header {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.url+"/graphql?query="+url.QueryEscape(`{ chains { code } }`), nil)
		req.Header.Set("Origin", "https://app.example")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", res.StatusCode)
		}
		return res.Header
	}
	h := get("")
	if h.Get("Cache-Control") != "private, max-age=10" {
		t.Errorf("anonymous GET Cache-Control %q", h.Get("Cache-Control"))
	}
	vary := strings.Join(h.Values("Vary"), ", ")
	for _, v := range []string{"Authorization", "Accept-Language", "Origin", "Accept"} {
		if !strings.Contains(vary, v) {
			t.Errorf("Vary %q lacks %s", vary, v)
		}
	}
	if h.Get("RateLimit-Limit") != "5" || h.Get("RateLimit-Remaining") != "4" || h.Get("RateLimit-Reset") == "" {
		t.Errorf("RateLimit fields: limit %q remaining %q reset %q", h.Get("RateLimit-Limit"), h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset"))
	}
	if h2 := get(""); h2.Get("RateLimit-Remaining") != "3" {
		t.Errorf("second request: remaining %q", h2.Get("RateLimit-Remaining"))
	}
	if h := get(testAdminKey); h.Get("Cache-Control") != "no-store" || h.Get("RateLimit-Limit") != "1000" {
		t.Errorf("authenticated GET: Cache-Control %q RateLimit-Limit %q", h.Get("Cache-Control"), h.Get("RateLimit-Limit"))
	}
	if _, h, _ := s.raw(http.MethodPost, "application/json", []byte(`{"query":"{ chains { code } }"}`), nil); h.Get("Cache-Control") != "no-store" || h.Get("RateLimit-Remaining") == "" {
		t.Errorf("POST: Cache-Control %q RateLimit-Remaining %q", h.Get("Cache-Control"), h.Get("RateLimit-Remaining"))
	}
	// Drain the anonymous bucket: the 429 says when it refills.
	var status int
	var h429 http.Header
	for range 10 {
		status, h429, _ = s.raw(http.MethodPost, "application/json", []byte(`{"query":"{ chains { code } }"}`), nil)
		if status == http.StatusTooManyRequests {
			break
		}
	}
	if reset, _ := strconv.Atoi(h429.Get("RateLimit-Reset")); status != http.StatusTooManyRequests || h429.Get("RateLimit-Remaining") != "0" || reset < 1 || h429.Get("Cache-Control") != "no-store" {
		t.Errorf("429: status %d remaining %q reset %q cache %q", status, h429.Get("RateLimit-Remaining"), h429.Get("RateLimit-Reset"), h429.Get("Cache-Control"))
	}
}

// TestDeferDeliversIncrementally: @defer is real. A client that accepts
// multipart/mixed gets the initial part first and the deferred fragments
// as incremental parts; a client that does not gets one complete answer.
func TestDeferDeliversIncrementally(t *testing.T) {
	s := newSecServer(t, nil)
	s.mustGQL(testAdminKey, `mutation { upsertChain(input: {code: "DEF", name: "延迟链", segments: [{code: "DEF-1", name: "上游", stage: UPSTREAM}, {code: "DEF-2", name: "下游", stage: DOWNSTREAM}]}) { id } }`, nil)
	body := []byte(`{"query":"{ chains { code ... @defer(label: \"segs\") { segments { code } } } }"}`)
	status, h, b := s.raw(http.MethodPost, "application/json", body, map[string]string{"Accept": "multipart/mixed; deferSpec=20220824, application/json"})
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if status != http.StatusOK || err != nil || mt != "multipart/mixed" {
		t.Fatalf("status %d %q: %s", status, h.Get("Content-Type"), b)
	}
	mr := multipart.NewReader(bufio.NewReader(strings.NewReader(string(b))), params["boundary"])
	var parts []map[string]json.RawMessage
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		var part map[string]json.RawMessage
		if err := json.NewDecoder(p).Decode(&part); err != nil {
			t.Fatalf("part: %v", err)
		}
		parts = append(parts, part)
	}
	if len(parts) < 2 {
		t.Fatalf("want an initial and an incremental part, got %d: %s", len(parts), b)
	}
	if !strings.Contains(string(parts[0]["data"]), `"segments":null`) || string(parts[0]["hasNext"]) != "true" {
		t.Errorf("initial part: %s", parts[0]["data"])
	}
	last := parts[len(parts)-1]
	all := ""
	for _, p := range parts[1:] {
		all += string(p["incremental"])
	}
	if !strings.Contains(all, `"DEF-1"`) || !strings.Contains(all, `"label":"segs"`) || string(last["hasNext"]) != "false" {
		t.Errorf("incremental parts: %s (last %v)", all, last)
	}
	// One JSON answer, deferred fragments merged in.
	r := s.mustGQL("", `{ chains { code ... @defer(label: "segs") { segments { code } } } }`, nil)
	if got := string(r.Data["chains"]); got != `[{"code":"DEF","segments":[{"code":"DEF-1"},{"code":"DEF-2"}]}]` {
		t.Errorf("merged answer: %s", got)
	}
}
