package changes_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"chainmatch/internal/apperr"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// statements reads the store's process-wide statement counter
// (chainmatch_neo4j_statements_total).
func statements(t *testing.T) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "chainmatch_neo4j_statements_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no chainmatch_neo4j_statements_total")
	return 0
}

// rate counts the statements sent during d, per second.
func rate(t *testing.T, d time.Duration) float64 {
	t.Helper()
	before := statements(t)
	time.Sleep(d)
	return (statements(t) - before) / d.Seconds()
}

// A process's subscriptions share one reader of the log: with 1, 10 or
// 60 idle subscribers the process sends the same statements per second.
// Under a burst of concurrent writes, subscribers that joined before it,
// during it (replaying from the start of the log) and with a kinds filter
// each get exactly their events, once, in commit order.
func TestSubscribersShareOneTailWithoutGapsOrDuplicates(t *testing.T) {
	s := neo4jtest.Open(t)
	sig := changes.NewSignal()
	s.SetChangeSignal(sig)
	t.Cleanup(func() { s.SetChangeSignal(nil) })
	const poll = 100 * time.Millisecond
	svc := changes.NewService(s, changes.Config{PollInterval: poll, Signal: sig})
	ctx, cancel := context.WithTimeout(staff, 3*time.Minute)
	defer cancel()

	type sub struct {
		name string
		kind changes.Kind // "" for all
		got  []changes.Event
		err  error
	}
	var (
		mu   sync.Mutex
		subs []*sub
		wg   sync.WaitGroup
	)
	const total = 200 // events the burst writes: 100 firms, each created then updated
	start := func(name string, after *changes.Cursor, kind changes.Kind) {
		t.Helper()
		var kinds []changes.Kind
		if kind != "" {
			kinds = []changes.Kind{kind}
		}
		f, err := svc.Stream(ctx, after, kinds, "after")
		if err != nil {
			t.Fatal(err)
		}
		x := &sub{name: name, kind: kind}
		mu.Lock()
		subs = append(subs, x)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := total
			if kind != "" {
				want = total / 2
			}
			for e := range f.C {
				x.got = append(x.got, e)
				if len(x.got) == want {
					return
				}
			}
			x.err = fmt.Errorf("stream ended after %d events: %v", len(x.got), f.Err())
		}()
	}
	zero := changes.Cursor(0)

	start("first", &zero, "")
	time.Sleep(500 * time.Millisecond) // the tail runs
	one := rate(t, 2*time.Second)
	for i := range 9 {
		start(fmt.Sprintf("early-%d", i), nil, "")
	}
	ten := rate(t, 2*time.Second)
	for i := range 50 {
		k := changes.Kind("")
		if i%2 == 1 {
			k = changes.EnterpriseCreated
		}
		start(fmt.Sprintf("more-%d", i), &zero, k)
	}
	sixty := rate(t, 2*time.Second)
	t.Logf("idle statements per second with 1, 10 and 60 subscribers: %.1f, %.1f, %.1f (poll %s)", one, ten, sixty, poll)
	if sixty > 2*one+2 {
		t.Errorf("statements per second grew with the subscribers: %.1f with 1, %.1f with 60", one, sixty)
	}

	// The burst: 4 writers; subscribers join from the start of the log
	// while it runs.
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range 50 {
				if err := s.UpsertEnterprises(partner, []enterprise.Record{firm(t, uint64(1000*(w+1)+i/2))}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 10 {
		time.Sleep(30 * time.Millisecond)
		k := changes.Kind("")
		if i%3 == 2 {
			k = changes.EnterpriseCreated
		}
		start(fmt.Sprintf("during-%d", i), &zero, k)
	}
	writers.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, x := range subs {
		if x.err != nil {
			t.Errorf("%s: %v", x.name, x.err)
			continue
		}
		var prev int64
		for i, e := range x.got {
			if e.Seq <= prev {
				t.Fatalf("%s: event %d has seq %d after %d (out of order or repeated)", x.name, i, e.Seq, prev)
			}
			if x.kind == "" && e.Seq != int64(i+1) {
				t.Fatalf("%s: event %d has seq %d: a gap", x.name, i, e.Seq)
			}
			if x.kind != "" && e.Kind != x.kind {
				t.Fatalf("%s: got a %s", x.name, e.Kind)
			}
			prev = e.Seq
		}
	}
	t.Logf("%d subscribers each got their %d (or %d filtered) events once, in order", len(subs), total, total/2)
}

// A subscriber that does not read falls behind the tail: once its buffer
// is full its stream ends with ErrSubscriberTooSlow (RATE_LIMITED, reason
// SUBSCRIBER_TOO_SLOW) after what it was handed; it resumes from the last
// cursor it got without a gap, and the other subscribers were not held up.
func TestASlowSubscriberIsEndedAndResumesFromItsCursor(t *testing.T) {
	s := neo4jtest.Open(t)
	sig := changes.NewSignal()
	s.SetChangeSignal(sig)
	t.Cleanup(func() { s.SetChangeSignal(nil) })
	svc := changes.NewService(s, changes.Config{PollInterval: 100 * time.Millisecond, Signal: sig, SubscriberBuffer: 50})
	ctx, cancel := context.WithTimeout(staff, time.Minute)
	defer cancel()
	slow, err := svc.Stream(ctx, nil, nil, "after")
	if err != nil {
		t.Fatal(err)
	}
	fast, err := svc.Stream(ctx, nil, nil, "after")
	if err != nil {
		t.Fatal(err)
	}
	fastGot := make(chan changes.Event, 100)
	go func() {
		for e := range fast.C {
			fastGot <- e
		}
		close(fastGot)
	}()
	time.Sleep(300 * time.Millisecond) // both joined the tail
	// Two commits of 30 events each: the fast subscriber keeps up, the
	// slow one (which reads nothing) overflows its 50 during the second.
	const n = 60
	for batch := range 2 {
		recs := make([]enterprise.Record, n/2)
		for i := range recs {
			recs[i] = firm(t, uint64(100+batch*100+i))
		}
		if err := s.UpsertEnterprises(partner, recs); err != nil {
			t.Fatal(err)
		}
		for i := batch * n / 2; i < (batch+1)*n/2; i++ {
			e, ok := <-fastGot
			if !ok || e.Seq != int64(i+1) {
				t.Fatalf("fast subscriber: event %d is %+v (open %v): %v", i, e, ok, fast.Err())
			}
		}
	}
	var got []changes.Event
	for e := range slow.C {
		got = append(got, e)
	}
	var ae *apperr.Error
	if !errors.Is(slow.Err(), changes.ErrSubscriberTooSlow) || !errors.As(slow.Err(), &ae) ||
		ae.Code != apperr.RateLimited || ae.Extensions["reason"] != changes.ReasonSubscriberTooSlow {
		t.Fatalf("slow subscriber ended with %v", slow.Err())
	}
	if len(got) == 0 || len(got) >= n {
		t.Fatalf("slow subscriber got %d events before it was ended", len(got))
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("slow subscriber: event %d has seq %d", i, e.Seq)
		}
	}
	last := changes.Cursor(got[len(got)-1].Seq)
	resumed, err := svc.Stream(ctx, &last, nil, "after")
	if err != nil {
		t.Fatal(err)
	}
	for i := len(got); i < n; i++ {
		e, ok := <-resumed.C
		if !ok || e.Seq != int64(i+1) {
			t.Fatalf("resumed: event %d is %+v (open %v)", i, e, ok)
		}
	}
	t.Logf("slow subscriber ended after %d of %d events: %v", len(got), n, slow.Err())
}
