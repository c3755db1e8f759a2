package changes_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// processed reads what the handlers wrote: one audit entry per event,
// keyed by the event's id, naming the follower that processed it.
func processed(t *testing.T, s *neo4jstore.Store) map[string]auth.AuditEntry {
	t.Helper()
	es, _, err := s.AuditLog(context.Background(), 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]auth.AuditEntry{}
	for _, e := range es {
		if _, dup := out[e.ID]; dup {
			t.Fatalf("event %s processed twice", e.ID)
		}
		out[e.ID] = e
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Two followers of one consumer over one database: only one processes at
// a time; when it dies (its context ends without releasing the lease) the
// other takes over once the lease expired; every event is processed
// exactly once, its effect committed with the cursor's advance.
func TestTwoFollowersOneLeaseExactlyOnceAndTakeover(t *testing.T) {
	s := neo4jtest.Open(t)
	sig := changes.NewSignal()
	s.SetChangeSignal(sig)
	t.Cleanup(func() { s.SetChangeSignal(nil) })

	var active, overlaps, handlerErrs atomic.Int32
	handler := func(name string) changes.Handler {
		return func(ctx context.Context, evs []changes.Event) error {
			if active.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer active.Add(-1)
			entries := make([]auth.AuditEntry, len(evs))
			for i, e := range evs {
				entries[i] = auth.AuditEntry{ID: e.ID, At: e.At, ActorID: name, Field: fmt.Sprint(e.Seq), OK: true}
			}
			// Joins the follower's transaction through ctx.
			if err := s.AppendAudit(ctx, entries); err != nil {
				handlerErrs.Add(1)
				return err
			}
			return nil
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const ttl = 2 * time.Second
	newFollower := func(name string) *changes.Follower {
		return changes.NewFollower(s, changes.FollowerConfig{
			Name: "test-consumer", Handle: handler(name), Owner: name, Signal: sig,
			PollInterval: 50 * time.Millisecond, LeaseTTL: ttl, BatchSize: 7, Log: quiet,
		})
	}
	write := func(from, n int) {
		for i := range n {
			if err := s.UpsertEnterprises(staff, []enterprise.Record{firm(t, uint64(from+i))}); err != nil {
				t.Error(err)
				return
			}
		}
	}
	write(1, 20)

	ctxA, killA := context.WithCancel(context.Background())
	ctxB, killB := context.WithCancel(context.Background())
	// Both end however the test ends: the survivor is A or B, whichever
	// did not hold the lease first.
	stopAll := func() { killA(); killB() }
	defer stopAll()
	var wg sync.WaitGroup
	for _, f := range []struct {
		ctx context.Context
		f   *changes.Follower
	}{{ctxA, newFollower("A")}, {ctxB, newFollower("B")}} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f.f.Run(f.ctx) }()
	}
	// Writes keep coming while the followers run.
	write(21, 20)
	waitFor(t, "the first 40 events", func() bool { return len(processed(t, s)) == 40 })
	first := processed(t, s)
	holder := ""
	for _, e := range first {
		if holder == "" {
			holder = e.ActorID
		}
		if e.ActorID != holder {
			t.Fatalf("both followers processed events before any died: %s and %s", holder, e.ActorID)
		}
	}
	// The holder dies without releasing its lease; the other takes over
	// after the lease expired, and events written meanwhile are not lost.
	kill, other := killA, "B"
	if holder == "B" {
		kill, other = killB, "A"
	}
	kill()
	killedAt := time.Now()
	write(41, 20)
	waitFor(t, "all 60 events", func() bool { return len(processed(t, s)) == 60 })
	t.Logf("takeover: the last event was processed %v after the holder died (lease %v)", time.Since(killedAt).Round(time.Millisecond), ttl)
	all := processed(t, s)
	evs, _ := readAll(t, changes.NewService(s, changes.Config{}), staff, "", 100)
	if len(evs) != 60 {
		t.Fatalf("%d events in the log", len(evs))
	}
	for _, e := range evs {
		p, ok := all[e.ID]
		if !ok {
			t.Fatalf("event %d not processed", e.Seq)
		}
		if p.Field != fmt.Sprint(e.Seq) {
			t.Fatalf("event %d recorded as seq %s", e.Seq, p.Field)
		}
		if _, before := first[e.ID]; !before && p.ActorID != other {
			t.Fatalf("event %d after the holder died processed by %s, want %s", e.Seq, p.ActorID, other)
		}
	}
	if n := overlaps.Load(); n != 0 {
		t.Fatalf("handlers ran concurrently %d times", n)
	}
	if n := handlerErrs.Load(); n != 0 {
		t.Fatalf("%d handler writes failed (a duplicate would)", n)
	}
	seq, err := s.ChangeCursorSeq(context.Background(), "test-consumer")
	if err != nil || seq != 60 {
		t.Fatalf("cursor at %d, %v", seq, err)
	}
	stopAll()
	wg.Wait()
}

// A failing handler rolls its batch back: nothing of it is written and
// the cursor stays, and the batch is processed once the handler succeeds.
func TestAFailingHandlerRollsTheBatchBack(t *testing.T) {
	s := neo4jtest.Open(t)
	for i := range 3 {
		if err := s.UpsertEnterprises(staff, []enterprise.Record{firm(t, uint64(i+1))}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	held, seq, err := s.ClaimChangeCursor(ctx, "failing", "me", time.Minute, false)
	if err != nil || !held || seq != 0 {
		t.Fatalf("claim: %v %d %v", held, seq, err)
	}
	if held, _, err := s.ClaimChangeCursor(ctx, "failing", "someone else", time.Minute, false); err != nil || held {
		t.Fatalf("a second owner got the lease: %v %v", held, err)
	}
	boom := fmt.Errorf("boom")
	_, err = s.ProcessChanges(ctx, "failing", "me", time.Minute, 10, func(ctx context.Context, evs []changes.Event) error {
		if err := s.AppendAudit(ctx, []auth.AuditEntry{{ID: evs[0].ID, At: evs[0].At, OK: true}}); err != nil {
			return err
		}
		return boom
	})
	if err == nil {
		t.Fatal("a failing handler's batch committed")
	}
	if n := len(processed(t, s)); n != 0 {
		t.Fatalf("%d writes of the failed batch stayed", n)
	}
	if seq, _ := s.ChangeCursorSeq(ctx, "failing"); seq != 0 {
		t.Fatalf("cursor moved to %d", seq)
	}
	if _, err := s.ProcessChanges(ctx, "failing", "someone else", time.Minute, 10, func(context.Context, []changes.Event) error {
		t.Fatal("a non-holder processed")
		return nil
	}); err == nil {
		t.Fatal("a non-holder's batch did not fail")
	}
	b, err := s.ProcessChanges(ctx, "failing", "me", time.Minute, 2, func(ctx context.Context, evs []changes.Event) error {
		return nil
	})
	if err != nil || b.Events != 2 || b.Through != 2 {
		t.Fatalf("batch %+v %v", b, err)
	}
	if err := s.ReleaseChangeCursor(ctx, "failing", "me"); err != nil {
		t.Fatal(err)
	}
	if held, seq, err := s.ClaimChangeCursor(ctx, "failing", "someone else", time.Minute, false); err != nil || !held || seq != 2 {
		t.Fatalf("after release: %v %d %v", held, seq, err)
	}
	// A new consumer that starts from now begins at the end of the log.
	if _, seq, err := s.ClaimChangeCursor(ctx, "late", "me", time.Minute, true); err != nil || seq != 3 {
		t.Fatalf("from now: %d %v", seq, err)
	}
}
