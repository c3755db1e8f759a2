package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"chainmatch/internal/gid"
	"chainmatch/internal/match/matchtest"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestMain lets this test binary act as `chainmatch serve` in a child
// process (CHAINMATCH_TEST_SERVE=1): the replica test starts real separate
// processes of the same code without building another binary.
func TestMain(m *testing.M) {
	if os.Getenv("CHAINMATCH_TEST_SERVE") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		err := run(ctx, []string{"serve"})
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "chainmatch:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// replica is one `chainmatch serve` child process.
type replica struct {
	url  string
	cmd  *exec.Cmd
	logs *syncBuffer
}

func startReplica(t *testing.T, env ...string) *replica {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"CHAINMATCH_TEST_SERVE=1",
		"CHAINMATCH_ADDR=127.0.0.1:" + strconv.Itoa(port)}, env...)...)
	r := &replica{url: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, logs: &syncBuffer{}}
	cmd.Stderr = r.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	return r
}

// gql posts an operation with an optional API key and returns the HTTP
// status and the decoded answer.
func (r *replica) gql(t *testing.T, key, query string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, r.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// metric reads one unlabelled metric from the replica's /metrics.
func metric(t *testing.T, r *replica, name string) float64 {
	t.Helper()
	resp, err := http.Get(r.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("%s not in /metrics", name)
	return 0
}

// logLines returns the replica's JSON log entries with message msg.
func (r *replica) logLines(msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.logs.String()))
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil && e["msg"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// TestTwoReplicas starts two `chainmatch serve` processes over one Neo4j,
// the way docs/operations.md says to run replicas: one migrates, the other
// (CHAINMATCH_MIGRATE=false) waits for the schema. It proves that a write
// acknowledged by one is read by the other, that an API key revoked on one
// stops working on the other within CHAINMATCH_KEY_CACHE_TTL, and that
// only one of them ran the schema migration. Both answer matches from
// their in-process match index (the default): a new maker upserted on A
// is in B's very next supplierMatches, and B's answer comes from its index
// caught up with the change log.
func TestTwoReplicas(t *testing.T) {
	st := neo4jtest.Open(t)
	matchtest.Load(t, st)
	const adminKey = "replica-test-admin-key-0123456789abcdef"
	const ttl = 2 * time.Second
	common := []string{"NEO4J_URI=" + neo4jtest.Config().URI, "NEO4J_PASSWORD=" + neo4jtest.Config().Password,
		"CHAINMATCH_ADMIN_KEY=" + adminKey, "CHAINMATCH_KEY_CACHE_TTL=" + ttl.String(), "CHAINMATCH_MODE=prod",
		"CHAINMATCH_RATE_LIMITS=anonymous=0:0,partner=0:0,staff=0:0,admin=0:0"}
	a := startReplica(t, append(common, "CHAINMATCH_MIGRATE=true")...)
	b := startReplica(t, append(common, "CHAINMATCH_MIGRATE=false")...)
	for _, r := range []*replica{a, b} {
		eventually(t, "replica ready", 90*time.Second, func() bool {
			resp, err := http.Get(r.url + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}

	// A partner key made on A works on B.
	_, created := a.gql(t, adminKey, `mutation { createApiKey(input: {name: "replica", role: PARTNER}) { secret apiKey { id } } }`, nil)
	var ck struct {
		CreateAPIKey struct {
			Secret string
			APIKey struct{ ID string } `json:"apiKey"`
		} `json:"createApiKey"`
	}
	if len(created.Errors) > 0 || json.Unmarshal(created.Data, &ck) != nil || ck.CreateAPIKey.Secret == "" {
		t.Fatalf("createApiKey on A: %s %+v", created.Data, created.Errors)
	}
	key := ck.CreateAPIKey.Secret

	// A write acknowledged by A is read by B right after.
	code := testUSCC(t, 880001)
	if status, r := a.gql(t, key, upsertDoc, map[string]any{"in": enterpriseInput(code, "副本写入测试")}); status != 200 || len(r.Errors) > 0 {
		t.Fatalf("upsert on A: %d %+v", status, r.Errors)
	}
	status, r := b.gql(t, key, `query($u: String!) { enterprise(uscc: $u) { uscc name } }`, map[string]any{"u": code})
	if status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "副本写入测试") {
		t.Fatalf("B did not read A's acknowledged write: %d %s %+v", status, r.Data, r.Errors)
	}

	// Both match indexes are loaded; a new glass maker written on A is
	// matched by B's next request.
	for name, r := range map[string]*replica{"A": a, "B": b} {
		eventually(t, "match index of "+name+" built", 60*time.Second, func() bool { return len(r.logLines("match index built")) > 0 })
	}
	maker := testUSCC(t, 880002)
	in := map[string]any{"uscc": maker, "name": "副本玻璃", "isLocal": true, "districtCode": "330411",
		"location": map[string]any{"latitude": matchtest.Base.Lat + 0.01, "longitude": matchtest.Base.Lon},
		"products": []any{map[string]any{"productId": gid.Encode(gid.Product, "GLASS"), "annualCapacity": 10, "unit": "t"}}}
	if status, r := a.gql(t, key, upsertDoc, map[string]any{"in": in}); status != 200 || len(r.Errors) > 0 {
		t.Fatalf("upsert maker on A: %d %+v", status, r.Errors)
	}
	status, r = b.gql(t, key, `query($id: ID!) { supplierMatches(input: {enterpriseId: $id, first: 50}) { candidate { uscc } fit } }`,
		map[string]any{"id": gid.Encode(gid.Enterprise, matchtest.Asker)})
	if status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), `{"candidate":{"uscc":"`+maker+`"},"fit":"PRODUCT"}`) {
		t.Fatalf("B's supplierMatches right after A's write does not list the new maker: %d %s %+v", status, r.Data, r.Errors)
	}
	if m := metric(t, b, "chainmatch_match_index_ready"); m != 1 {
		t.Errorf("B's match index ready = %v", m)
	}
	if m := metric(t, b, "chainmatch_match_index_fallbacks_total"); m != 0 {
		t.Errorf("B answered %v match store calls from Cypher, want all from its index", m)
	}

	// Revoked on A: B refuses the key within the cache TTL (B has it cached:
	// it just used it).
	if _, r := a.gql(t, adminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": ck.CreateAPIKey.APIKey.ID}); len(r.Errors) > 0 {
		t.Fatalf("revoke on A: %+v", r.Errors)
	}
	revoked := time.Now()
	if status, _ := a.gql(t, key, `{ districts { code } }`, nil); status != http.StatusUnauthorized {
		t.Errorf("A still accepts the key it revoked: %d", status)
	}
	var took time.Duration
	for {
		status, _ := b.gql(t, key, `{ districts { code } }`, nil)
		if status == http.StatusUnauthorized {
			took = time.Since(revoked)
			break
		}
		if time.Since(revoked) > ttl+3*time.Second {
			t.Fatalf("B still accepts the revoked key %s after the revocation (TTL %s)", time.Since(revoked), ttl)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("revocation effective on B after %s (CHAINMATCH_KEY_CACHE_TTL=%s)", took.Round(time.Millisecond), ttl)

	// Only A migrated; B waited for the schema (and found it).
	if len(b.logLines("schema ready")) != 0 {
		t.Errorf("replica B (CHAINMATCH_MIGRATE=false) ran the migration")
	}
	if len(a.logLines("schema ready")) != 1 {
		t.Errorf("replica A logged %d schema migrations, want 1", len(a.logLines("schema ready")))
	}
	if err := st.CheckMigrated(context.Background()); err != nil {
		t.Errorf("schema after both replicas started: %v", err)
	}
}
