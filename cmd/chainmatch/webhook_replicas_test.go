package main

// Webhooks across two replicas, end to end: two `chainmatch serve`
// processes (the production code path: HTTP server, change-log fan-out
// follower and delivery worker) over one Neo4j, a receiver on loopback
// (allow-listed by CHAINMATCH_WEBHOOK_ALLOW_HOSTS), a webhook registered
// through GraphQL and writes through both servers; then one server is
// killed (SIGKILL, no graceful shutdown) while it has deliveries in flight,
// and the other finishes them.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/webhook"
)

// hookReceiver is a Standard Webhooks receiver that records what it gets:
// which replica sent each request (by the sending socket's owner process),
// whether the signature verifies, and whether two attempts of one
// webhook-id were ever in flight at once.
type hookReceiver struct {
	mu        sync.Mutex
	secret    string
	failing   bool          // answer 503 after failSlow instead of 204
	failSlow  time.Duration // how long a failing answer takes
	pids      map[int]string
	inflight  map[string]int            // webhook-id -> requests in flight
	byWho     map[string]map[string]int // replica -> webhook-id -> requests in flight
	overlaps  []string
	badSigs   int
	delivered map[string]int // webhook-id -> 2xx answers
	sent      map[string]int // replica -> requests
	// after a kill: ids whose requests came from each replica since then.
	deliveredBy map[string]map[string]bool
}

func newHookReceiver() *hookReceiver {
	return &hookReceiver{pids: map[int]string{}, inflight: map[string]int{}, byWho: map[string]map[string]int{},
		delivered: map[string]int{}, sent: map[string]int{}, deliveredBy: map[string]map[string]bool{}}
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("webhook-id")
	ts, err := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
	who := h.sender(r.RemoteAddr)
	h.mu.Lock()
	secret, failing, slow := h.secret, h.failing, h.failSlow
	if err != nil || !webhook.Verify(secret, id, ts, body, r.Header.Get("webhook-signature")) {
		h.badSigs++
		h.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var payload struct{ ID string }
	if json.Unmarshal(body, &payload) != nil || payload.ID != id {
		h.badSigs++ // the body's id must be the webhook-id
	}
	h.sent[who]++
	h.inflight[id]++
	if h.inflight[id] > 1 {
		h.overlaps = append(h.overlaps, id)
	}
	if h.byWho[who] == nil {
		h.byWho[who] = map[string]int{}
	}
	h.byWho[who][id]++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.inflight[id]--
		h.byWho[who][id]--
		if h.byWho[who][id] == 0 {
			delete(h.byWho[who], id)
		}
		h.mu.Unlock()
	}()
	if failing {
		// Slow and failing, but answering within the attempt timeout, so
		// the attempt ends here before the worker records it.
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	time.Sleep(20 * time.Millisecond)
	h.mu.Lock()
	h.delivered[id]++
	if h.deliveredBy[who] == nil {
		h.deliveredBy[who] = map[string]bool{}
	}
	h.deliveredBy[who][id] = true
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// inflightOf returns the webhook-ids who has requests in flight for.
func (h *hookReceiver) inflightOf(who string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for id := range h.byWho[who] {
		out = append(out, id)
	}
	return out
}

// sender names the replica whose process owns the client socket of a
// request from remote (Linux: /proc/net/tcp maps the port to a socket
// inode, /proc/<pid>/fd holds the process's sockets); "?" if none.
func (h *hookReceiver) sender(remote string) string {
	_, portStr, err := net.SplitHostPort(remote)
	if err != nil {
		return "?"
	}
	port, _ := strconv.Atoi(portStr)
	inode := socketInode(port)
	if inode == "" {
		return "?"
	}
	h.mu.Lock()
	pids := make(map[int]string, len(h.pids))
	for p, n := range h.pids {
		pids[p] = n
	}
	h.mu.Unlock()
	for pid, name := range pids {
		fds, _ := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "fd"))
		for _, fd := range fds {
			if l, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name())); err == nil && l == "socket:["+inode+"]" {
				return name
			}
		}
	}
	return "?"
}

