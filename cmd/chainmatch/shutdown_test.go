package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/config"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestServeDrainsInFlightRequestsOnShutdown starts `serve`, holds a GraphQL
// request open (its body half sent), signals shutdown, then finishes the
// request: it must still be answered, and serve must return cleanly.
func TestServeDrainsInFlightRequestsOnShutdown(t *testing.T) {
	port := freePort(t)
	cfg := serveConfig(t, "127.0.0.1:"+strconv.Itoa(port), nil)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	eventually(t, "ready", 30*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	body := `{"query":"{ districts { code } }"}`
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server has read the headers: the request is in flight

	stop() // what SIGTERM does
	eventually(t, "listener closed after shutdown began", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request was cut off: %v", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"districts"`) {
		t.Fatalf("in-flight request: %d %s", resp.StatusCode, raw)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return after draining")
	}
}

// TestServeStopsSchemaWorkBeforeClosingStore makes serve fail right after
// the background migration has started (its address is taken): serve must
// stop and wait for the migration before closing the driver. Under -race a
// Close during the migration's connection borrow is reported as a data race.
func TestServeStopsSchemaWorkBeforeClosingStore(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := serveConfig(t, taken.Addr().String(), nil)
	for range 20 {
		err := serve(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "listen on") {
			t.Fatalf("serve on a taken address: %v", err)
		}
	}
}

// TestServeProfilerOnItsOwnListener: CHAINMATCH_PPROF serves Go's profiler
// on a separate loopback port, never on the API's, and stops with serve.
func TestServeProfilerOnItsOwnListener(t *testing.T) {
	api, prof := freePort(t), freePort(t)
	cfg := serveConfig(t, "127.0.0.1:"+strconv.Itoa(api), map[string]string{"CHAINMATCH_PPROF": "127.0.0.1:" + strconv.Itoa(prof)})
	stop := serveInBackground(cfg)

	get := func(port int, path string) (int, string) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	eventually(t, "API ready", 30*time.Second, func() bool { code, _ := get(api, "/readyz"); return code == http.StatusOK })
	if code, body := get(prof, "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Fatalf("profiler: %d %.200s", code, body)
	}
	if code, _ := get(api, "/debug/pprof/"); code == http.StatusOK {
		t.Fatal("the API's listener serves the profiler")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(prof, "/debug/pprof/"); code != 0 {
		t.Fatalf("profiler still answers after serve returned: %d", code)
	}
}

// serveConfig holds the shared test Neo4j's lock for the test and returns
// the configuration of a serve on addr over it, with env's other variables.
func serveConfig(t *testing.T, addr string, env map[string]string) config.Config {
	t.Helper()
	neo4jtest.Open(t) // the serve uses the same Neo4j; hold its lock
	t.Setenv("CHAINMATCH_ADDR", addr)
	t.Setenv("NEO4J_URI", neo4jtest.Config().URI)
	t.Setenv("NEO4J_PASSWORD", neo4jtest.Config().Password)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// serveInBackground runs serve until the returned stop is called; stop
// returns serve's result.
func serveInBackground(cfg config.Config) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	return func() error { cancel(); return <-done }
}
