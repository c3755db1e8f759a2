package changes

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

// Subscriptions share one reader of the log per process, the tail: while
// anyone is subscribed it reads the events after its position every
// PollInterval, and at once when the process's Signal fires, and hands
// each event to every subscriber that wants it. So the log's read load of
// a replica does not grow with its subscribers (one read per interval for
// all of them). A subscriber first replays from its cursor with reads of
// its own, then joins the tail once it has caught up with it; from then on
// it takes the tail's events after its own position, so that nothing is
// skipped or repeated between replay and live. Each subscriber has a
// bounded buffer: one that does not keep up loses its place and its
// stream ends with ErrSubscriberTooSlow rather than holding up the others.

// ErrSubscriberTooSlow is wrapped by the error a stream ends with when its
// subscriber fell more than Config.SubscriberBuffer events behind.
var ErrSubscriberTooSlow = errors.New("change subscriber too slow")

// ReasonSubscriberTooSlow is errors[].extensions.reason of the error a
// too slow subscription ends with.
const ReasonSubscriberTooSlow = "SUBSCRIBER_TOO_SLOW"

// tailBatch is the most events one read of the tail or of a replay takes.
const tailBatch = 500

// Feed is one subscriber's stream of events.
type Feed struct {
	// C carries the events in commit order; it is closed when the stream
	// ends (its context ended, or Err says why).
	C   <-chan Event
	err error
}

// Err is why the stream ended (nil when its context ended); valid once C
// is closed.
func (f *Feed) Err() error { return f.err }

// feedSub is a subscriber registered with the tail.
type feedSub struct {
	want []Kind
	// last is the seq of the last event handed over or skipped; the tail
	// hands over only later ones. Guarded by tail.mu.
	last Cursor
	ch   chan Event
	// done is closed by the tail when it drops the subscriber; err says why.
	done chan struct{}
	err  error
}

func (f *feedSub) wants(e Event) bool { return contains(f.want, e.Kind) }

// tail is the process's shared reader of the log (see above).
type tail struct {
	svc *Service

	mu   sync.Mutex
	subs map[*feedSub]struct{}
	run  *tailRun // nil while nobody is subscribed
}

// tailRun is one period of the tail's reading, from its first subscriber
// to its last.
type tailRun struct {
	pos  Cursor // events through pos have been handed over
	stop chan struct{}
}

// Stream sends the events after cursor that the caller may see, of kinds
// (all when empty), in commit order: first those already committed, then
// each new one as it is committed, until ctx ends or the stream fails
// (Feed.Err: the subscriber fell too far behind, or its cursor's events
// were purged). A nil cursor starts at the current end of the log. The
// caller's access and the cursor are checked before Stream returns; later
// read failures are logged and retried (nothing is skipped or repeated).
func (s *Service) Stream(ctx context.Context, after *Cursor, kinds []Kind, field string) (*Feed, error) {
	if err := authorize(ctx); err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if !k.IsValid() {
			return nil, apperr.Invalid("kinds", "unknown change kind %q", k)
		}
	}
	var cursor Cursor
	if after != nil {
		cursor = *after
	} else {
		seq, err := s.store.LatestChangeSeq(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the end of the change log: %w", err)
		}
		cursor = Cursor(seq)
	}
	// The first read checks the cursor against the retention.
	first, more, err := s.readAll(ctx, cursor, field)
	if err != nil {
		return nil, err
	}
	out := make(chan Event)
	f := &Feed{C: out}
	sub := &feedSub{want: visibleKinds(kinds, auth.FromContext(ctx).Role)}
	go func() {
		defer close(out)
		f.err = s.follow(ctx, sub, cursor, first, more, field, out)
	}()
	return f, nil
}

// readAll reads up to tailBatch events of every kind after cursor and
// reports whether more follow; a cursor before the purged part of the log
// is BAD_USER_INPUT on field (ErrCursorExpired).
func (s *Service) readAll(ctx context.Context, cursor Cursor, field string) ([]Event, bool, error) {
	evs, purged, err := s.store.ChangesAfter(ctx, int64(cursor), Kinds, tailBatch+1)
	if err != nil {
		return nil, false, fmt.Errorf("read changes: %w", err)
	}
	if int64(cursor) < purged {
		return nil, false, expired(field)
	}
	if len(evs) > tailBatch {
		return evs[:tailBatch], true, nil
	}
	return evs, false, nil
}

func expired(field string) error {
	return &apperr.Error{Code: apperr.BadUserInput, Field: field,
		Message:    "the cursor is older than the change log's retention: its next events were purged; start again without a cursor",
		Extensions: map[string]any{"reason": ReasonCursorExpired}, Err: ErrCursorExpired}
}