// socketInode finds the inode of the IPv4 socket whose local port is port.
func socketInode(port int) string {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return ""
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) > 9 && strings.HasSuffix(fs[1], want) {
			return fs[9]
		}
	}
	return ""
}

func TestWebhooksAcrossTwoReplicasSurviveAKill(t *testing.T) {
	neo4jtest.Open(t) // a wiped database, shared with the replicas
	rcv := newHookReceiver()
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	const adminKey = "webhook-replicas-admin-key-0123456789"
	const timeout = 3 * time.Second
	rcv.failSlow = 1500 * time.Millisecond // < timeout
	common := []string{"NEO4J_URI=" + neo4jtest.Config().URI, "NEO4J_PASSWORD=" + neo4jtest.Config().Password,
		"CHAINMATCH_ADMIN_KEY=" + adminKey, "CHAINMATCH_MODE=prod",
		"CHAINMATCH_RATE_LIMITS=anonymous=0:0,partner=0:0,staff=0:0,admin=0:0",
		"CHAINMATCH_WEBHOOK_ALLOW_HOSTS=" + strings.TrimPrefix(srv.URL, "http://"),
		"CHAINMATCH_WEBHOOK_TIMEOUT=" + timeout.String(), "CHAINMATCH_WEBHOOK_CONCURRENCY=2",
		"CHAINMATCH_WEBHOOK_RETRY_BASE=200ms", "CHAINMATCH_WEBHOOK_RETRY_MAX=1s", "CHAINMATCH_WEBHOOK_RETRY_WINDOW=1h",
		"CHAINMATCH_CHANGES_POLL=100ms"}
	a := startReplica(t, append(common, "CHAINMATCH_MIGRATE=true")...)
	b := startReplica(t, append(common, "CHAINMATCH_MIGRATE=false")...)
	rcv.mu.Lock()
	rcv.pids[a.cmd.Process.Pid], rcv.pids[b.cmd.Process.Pid] = "A", "B"
	rcv.mu.Unlock()
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

	// A partner registers a webhook on A.
	_, created := a.gql(t, adminKey, `mutation { createApiKey(input: {name: "hooks", role: PARTNER}) { secret } }`, nil)
	var ck struct {
		CreateAPIKey struct{ Secret string } `json:"createApiKey"`
	}
	if len(created.Errors) > 0 || json.Unmarshal(created.Data, &ck) != nil || ck.CreateAPIKey.Secret == "" {
		t.Fatalf("createApiKey: %s %+v", created.Data, created.Errors)
	}
	key := ck.CreateAPIKey.Secret
	_, reg := a.gql(t, key, `mutation($in: WebhookInput!) { registerWebhook(input: $in) { secret webhook { id } } }`,
		map[string]any{"in": map[string]any{"url": srv.URL + "/hooks", "kinds": []string{"ENTERPRISE_CREATED", "ENTERPRISE_UPDATED"}}})
	var rg struct {
		RegisterWebhook struct{ Secret string } `json:"registerWebhook"`
	}
	if len(reg.Errors) > 0 || json.Unmarshal(reg.Data, &rg) != nil || rg.RegisterWebhook.Secret == "" {
		t.Fatalf("registerWebhook: %s %+v", reg.Data, reg.Errors)
	}
	rcv.mu.Lock()
	rcv.secret = rg.RegisterWebhook.Secret
	rcv.mu.Unlock()

	// writes upserts n firms from serial on r, each twice (created, then
	// updated).
	writes := func(r *replica, serial uint64, n int) {
		for i := range n {
			code := testUSCC(t, serial+uint64(i))
			for range 2 {
				if status, resp := r.gql(t, key, upsertDoc, map[string]any{"in": enterpriseInput(code, "副本投递测试")}); status != 200 || len(resp.Errors) > 0 {
					t.Errorf("upsert: %d %+v", status, resp.Errors)
					return
				}
			}
		}
	}
	both := func(serial uint64, n int) {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); writes(a, serial, n) }()
		go func() { defer wg.Done(); writes(b, serial+1000, n) }()
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	// expected lists the ids of the change events after cursor (read on b).
	expected := func(after string) (ids []string, end string) {
		_, resp := b.gql(t, key, `query($a: String) { changes(after: $a, first: 100) { edges { node { id } } pageInfo { endCursor } } }`,
			map[string]any{"a": after})
		var p struct {
			Changes struct {
				Edges    []struct{ Node struct{ ID string } }
				PageInfo struct{ EndCursor string }
			}
		}
		if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &p) != nil {
			t.Fatalf("changes: %s %+v", resp.Data, resp.Errors)
		}
		for _, e := range p.Changes.Edges {
			ids = append(ids, e.Node.ID)
		}
		return ids, p.Changes.PageInfo.EndCursor
	}
	allDelivered := func(ids []string) func() bool {
		return func() bool {
			rcv.mu.Lock()
			defer rcv.mu.Unlock()
			for _, id := range ids {
				if rcv.delivered[id] == 0 {
					return false
				}
			}
			return true
		}
	}

	// 1. Healthy receiver, writes through both replicas: every event arrives.
	start := time.Now()
	both(100, 8)
	first, cursor := expected("")
	if len(first) != 32 {
		t.Fatalf("%d events after 32 upserts", len(first))
	}
	eventually(t, "every event of the first burst delivered", 90*time.Second, allDelivered(first))
	rcv.mu.Lock()
	t.Logf("first burst: %d events delivered in %s; requests by replica %v", len(first), time.Since(start).Round(time.Millisecond), rcv.sent)
	rcv.mu.Unlock()

	// 2. The receiver turns slow and failing; while A has attempts in
	// flight, A is killed (no graceful shutdown); then the receiver
	// recovers and B must deliver everything, A's attempts included (after
	// their leases expire).
	rcv.mu.Lock()
	rcv.failing = true
	rcv.mu.Unlock()
	both(300, 6)
	second, _ := expected(cursor)
	if len(second) != 24 {
		t.Fatalf("%d events after 24 more upserts", len(second))
	}
	var cut []string
	eventually(t, "A attempting deliveries", 60*time.Second, func() bool {
		cut = rcv.inflightOf("A")
		return len(cut) > 0
	})
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()
	killed := time.Now()
	rcv.mu.Lock()
	rcv.failing = false
	rcv.mu.Unlock()
	eventually(t, "every event of the second burst delivered after the kill", 120*time.Second, allDelivered(second))
	took := time.Since(killed)

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, id := range cut {
		if !rcv.deliveredBy["B"][id] {
			t.Errorf("delivery %s, in flight on A when it was killed, was not delivered by B", id)
		}
	}
	if len(rcv.overlaps) > 0 {
		t.Errorf("attempts of one delivery overlapped (two replicas at once): %v", rcv.overlaps)
	}
	if rcv.badSigs > 0 {
		t.Errorf("%d requests with a bad signature or body id", rcv.badSigs)
	}
	// Deduplicated by webhook-id, the receiver has exactly the events.
	want := append(append([]string{}, first...), second...)
	var got []string
	repeats := 0
	for id, n := range rcv.delivered {
		got = append(got, id)
		repeats += n - 1
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("delivered ids (deduplicated) differ from the events: got %d, want %d", len(got), len(want))
	}
	if rcv.sent["?"] > 0 {
		t.Logf("%d requests could not be attributed to a replica", rcv.sent["?"])
	}
	t.Logf("killed A with %d attempts in flight; B delivered the second burst %s after the kill; "+
		"requests by replica %v; %d repeated 2xx deliveries (deduplicated)", len(cut), took.Round(time.Millisecond), rcv.sent, repeats)
}
