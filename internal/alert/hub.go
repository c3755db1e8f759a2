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
// the alerts recorded after the last one it saw (by their cause's position
// in the change log, which the single leased evaluator commits in order),
// one statement per interval whatever the number of subscribers, and hands
// each subscriber its owner's alerts. The poller starts with the first
// subscriber and stops with the last. Every replica has its own hub over
// the same graph, so a subscription works on any replica.
type Hub struct {
	store Storer
	every time.Duration
	log   *slog.Logger

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	last int64         // the highest cause position delivered; valid while subs > 0
	stop chan struct{} // closed when the last subscriber leaves
}

type subscriber struct {
	owner string
	ch    chan Alert
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
	return &Hub{store: store, every: every, log: log, subs: map[*subscriber]struct{}{}}
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

// pollBatch caps the alerts read per statement; a larger backlog is read
// in several statements of one poll.
const pollBatch = 500

func (h *Hub) poll(ctx context.Context) error {
	h.mu.Lock()
	n, from := len(h.subs), h.last
	h.mu.Unlock()
	if n == 0 {
		return nil
	}
	for {
		as, err := h.store.AlertsAfter(ctx, from, pollBatch)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return nil
		}
		h.mu.Lock()
		for _, a := range as {
			for s := range h.subs {
				if s.owner == a.OwnerID {
					select {
					case s.ch <- a:
					default: // a subscriber that does not read loses alerts rather than stall the others
						h.log.Warn("alert subscriber too slow, alert dropped", "alert", a.ID)
					}
				}
			}
			from = max(from, a.Cause.Seq)
		}
		h.last = max(h.last, from)
		h.mu.Unlock()
		if len(as) < pollBatch {
			return nil
		}
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
	s := &subscriber{owner: owner, ch: make(chan Alert, 64)}
	h.mu.Lock()
	if len(h.subs) == 0 {
		h.last = last
		h.stop = make(chan struct{})
		go h.run(h.stop)
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	out := make(chan Alert)
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
				select {
				case out <- a:
				case <-ctx.Done():
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