// follow replays from cursor (page is the first read's events) until it
// has caught up with the tail, then forwards the tail's events, until ctx
// ends (nil) or the tail drops the subscriber (its error).
func (s *Service) follow(ctx context.Context, sub *feedSub, cursor Cursor, page []Event, more bool, field string, out chan<- Event) error {
	send := func(e Event) bool {
		select {
		case out <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	failures := 0
	for {
		for _, e := range page {
			if sub.wants(e) && !send(e) {
				return nil
			}
			cursor = Cursor(e.Seq)
		}
		if !more && s.tail.join(sub, cursor) {
			break
		}
		var err error
		page, more, err = s.readAll(ctx, cursor, field)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrCursorExpired):
			return err
		case err != nil:
			failures++
			backoff := min(s.cfg.PollInterval<<min(failures, 8), 30*time.Second)
			s.cfg.Log.Warn("change stream: replay read failed; retrying", "err", err, "retryIn", backoff)
			if !pause(ctx, nil, backoff) {
				return nil
			}
			page, more = nil, true
		default:
			failures = 0
		}
	}
	defer s.tail.leave(sub)
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-sub.ch:
			if !send(e) {
				return nil
			}
		case <-sub.done:
			// What was handed over before the drop is still in order.
			for {
				select {
				case e := <-sub.ch:
					if !send(e) {
						return nil
					}
				default:
					return sub.err
				}
			}
		}
	}
}

// join registers sub, whose replay has read the log through cursor, when
// the tail has not read past cursor (else the subscriber must read the
// difference itself first and try again). The first subscriber starts the
// tail at its cursor.
func (t *tail) join(sub *feedSub, cursor Cursor) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.run != nil && t.run.pos > cursor {
		return false
	}
	sub.last = cursor
	sub.ch = make(chan Event, t.svc.cfg.SubscriberBuffer)
	sub.done = make(chan struct{})
	t.subs[sub] = struct{}{}
	if t.run == nil {
		t.run = &tailRun{pos: cursor, stop: make(chan struct{})}
		go t.follow(t.run)
	}
	return true
}

// leave unregisters sub; the last one stops the tail.
func (t *tail) leave(sub *feedSub) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.drop(sub, nil)
}

// drop removes sub (with err as its stream's end, when not nil); the tail
// stops with its last subscriber. Call with t.mu held.
func (t *tail) drop(sub *feedSub, err error) {
	if _, ok := t.subs[sub]; !ok {
		return
	}
	delete(t.subs, sub)
	if err != nil {
		sub.err = err
		close(sub.done)
	}
	if len(t.subs) == 0 && t.run != nil {
		close(t.run.stop)
		t.run = nil
	}
}

// follow reads the log for run until it is stopped: at once, then every
// PollInterval and whenever the Signal fires.
func (t *tail) follow(run *tailRun) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-run.stop; cancel() }()
	cfg := t.svc.cfg
	failures := 0
	for {
		// Take the signal's channel before reading, so that a write
		// committed after the read still wakes the wait below.
		wake := cfg.Signal.C()
		more, err := t.read(ctx, run)
		wait := cfg.PollInterval
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			wait = min(cfg.PollInterval<<min(failures, 8), 30*time.Second)
			wake = nil
			cfg.Log.Warn("change tail: read failed; retrying", "err", err, "retryIn", wait)
		default:
			failures = 0
			if more {
				continue
			}
		}
		if !pause(ctx, wake, wait) {
			return
		}
	}
}

// read hands the events after run's position to the subscribers and
// reports whether more follow.
func (t *tail) read(ctx context.Context, run *tailRun) (bool, error) {
	t.mu.Lock()
	from := run.pos
	t.mu.Unlock()
	evs, purged, err := t.svc.store.ChangesAfter(ctx, int64(from), Kinds, tailBatch+1)
	if err != nil {
		return false, fmt.Errorf("read changes: %w", err)
	}
	more := len(evs) > tailBatch
	if more {
		evs = evs[:tailBatch]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.run != run {
		return false, nil // stopped meanwhile
	}
	if int64(from) < purged {
		// Down longer than the retention: the purged events are lost to
		// every subscriber, whose streams end so that they start again.
		for sub := range t.subs {
			t.drop(sub, expired("after"))
		}
		return false, nil
	}
	for _, e := range evs {
		for sub := range t.subs {
			if Cursor(e.Seq) <= sub.last {
				continue
			}
			sub.last = Cursor(e.Seq)
			if !sub.wants(e) {
				continue
			}
			select {
			case sub.ch <- e:
			default:
				t.drop(sub, &apperr.Error{Code: apperr.RateLimited,
					Message: fmt.Sprintf("the subscription fell more than %d events behind the change log and was ended; "+
						"subscribe again with `after` set to the cursor of the last event received", cap(sub.ch)),
					Extensions: map[string]any{"reason": ReasonSubscriberTooSlow}, Err: ErrSubscriberTooSlow})
			}
		}
		run.pos = Cursor(e.Seq)
	}
	return more, nil
}
