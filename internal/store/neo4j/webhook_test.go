package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
	"chainmatch/internal/webhook"
)

// receiver is a webhook endpoint on loopback that verifies signatures,
// deduplicates by webhook-id as the docs advise, and notices two
// deliveries of one message in flight at once.
type receiver struct {
	srv     *httptest.Server
	secrets map[string]bool // any of these may sign
	answer  func(hit int) int
	delay   time.Duration

	mu        sync.Mutex
	hits      map[string]int // webhook-id -> requests
	processed map[string]int // webhook-id -> requests processed after dedupe
	seen      map[string]bool
	inFlight  map[string]bool
	overlaps  int
	badSigs   int
	bodies    map[string]map[string]any
	byPath    map[string][]map[string]any // processed bodies per request path
}

func newReceiver(t *testing.T, answer func(hit int) int) *receiver {
	r := &receiver{secrets: map[string]bool{}, answer: answer, hits: map[string]int{}, processed: map[string]int{}, seen: map[string]bool{},
		inFlight: map[string]bool{}, bodies: map[string]map[string]any{}, byPath: map[string][]map[string]any{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get("webhook-id")
	ts, _ := strconv.ParseInt(req.Header.Get("webhook-timestamp"), 10, 64)
	sig := req.Header.Get("webhook-signature")
	r.mu.Lock()
	ok := false
	for s := range r.secrets {
		ok = ok || webhook.Verify(s, id, ts, body, sig)
	}
	if !ok {
		r.badSigs++
	}
	if r.inFlight[id] {
		r.overlaps++
	}
	r.inFlight[id] = true
	r.hits[id]++
	hit := r.hits[id]
	r.mu.Unlock()
	time.Sleep(r.delay)
	code := r.answer(hit)
	r.mu.Lock()
	r.inFlight[id] = false
	// Deduplicate by webhook-id, per endpoint (path), as the docs advise.
	if key := req.URL.Path + "|" + id; code/100 == 2 && !r.seen[key] {
		r.seen[key] = true
		r.processed[id]++
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		r.bodies[id] = m
		r.byPath[req.URL.Path] = append(r.byPath[req.URL.Path], m)
	}
	r.mu.Unlock()
	w.WriteHeader(code)
}

func (r *receiver) host() string { return strings.TrimPrefix(r.srv.URL, "http://") }

func (r *receiver) policy() webhook.Policy { return webhook.Policy{AllowHosts: []string{r.host()}} }

func as(id string, role auth.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{ID: id, Name: id, Role: role})
}

func register(t *testing.T, svc *webhook.Service, ctx context.Context, in webhook.Input) webhook.Registration {
	t.Helper()
	reg, err := svc.Register(ctx, in)
	if err != nil {
		t.Fatalf("register %+v: %v", in, err)
	}
	return reg
}

// waitFor polls cond until it holds or 60 s pass (generous: the test
// machine may be loaded).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startWorker runs a replica's webhook machinery as serve does: the
// change-log follower that fans out and the delivery worker.
func startWorker(t *testing.T, s *neo4jstore.Store, p webhook.Policy, cfg webhook.WorkerConfig) (stop func()) {
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	cfg.Log = quiet
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	w := webhook.NewWorker(s, p, cfg)
	f := changes.NewFollower(s, changes.FollowerConfig{Name: webhook.FollowerName, Handle: w.HandleChanges,
		Owner: cfg.Replica, PollInterval: 20 * time.Millisecond, Log: quiet})
	go func() { defer func() { done <- struct{}{} }(); w.Run(ctx) }()
	go func() { defer func() { done <- struct{}{} }(); _ = f.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
			<-done
			_ = f.Release(context.Background())
		})
	}
	t.Cleanup(stop)
	return stop
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// queueChanges fans the change log out once, as the follower does, without
// a worker.
func queueChanges(t *testing.T, s *neo4jstore.Store) {
	t.Helper()
	ctx := context.Background()
	if held, _, err := s.ClaimChangeCursor(ctx, webhook.FollowerName, "test", time.Minute, false); err != nil || !held {
		t.Fatalf("claim the fan-out's cursor: %v %v", held, err)
	}
	if _, err := s.ProcessChanges(ctx, webhook.FollowerName, "test", time.Minute, 1000, func(ctx context.Context, evs []changes.Event) error {
		return s.QueueWebhookChanges(ctx, evs, time.Now().UTC())
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseChangeCursor(ctx, webhook.FollowerName, "test"); err != nil {
		t.Fatal(err)
	}
}

var staffCtx = auth.WithPrincipal(context.Background(), auth.Principal{ID: "staff-1", Role: auth.Staff})

// firm writes an enterprise (ENTERPRISE_CREATED the first time) and
// returns its USCC.
func firm(t *testing.T, s *neo4jstore.Store, serial uint64) string {
	t.Helper()
	c, err := uscc.Make("330411", serial)
	if err != nil {
		t.Fatal(err)
	}
	rec := enterprise.Record{Enterprise: enterprise.Enterprise{USCC: c, Name: fmt.Sprintf("企业%d", serial), IsLocal: true}}
	if err := s.UpsertEnterprises(staffCtx, []enterprise.Record{rec}); err != nil {
		t.Fatal(err)
	}
	return c
}

func deliveryLog(t *testing.T, s *neo4jstore.Store, webhookID string) []webhook.Delivery {
	t.Helper()
	rows, _, err := s.WebhookDeliveries(context.Background(), webhookID, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestWebhookRegistrationRulesAndAccess(t *testing.T) {
	s := neo4jtest.Open(t)
	rcv := newReceiver(t, func(int) int { return 204 })
	svc := webhook.NewService(s, rcv.policy())
	alice, bob, staff := as("key-alice", auth.Partner), as("key-bob", auth.Partner), as("key-staff", auth.Staff)

	reg := register(t, svc, alice, webhook.Input{URL: rcv.srv.URL + "/a", Kinds: []string{webhook.EnterpriseCreated, webhook.EnterpriseCreated}})
	if !strings.HasPrefix(reg.Secret, "whsec_") || reg.Webhook.OwnerID != "key-alice" || len(reg.Webhook.Kinds) != 1 {
		t.Fatalf("registration %+v", reg)
	}
	register(t, svc, staff, webhook.Input{URL: rcv.srv.URL + "/s", Kinds: []string{webhook.LeadChanged}})

	for _, c := range []struct {
		name  string
		ctx   context.Context
		in    webhook.Input
		code  apperr.Code
		field string
	}{
		{"anonymous", context.Background(), webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.SupplyAdded}}, apperr.Unauthenticated, ""},
		{"partner asks for lead changes", bob, webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.LeadChanged}}, apperr.Forbidden, "input.kinds"},
		{"unknown kind", bob, webhook.Input{URL: rcv.srv.URL, Kinds: []string{"EVERYTHING"}}, apperr.BadUserInput, "input.kinds"},
		{"nothing to receive", bob, webhook.Input{URL: rcv.srv.URL}, apperr.BadUserInput, "input.kinds"},
		{"http to a public host", bob, webhook.Input{URL: "http://example.com/x", Kinds: []string{webhook.SupplyAdded}}, apperr.BadUserInput, "input.url"},
		{"private address", bob, webhook.Input{URL: "https://10.0.0.8/x", Kinds: []string{webhook.SupplyAdded}}, apperr.BadUserInput, "input.url"},
		{"loopback not allow-listed", bob, webhook.Input{URL: "https://127.0.0.1:1/x", Kinds: []string{webhook.SupplyAdded}}, apperr.BadUserInput, "input.url"},
		{"cloud metadata", bob, webhook.Input{URL: "https://169.254.169.254/latest", Kinds: []string{webhook.SupplyAdded}}, apperr.BadUserInput, "input.url"},
	} {
		_, err := svc.Register(c.ctx, c.in)
		e, ok := apperr.As(err)
		if !ok || e.Code != c.code || e.Field != c.field {
			t.Errorf("%s: got %v, want %s on %q", c.name, err, c.code, c.field)
		}
	}
	// Refused registrations wrote nothing.
	if mine, _ := svc.List(bob); len(mine) != 0 {
		t.Fatalf("bob has %d webhooks after refusals", len(mine))
	}

	// Everyone sees only their own; staff too.
	if mine, err := svc.List(alice); err != nil || len(mine) != 1 || mine[0].ID != reg.Webhook.ID {
		t.Fatalf("alice lists %+v, %v", mine, err)
	}
	if mine, err := svc.List(staff); err != nil || len(mine) != 1 || mine[0].OwnerID != "key-staff" {
		t.Fatalf("staff lists %+v, %v", mine, err)
	}
	if _, err := svc.List(context.Background()); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous list: %v", err)
	}
	if _, err := svc.Get(bob, reg.Webhook.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("bob gets alice's webhook: %v", err)
	}
	if err := svc.Delete(bob, reg.Webhook.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("bob deletes alice's webhook: %v", err)
	}
	if err := svc.Delete(as("key-admin", auth.Admin), reg.Webhook.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("an admin deletes alice's webhook: %v", err)
	}
	if _, err := svc.Deliveries(bob, reg.Webhook, nil, nil); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("bob reads alice's delivery log: %v", err)
	}
	if err := svc.Delete(alice, reg.Webhook.ID); err != nil {
		t.Fatal(err)
	}
	if mine, _ := svc.List(alice); len(mine) != 0 {
		t.Fatalf("alice still has %+v", mine)
	}
}

