package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"chainmatch/internal/config"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// FuzzGraphQLRequest posts arbitrary bodies to the full handler: it must
// never panic, never answer 5xx, and never leak internals. Seeds live in
// testdata/fuzz/FuzzGraphQLRequest.
func FuzzGraphQLRequest(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ chains { code } }"}`,
		`{"query":"{ enterprises(first: 5) { edges { node { name contact { phone } } } } }"}`,
		`{"query":"mutation { deleteEnterprise(id: \"x\") }"}`,
		`{"query":"query($n: Int) { products(first: $n) { totalCount } }","variables":{"n":1e308}}`,
		`[{"query":"{ chains { code } }"}]`,
		`{"query":"{ __schema { types { name } } }"}`,
		`{"query":"fragment A on Query { ...A } { ...A }"}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`,
		`{"query":"{ search(text: \"光伏\") { score } }"}`,
		`{"query":1}`, `null`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	// The requests are anonymous, so they change no data, but a refused
	// mutation is still audited: a write. Under plain `go test` (the seed
	// corpus, while other packages' tests share the database) hold the
	// shared test lock like every other test. When fuzzing, workers are
	// separate processes that cannot take the lock the coordinator holds;
	// `make fuzz` runs alone, after the tests.
	if fuzzing := flag.Lookup("test.fuzz"); fuzzing == nil || fuzzing.Value.String() == "" {
		neo4jtest.Locked(f)
	}
	st, err := neo4jstore.Open(neo4jtest.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close(context.Background()) })
	f.Setenv("CHAINMATCH_MODE", "prod")
	f.Setenv("CHAINMATCH_RATE_LIMITS", "anonymous=0:0,partner=0:0,staff=0:0,admin=0:0")
	cfg, err := config.Load()
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", res.StatusCode, body, b)
		}
		if bytes.Contains(b, []byte("goroutine ")) || bytes.Contains(b, []byte(".go:")) {
			t.Fatalf("leak for %q: %s", body, b)
		}
	})
}
