package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"chainmatch/internal/config"
)

// localNeo4j is a Neo4j of this test's own, started and stopped with
// scripts/neo4j.sh on a free port, so that stopping it cannot disturb the
// shared test database.
type localNeo4j struct {
	t    *testing.T
	port int
	data string
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (n *localNeo4j) script(args ...string) {
	n.t.Helper()
	root, _ := filepath.Abs("../..")
	cmd := exec.Command(filepath.Join(root, "scripts/neo4j.sh"), args...)
	cmd.Env = append(os.Environ(),
		"NEO4J_BOLT_PORT="+strconv.Itoa(n.port),
		"NEO4J_DATA_DIR="+n.data,
		"NEO4J_HEAP=512m", "NEO4J_PAGECACHE=64m",
		// A loaded machine can take minutes to start a JVM and Neo4j.
		"NEO4J_START_TIMEOUT=400")
	out, err := cmd.CombinedOutput()
	if err != nil {
		n.t.Fatalf("neo4j.sh %v: %v\n%s", args, err, out)
	}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func postQuery(t *testing.T, url, query string) (gqlResponse, time.Duration) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	start := time.Now()
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return out, time.Since(start)
}

func readyStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func eventually(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s did not happen within %s", what, within)
}

// TestServerSurvivesNeo4jRestart proves the foundation's promises: /readyz
// flips to 503 when Neo4j goes away, queries then fail promptly with
// DATABASE_UNAVAILABLE (no hang, no driver text), and everything recovers
// by itself when Neo4j is back.
func TestServerSurvivesNeo4jRestart(t *testing.T) {
	n := &localNeo4j{t: t, port: freePort(t), data: t.TempDir()}
	n.script("start")
	t.Cleanup(func() { n.script("stop") })

	t.Setenv("NEO4J_URI", "bolt://127.0.0.1:"+strconv.Itoa(n.port))
	t.Setenv("NEO4J_PASSWORD", "chainmatch-dev")
	t.Setenv("NEO4J_MAX_RETRY", "1s")
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := openStore(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go prepareSchema(ctx, cfg, st, log)
	srv := httptest.NewServer(newHandler(cfg, st, log))
	defer srv.Close()

	const query = `{ districts { code name } }`
	eventually(t, "ready", 60*time.Second, func() bool { return readyStatus(t, srv.URL) == http.StatusOK })
	if r, _ := postQuery(t, srv.URL, query); len(r.Errors) > 0 || string(r.Data) != `{"districts":[]}` {
		t.Fatalf("query on a healthy, empty graph: data=%s errors=%+v", r.Data, r.Errors)
	}

	n.script("stop")
	eventually(t, "readyz 503 after Neo4j stopped", 30*time.Second, func() bool {
		return readyStatus(t, srv.URL) == http.StatusServiceUnavailable
	})
	r, took := postQuery(t, srv.URL, query)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "DATABASE_UNAVAILABLE" {
		t.Fatalf("query with Neo4j down: want DATABASE_UNAVAILABLE, got data=%s errors=%+v", r.Data, r.Errors)
	}
	for _, leak := range []string{"bolt", "neo4j", "127.0.0.1", "connect"} {
		if bytes.Contains(bytes.ToLower([]byte(r.Errors[0].Message)), []byte(leak)) {
			t.Errorf("error message leaks %q: %s", leak, r.Errors[0].Message)
		}
	}
	// A generous bound that only a hang would break.
	if took > 20*time.Second {
		t.Fatalf("query with Neo4j down took %s: it must fail promptly, not hang", took)
	}
	t.Logf("DATABASE_UNAVAILABLE after %s", took.Round(time.Millisecond))

	n.script("start")
	eventually(t, "readyz 200 after Neo4j restarted", 60*time.Second, func() bool {
		return readyStatus(t, srv.URL) == http.StatusOK
	})
	eventually(t, "queries answer again", 30*time.Second, func() bool {
		r, _ := postQuery(t, srv.URL, query)
		return len(r.Errors) == 0 && string(r.Data) == `{"districts":[]}`
	})
}

func TestHealthzAlwaysAnswersAndUnknownCommandFails(t *testing.T) {
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Neo4jURI = "bolt://127.0.0.1:1" // nothing listens there
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := openStore(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	h := newHandler(cfg, st, log)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 503} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("%s: status %d, want %d", path, rec.Code, want)
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", path)
		}
	}
	if err := run(context.Background(), []string{"frobnicate"}); err == nil {
		t.Fatal("unknown command succeeded")
	}
}