// Writes reach, through the change log, exactly the webhooks subscribed
// to their kind whose owners may see them, signed; the log records each
// attempt.
func TestWebhookDeliversSignedChangeEvents(t *testing.T) {
	s := neo4jtest.Open(t)
	rcv := newReceiver(t, func(int) int { return 204 })
	svc := webhook.NewService(s, rcv.policy())
	old := firm(t, s, 1) // before any webhook: delivered to none
	partner := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL + "/p", Kinds: []string{webhook.EnterpriseCreated, webhook.SupplyAdded}})
	staff := register(t, svc, as("key-s", auth.Staff), webhook.Input{URL: rcv.srv.URL + "/s", Kinds: []string{webhook.LeadChanged, webhook.EnterpriseCreated}})
	rcv.secrets[partner.Secret], rcv.secrets[staff.Secret] = true, true

	fresh := firm(t, s, 2) // ENTERPRISE_CREATED: both
	if err := s.AddSupplyRelation(staffCtx, enterprise.SupplyRelation{SupplierUSCC: old, CustomerUSCC: fresh}); err != nil {
		t.Fatal(err) // SUPPLY_ADDED: the partner's
	}
	now := time.Now().UTC()
	l := lead.Lead{ID: "lead-1", EnterpriseUSCC: fresh, Stage: lead.Identified, Owner: "staff-1", Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := s.CreateLead(staffCtx, l, lead.StageChange{ID: "sc-1", To: lead.Identified, At: now, By: "staff-1", Version: 1}); err != nil {
		t.Fatal(err) // LEAD_CHANGED: staff's only, although the partner... did not ask
	}
	if removed, err := s.RemoveSupplyRelation(staffCtx, old, fresh, nil); err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err) // SUPPLY_REMOVED: nobody's
	}

	startWorker(t, s, rcv.policy(), webhook.WorkerConfig{})
	types := func(path string) []string {
		var out []string
		for _, b := range rcv.byPath[path] {
			out = append(out, fmt.Sprint(b["type"]))
		}
		sort.Strings(out) // retries may overtake: order is not promised
		return out
	}
	waitFor(t, "deliveries", func() bool {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		return len(rcv.byPath["/p"]) == 2 && len(rcv.byPath["/s"]) == 2
	})
	waitFor(t, "the log", func() bool {
		p, s := deliveryLog(t, s, partner.Webhook.ID), deliveryLog(t, s, staff.Webhook.ID)
		return len(p) == 2 && len(s) == 2 && p[0].Status == webhook.Delivered && p[1].Status == webhook.Delivered &&
			s[0].Status == webhook.Delivered && s[1].Status == webhook.Delivered
	})
	time.Sleep(200 * time.Millisecond) // nothing else arrives
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if got := strings.Join(types("/p"), ","); got != "ENTERPRISE_CREATED,SUPPLY_ADDED" {
		t.Errorf("partner received %s", got)
	}
	if got := strings.Join(types("/s"), ","); got != "ENTERPRISE_CREATED,LEAD_CHANGED" {
		t.Errorf("staff received %s", got)
	}
	if rcv.badSigs != 0 || len(rcv.hits) != 3 {
		t.Fatalf("hits %v, bad signatures %d", rcv.hits, rcv.badSigs)
	}
	byType := map[string]map[string]any{}
	for _, b := range rcv.byPath["/p"] {
		byType[fmt.Sprint(b["type"])] = b
	}
	b := byType[webhook.EnterpriseCreated]
	data, _ := b["data"].(map[string]any)
	id, _ := b["id"].(string)
	if typ, key, ok := gid.Decode(id); !ok || typ != gid.ChangeEvent || key == "" {
		t.Fatalf("body id %q is not a ChangeEvent id", id)
	}
	if data["entityId"] != gid.Encode(gid.Enterprise, fresh) || data["kind"] != webhook.EnterpriseCreated || b["at"] == nil || rcv.hits[id] != 2 {
		t.Fatalf("body %v", b)
	}
	rel, _ := byType[webhook.SupplyAdded]["data"].(map[string]any)
	if rel["entityId"] != gid.Encode(gid.Enterprise, old) || rel["relatedId"] != gid.Encode(gid.Enterprise, fresh) {
		t.Fatalf("supply body data %v", rel)
	}
	for _, d := range deliveryLog(t, s, partner.Webhook.ID) {
		if d.Attempt != 1 || d.ResponseCode == nil || *d.ResponseCode != 204 || rcv.hits[d.EventID] == 0 {
			t.Fatalf("log row %+v", d)
		}
	}
}

