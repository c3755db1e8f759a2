package alert

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"chainmatch/internal/auth"
)

// DefaultPollInterval is how often a replica's hub reads new alerts while
// someone is subscribed.
const DefaultPollInterval = 500 * time.Millisecond

// Hub streams new alerts to this replica's subscribers. It needs no
// message bus: while anyone is subscribed, one poller per process reads
// the alerts recorded after the last one it saw (by position: their
// cause's place in the change log, which the single leased evaluator
// commits in order, then their id), one statement per interval whatever
// the number of subscribers, and hands each subscriber its owner's
// alerts. The poller starts with the first subscriber and stops with the
// last. Every replica has its own hub over the same graph, so a
// subscription works on any replica.
//
// A subscriber that reads slower than its alerts come loses none: when its
// buffer is full the poller stops handing it alerts, and the subscriber,
// once it has drained the buffer, reads what it missed from the store
// itself (from the last alert it got) at its own pace, then rejoins the
// poller; the poller skips what it already got. The others never wait
// for it.
type Hub struct {
	store Storer
	every time.Duration
	log   *slog.Logger
	// buffer is each subscriber's buffer, batch the most alerts read per
	// statement (a larger backlog takes several).
	buffer, batch int

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	last Position      // the position read up to; valid while subs > 0
	stop chan struct{} // closed when the last subscriber leaves
}

type subscriber struct {
	owner string
	ch    chan Alert
	// Under Hub.mu: pos is the last alert handed to the subscriber (ch or
	// its catch-up); behind is set when ch was full, and wake then
	// signalled: the poller hands it nothing until its catch-up clears it.
	pos    Position
	behind bool
	wake   chan struct{}
}

// NewHub returns a hub polling store every interval (DefaultPollInterval
// when 0) while it has subscribers.
func NewHub(store Storer, every time.Duration, log *slog.Logger) *Hub {
	if every <= 0 {
		every = DefaultPollInterval
	}
	if log == nil {
		log = slog.Default()
	}
	return &Hub{store: store, every: every, log: log, buffer: 64, batch: 500, subs: map[*subscriber]struct{}{}}
}

// run polls until stop is closed.
func (h *Hub) run(stop chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if err := h.poll(ctx); err != nil && ctx.Err() == nil {
			h.log.Warn("alert hub poll failed", "err", err)
		}
	}
}

func (h *Hub) poll(ctx context.Context) error {
	h.mu.Lock()
	n, from := len(h.subs), h.last
	h.mu.Unlock()
	if n == 0 {
		return nil
	}
	for {
		as, err := h.store.AlertsAfter(ctx, from, h.batch)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return nil
		}
		h.mu.Lock()
		for _, a := range as {
			at := a.Position()
			for s := range h.subs {
				if s.owner != a.OwnerID || s.behind || !s.pos.Before(at) {
					continue
				}
				select {
				case s.ch <- a:
					s.pos = at
				default:
					// Full: it reads the rest from the store itself.
					s.behind = true
					select {
					case s.wake <- struct{}{}:
					default:
					}
				}
			}
			from = at
		}
		if h.last.Before(from) {
			h.last = from
		}
		h.mu.Unlock()
		if len(as) < h.batch {
			return nil
		}
	}
}

// catchUp hands s, which fell behind, the owner's alerts after the last it
// got, read from the store page by page, until a read that began after the
// poller had read up to some position reaches the end with the poller
// still there; then s rejoins the poller. (Comparing positions instead
// would never end when the poller's last alert was deleted meanwhile:
// deleting a saved search deletes its alerts.) It returns ctx's error (or
// nil once caught up); a failed read is retried every poll interval.
func (h *Hub) catchUp(ctx context.Context, s *subscriber, send func(Alert) bool) error {
	h.mu.Lock()
	read, target := s.pos, h.last
	h.mu.Unlock()
	for {
		as, err := h.store.AlertsAfter(ctx, read, h.batch)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			h.log.Warn("alert subscriber catch-up read failed", "err", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(h.every):
			}
			continue
		}
		for _, a := range as {
			read = a.Position()
			if a.OwnerID != s.owner {
				continue
			}
			if !send(a) {
				return ctx.Err()
			}
			h.mu.Lock()
			s.pos = read
			h.mu.Unlock()
		}
		if len(as) == h.batch {
			continue
		}
		// The store had nothing after read when this page was read, which
		// began after the poller had read up to target: if the poller has
		// read nothing since, s has everything it would have handed out.
		h.mu.Lock()
		if h.last == target {
			s.behind = false
			h.mu.Unlock()
			return nil
		}
		target = h.last
		h.mu.Unlock()
	}
}

// subscribe registers a subscriber of owner's alerts until ctx ends. The
// first subscriber of an idle hub starts its poller at the newest alert,
// so only alerts recorded from then on are sent.
func (h *Hub) subscribe(ctx context.Context, owner string) (<-chan Alert, error) {
	last, err := h.store.LastAlertSeq(ctx)
	if err != nil {
		return nil, err
	}
	s := &subscriber{owner: owner, ch: make(chan Alert, h.buffer), wake: make(chan struct{}, 1)}
	h.mu.Lock()
	if len(h.subs) == 0 {
		// The alerts of one change are committed together: after those
		// of the newest cause, the next alert has a later one.
		h.last = Position{Seq: last + 1}
		h.stop = make(chan struct{})
		go h.run(h.stop)
	}
	s.pos = h.last
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	out := make(chan Alert)
	send := func(a Alert) bool {
		select {
		case out <- a:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(out)
		defer func() {
			h.mu.Lock()
			delete(h.subs, s)
			if len(h.subs) == 0 {
				close(h.stop)
			}
			h.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case a := <-s.ch:
				if !send(a) {
					return
				}
			case <-s.wake:
				// The poller stopped filling ch when it set behind: hand
				// out what is in it, then read the rest.
				for len(s.ch) > 0 {
					if !send(<-s.ch) {
						return
					}
				}
				if h.catchUp(ctx, s, send) != nil {
					return
				}
			}
		}
	}()
	return out, nil
}

// Subscribe streams the caller's new alerts (of the searches the caller
// saved) until ctx ends. Anonymous callers are UNAUTHENTICATED.
func (s *Service) Subscribe(ctx context.Context, h *Hub) (<-chan Alert, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return nil, err
	}
	return h.subscribe(ctx, auth.FromContext(ctx).ID)
}
