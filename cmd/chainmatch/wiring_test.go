package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"chainmatch/internal/config"
	"chainmatch/internal/demo"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestWiredServerOnDemoData drives the fully wired server (services,
// loaders, language negotiation, HTTP layer) over real HTTP on a small demo
// graph in the real Neo4j.
func TestWiredServerOnDemoData(t *testing.T) {
	st := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Scale: 300}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	srv := httptest.NewServer(newHandler(cfg, st, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()

	post := func(lang, query string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if out["errors"] != nil {
			t.Fatalf("errors: %v", out["errors"])
		}
		return out["data"].(map[string]any)
	}

	// A local firm that needs something: its supplier matches explain themselves.
	data := post("", `{ enterprises(filter: {isLocal: true}, first: 50) { edges { node { id needs { product { code } } } } } }`, nil)
	var id string
	for _, e := range data["enterprises"].(map[string]any)["edges"].([]any) {
		n := e.(map[string]any)["node"].(map[string]any)
		if len(n["needs"].([]any)) > 0 {
			id = n["id"].(string)
			break
		}
	}
	if id == "" {
		t.Fatal("no local firm with needs in the demo graph")
	}
	const q = `query($id: ID!) { supplierMatches(input: {enterpriseId: $id, localOnly: false, first: 3}) { reasons } }`
	reasons := func(lang string) string {
		ms := post(lang, q, map[string]any{"id": id})["supplierMatches"].([]any)
		if len(ms) == 0 {
			t.Fatalf("no supplier matches for %s", id)
		}
		var b strings.Builder
		for _, m := range ms {
			for _, r := range m.(map[string]any)["reasons"].([]any) {
				b.WriteString(r.(string) + "\n")
			}
		}
		return b.String()
	}
	zh, en := reasons(""), reasons("en-US,en;q=0.9")

	// Every GraphQL request's log line counts the Neo4j statements it cost.
	var lines int
	for _, line := range strings.Split(logs.String(), "\n") {
		var entry struct {
			Msg        string `json:"msg"`
			Path       string `json:"path"`
			Statements int    `json:"neo4j_statements"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Msg != "request" || entry.Path != "/graphql" {
			continue
		}
		lines++
		if entry.Statements < 1 {
			t.Errorf("access log line counts no Neo4j statement: %s", line)
		}
	}
	if lines != 3 {
		t.Errorf("%d GraphQL access log lines, want 3", lines)
	}
	if !strings.Contains(zh, "生产您需要的") {
		t.Errorf("default reasons are not Chinese:\n%s", zh)
	}
	if !strings.Contains(en, "you need") || strings.Contains(en, "生产您需要的") {
		t.Errorf("Accept-Language en did not give English reasons:\n%s", en)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