// A failing endpoint is retried on the (short, test) schedule with one
// webhook-id, then DEAD; every attempt is in the log, newest first. A 3xx
// is a failure: redirects are not followed.
func TestWebhookRetriesWithBackoffThenDead(t *testing.T) {
	s := neo4jtest.Open(t)
	rcv := newReceiver(t, func(hit int) int {
		if hit%2 == 0 {
			return http.StatusFound
		}
		return http.StatusInternalServerError
	})
	svc := webhook.NewService(s, rcv.policy())
	reg := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.SupplyAdded}})
	rcv.secrets[reg.Secret] = true
	a, b := firm(t, s, 1), firm(t, s, 2)
	if err := s.AddSupplyRelation(staffCtx, enterprise.SupplyRelation{SupplierUSCC: a, CustomerUSCC: b}); err != nil {
		t.Fatal(err)
	}
	sched := webhook.Schedule{Base: 50 * time.Millisecond, Max: 300 * time.Millisecond, Window: 5 * time.Second}
	started := time.Now()
	startWorker(t, s, rcv.policy(), webhook.WorkerConfig{Schedule: sched})
	waitFor(t, "DEAD", func() bool {
		rows := deliveryLog(t, s, reg.Webhook.ID)
		return len(rows) > 0 && rows[0].Status == webhook.Dead
	})
	span := time.Since(started)
	rows := deliveryLog(t, s, reg.Webhook.ID)
	n := len(rows)
	if n < 3 {
		t.Fatalf("only %d attempts", n)
	}
	for i, d := range rows {
		wantStatus, wantCode := webhook.Failed, 500
		if i == 0 {
			wantStatus = webhook.Dead
		}
		if (n-i)%2 == 0 {
			wantCode = 302
		}
		if d.Attempt != n-i || d.Status != wantStatus || d.ResponseCode == nil || *d.ResponseCode != wantCode || d.EventID != rows[0].EventID {
			t.Fatalf("row %d of %d: %+v (code %v)", i, n, d, d.ResponseCode)
		}
		if i > 0 && d.At.After(rows[i-1].At) {
			t.Fatalf("log not newest first at %d", i)
		}
	}
	if last, first := rows[0].At, rows[n-1].FirstDueAt; last.Sub(first) < sched.Window {
		t.Fatalf("dead after %v, before the %v window", last.Sub(first), sched.Window)
	}
	rcv.mu.Lock()
	if len(rcv.hits) != 1 || rcv.hits[rows[0].EventID] != n || rcv.badSigs != 0 || len(rcv.processed) != 0 {
		t.Fatalf("receiver saw %v (bad signatures %d) for %d attempts", rcv.hits, rcv.badSigs, n)
	}
	rcv.mu.Unlock()
	t.Logf("%d attempts, dead after %v", n, span)

	// Paging the log: two at a time, newest first, no row twice.
	page1, err := svc.Deliveries(as("key-p", auth.Partner), reg.Webhook, ptr(2), nil)
	if err != nil || len(page1.Deliveries) != 2 || !page1.HasNextPage {
		t.Fatalf("page 1: %+v %v", page1, err)
	}
	after := webhook.EncodeCursor(webhook.Cursor{At: page1.Deliveries[1].At, Key: page1.Deliveries[1].Key})
	page2, err := svc.Deliveries(as("key-p", auth.Partner), reg.Webhook, ptr(2), &after)
	if err != nil || len(page2.Deliveries) == 0 || page2.Deliveries[0].Attempt != n-2 {
		t.Fatalf("page 2: %+v %v", page2, err)
	}
}

// A worker that dies after claiming (here: after sending, before
// recording) leaves a lease; once it expires another worker delivers the
// same message again, with the same webhook-id, so the receiver
// deduplicates and processes it once.
func TestWebhookAtLeastOnceAcrossACrash(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	rcv := newReceiver(t, func(int) int { return 200 })
	svc := webhook.NewService(s, rcv.policy())
	reg := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.EnterpriseCreated}})
	rcv.secrets[reg.Secret] = true
	firm(t, s, 1)
	queueChanges(t, s)
	// The doomed replica claims with a short lease and sends...
	now := time.Now().UTC()
	claims, err := s.ClaimWebhookDeliveries(ctx, "doomed", "token-doomed", now, now.Add(3*time.Second), 10)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims %+v %v", claims, err)
	}
	c := claims[0]
	body, _ := webhook.Body(c.Delivery)
	ts := time.Now().Unix()
	sig, _ := webhook.Sign(c.Secret, c.EventID, ts, body)
	req, _ := http.NewRequest(http.MethodPost, c.URL, strings.NewReader(string(body)))
	req.Header.Set("webhook-id", c.EventID)
	req.Header.Set("webhook-timestamp", fmt.Sprint(ts))
	req.Header.Set("webhook-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// ...and dies. While its lease holds, nobody else may claim.
	if again, err := s.ClaimWebhookDeliveries(ctx, "other", "token-other", time.Now().UTC(), time.Now().UTC().Add(time.Minute), 10); err != nil || len(again) != 0 {
		t.Fatalf("claimed under a live lease: %+v %v", again, err)
	}
	startWorker(t, s, rcv.policy(), webhook.WorkerConfig{Replica: "survivor"})
	waitFor(t, "redelivery", func() bool {
		rows := deliveryLog(t, s, reg.Webhook.ID)
		return len(rows) == 1 && rows[0].Status == webhook.Delivered
	})
	rcv.mu.Lock()
	if rcv.hits[c.EventID] != 2 || rcv.processed[c.EventID] != 1 || len(rcv.hits) != 1 || rcv.badSigs != 0 {
		t.Fatalf("hits %v processed %v bad signatures %d", rcv.hits, rcv.processed, rcv.badSigs)
	}
	rcv.mu.Unlock()
	// The doomed replica's late report is refused: its lease is gone.
	code := 200
	ok, err := s.FinishWebhookDelivery(ctx, c, webhook.Outcome{Status: webhook.Delivered, ResponseCode: &code, At: time.Now().UTC()})
	if err != nil || ok {
		t.Fatalf("finish under a lost lease: ok=%v err=%v", ok, err)
	}
}

// Two workers over one database: every delivery is attempted once, never
// by both at the same time, and a slow receiver holds up nothing but its
// own slots.
func TestWebhookTwoWorkersNeverOverlap(t *testing.T) {
	s := neo4jtest.Open(t)
	rcv := newReceiver(t, func(int) int { return 200 })
	rcv.delay = 30 * time.Millisecond
	svc := webhook.NewService(s, rcv.policy())
	reg := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.EnterpriseCreated}})
	rcv.secrets[reg.Secret] = true
	const events = 60
	recs := make([]enterprise.Record, events)
	for i := range recs {
		c, err := uscc.Make("330411", uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = enterprise.Record{Enterprise: enterprise.Enterprise{USCC: c, Name: fmt.Sprintf("企业%d", i+1), IsLocal: true}}
	}
	if err := s.UpsertEnterprises(staffCtx, recs); err != nil { // one transaction, one event per firm
		t.Fatal(err)
	}
	started := time.Now()
	startWorker(t, s, rcv.policy(), webhook.WorkerConfig{Replica: "a", Concurrency: 4, Poll: 5 * time.Millisecond})
	startWorker(t, s, rcv.policy(), webhook.WorkerConfig{Replica: "b", Concurrency: 4, Poll: 5 * time.Millisecond})
	waitFor(t, "all delivered", func() bool {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		return len(rcv.processed) == events
	})
	took := time.Since(started)
	time.Sleep(100 * time.Millisecond)
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for id, n := range rcv.hits {
		if n != 1 {
			t.Errorf("%s attempted %d times", id, n)
		}
	}
	if rcv.overlaps != 0 || rcv.badSigs != 0 {
		t.Fatalf("overlaps %d, bad signatures %d", rcv.overlaps, rcv.badSigs)
	}
	t.Logf("%d deliveries by two workers (4 slots each, receiver 30 ms) in %v", events, took)
}

// New match alerts go once to the owner's alert webhooks registered
// before them, and are marked as queued in the same transaction.
func TestWebhookAlertFanOut(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	rcv := newReceiver(t, func(int) int { return 200 })
	svc := webhook.NewService(s, rcv.policy())
	old := time.Now().UTC().Add(-time.Hour)
	if err := neo4jstore.AddMatchAlert(ctx, s, "alert-old", "key-p", "search-1", old); err != nil {
		t.Fatal(err)
	}
	withAlerts := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL, Alerts: true})
	without := register(t, svc, as("key-p", auth.Partner), webhook.Input{URL: rcv.srv.URL, Kinds: []string{webhook.SupplyAdded}})
	other := register(t, svc, as("key-q", auth.Partner), webhook.Input{URL: rcv.srv.URL, Alerts: true})
	now := time.Now().UTC()
	if err := neo4jstore.AddMatchAlert(ctx, s, "alert-1", "key-p", "search-1", now); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.QueueAlertDeliveries(ctx, now, 100); err != nil {
			t.Fatal(err)
		}
	}
	rows := deliveryLog(t, s, withAlerts.Webhook.ID)
	if len(rows) != 1 || rows[0].EventID != webhook.AlertID("alert-1") || rows[0].Type != webhook.AlertType ||
		rows[0].Data["savedSearchId"] != gid.Encode("SavedSearch", "search-1") || rows[0].Data["score"] != 0.75 {
		t.Fatalf("alert deliveries %+v", rows)
	}
	if n := len(deliveryLog(t, s, without.Webhook.ID)) + len(deliveryLog(t, s, other.Webhook.ID)); n != 0 {
		t.Fatalf("%d alert deliveries to webhooks that must not get them", n)
	}
	if at, err := neo4jstore.AlertQueuedAt(ctx, s, "alert-1"); err != nil || at == nil {
		t.Fatalf("alert-1 not marked: %v %v", at, err)
	}
	// Deleting a webhook drops its log and pending deliveries.
	if err := svc.Delete(as("key-p", auth.Partner), withAlerts.Webhook.ID); err != nil {
		t.Fatal(err)
	}
	if rows := deliveryLog(t, s, withAlerts.Webhook.ID); len(rows) != 0 {
		t.Fatalf("deleted webhook keeps %d deliveries", len(rows))
	}
}
