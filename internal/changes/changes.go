// Package changes is chainmatch's change log: every write to enterprises,
// supply relations and leads appends a ChangeEvent in the same Neo4j
// transaction as the change (internal/store/neo4j does the appending), so
// there is no event without its change and no change without its event.
// Events carry a sequence number that grows strictly in commit order;
// readers page by it (After), resume from a cursor, and the Follower runs
// a named consumer with a durable cursor and a lease (exactly once per
// consumer, one replica at a time). It also decides who may read which
// events: LEAD_CHANGED only staff and admins, anonymous callers nothing.
// See docs/changes.md.
package changes

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

// Kind is what an event reports. Values equal the GraphQL enum ChangeKind.
type Kind string

// The change kinds.
const (
	EnterpriseCreated Kind = "ENTERPRISE_CREATED"
	EnterpriseUpdated Kind = "ENTERPRISE_UPDATED"
	EnterpriseDeleted Kind = "ENTERPRISE_DELETED"
	SupplyAdded       Kind = "SUPPLY_ADDED"
	SupplyRemoved     Kind = "SUPPLY_REMOVED"
	LeadChanged       Kind = "LEAD_CHANGED"
)

// Kinds lists every kind.
var Kinds = []Kind{EnterpriseCreated, EnterpriseUpdated, EnterpriseDeleted, SupplyAdded, SupplyRemoved, LeadChanged}

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Event is one entry of the change log.
type Event struct {
	// ID is the event's own id (random, unique); its global id is
	// gid.Encode(gid.ChangeEvent, ID). Webhook receivers deduplicate by it.
	ID string
	// Seq is the event's position in commit order, strictly increasing.
	Seq int64
	// Kind says what changed.
	Kind Kind
	// EntityID is the global id of the changed object: the enterprise
	// (ENTERPRISE_*), the supplier (SUPPLY_*) or the lead (LEAD_CHANGED).
	EntityID string
	// RelatedID is the customer's global id for SUPPLY_*, "" otherwise.
	RelatedID string
	// ProductID is the product's global id for SUPPLY_* of one product,
	// "" when the relation names no product (or, for SUPPLY_REMOVED, all
	// relations between the two were removed).
	ProductID string
	// At is when the change's transaction wrote it. Ordering is by Seq;
	// At of consecutive events may differ in order by a few milliseconds.
	At time.Time
	// ActorID and ActorRole name the caller that made the change
	// (auth.Principal.ID and Role; "" for the server itself).
	ActorID   string
	ActorRole auth.Role
}

// VisibleTo reports whether role may read e: LEAD_CHANGED only staff and
// admins, every other kind partners and up, anonymous callers none.
func (e Event) VisibleTo(role auth.Role) bool {
	if e.Kind == LeadChanged {
		return role.AtLeast(auth.Staff)
	}
	return role.AtLeast(auth.Partner)
}

// Cursor is an opaque position in the log: the Seq of the last event seen.
// The zero cursor is before every event.
type Cursor int64

const cursorPrefix = "changes:"

// String encodes the cursor for clients.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(int64(c), 10)))
}

// ParseCursor decodes a cursor that String made; field names the argument
// for the BAD_USER_INPUT error. "" is the start of the log.
func ParseCursor(s, field string) (Cursor, error) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return 0, apperr.Invalid(field, "not a cursor of the change log")
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), cursorPrefix), 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.Invalid(field, "not a cursor of the change log")
	}
	return Cursor(n), nil
}

// ReasonCursorExpired is errors[].extensions.reason of the BAD_USER_INPUT
// a cursor older than the retention gets.
const ReasonCursorExpired = "CURSOR_EXPIRED"

// Page is a run of events in Seq order.
type Page struct {
	Events []Event
	// HasMore says that events follow the page (at the time of reading).
	HasMore bool
	// End is the cursor after the page: the last event's Seq, or the
	// cursor read from when the page is empty.
	End Cursor
}

// Storer is what the change log needs from the graph.
type Storer interface {
	// ChangesAfter returns up to limit events with Seq > after in Seq
	// order, only of kinds (every kind when empty), and the Seq through
	// which events have been purged (0 if none).
	ChangesAfter(ctx context.Context, after int64, kinds []Kind, limit int) (events []Event, purgedThrough int64, err error)
	// ChangeEvent returns one event by its id or apperr.ErrNotFound.
	ChangeEvent(ctx context.Context, id string) (Event, error)
	// PurgeChangesBefore deletes events written before before (at most
	// limit of them) and returns how many it deleted.
	PurgeChangesBefore(ctx context.Context, before time.Time, limit int) (int64, error)
	// LatestChangeSeq is the seq of the newest event committed (0 when none).
	LatestChangeSeq(ctx context.Context) (int64, error)
}

// Service reads the change log with its access rules.
type Service struct {
	store Storer
	cfg   Config
	now   func() time.Time
	tail  *tail
}

// Config tunes the Service; zero values take the defaults.
type Config struct {
	// Retention is how long events are kept (default DefaultRetention).
	Retention time.Duration
	// Signal wakes streams after local writes (see Signal); nil means
	// they see new events at their next poll only.
	Signal *Signal
	// PollInterval is how often a stream looks for events committed by
	// other replicas (default DefaultPollInterval).
	PollInterval time.Duration
	// Log receives stream failures (default slog.Default).
	Log *slog.Logger
	// SubscriberBuffer is how many live events a subscriber may fall
	// behind the process's change tail before its stream is ended with
	// ErrSubscriberTooSlow (default DefaultSubscriberBuffer).
	SubscriberBuffer int
}

// The defaults of Config.
const (
	DefaultRetention    = 30 * 24 * time.Hour
	DefaultPollInterval = 200 * time.Millisecond
	// DefaultSubscriberBuffer is Config.SubscriberBuffer's default.
	DefaultSubscriberBuffer = 256
)

// MaxPage is the most events one read returns.
const MaxPage = 1000

// NewService returns the change log's service.
func NewService(store Storer, cfg Config) *Service {
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.SubscriberBuffer <= 0 {
		cfg.SubscriberBuffer = DefaultSubscriberBuffer
	}
	s := &Service{store: store, cfg: cfg, now: time.Now}
	s.tail = &tail{svc: s, subs: map[*feedSub]struct{}{}}
	return s
}

// Retention is how long events are kept.
func (s *Service) Retention() time.Duration { return s.cfg.Retention }

// Signal is the process's signal of local writes (nil if none), for the
// Followers that should wake with this service's streams.
func (s *Service) Signal() *Signal { return s.cfg.Signal }

// ErrCursorExpired is wrapped by the error After returns for a cursor
// whose following events were purged.
var ErrCursorExpired = errors.New("cursor older than the change log's retention")

// authorize lets partners and up read the log; anonymous callers get
// UNAUTHENTICATED.
func authorize(ctx context.Context) error { return auth.Require(ctx, auth.Partner) }

// After returns up to limit events after cursor, of kinds (all when
// empty), that the caller may see, in commit order; the events of other
// kinds are skipped. field names the cursor argument for errors.
func (s *Service) After(ctx context.Context, after Cursor, kinds []Kind, limit int, field string) (Page, error) {
	if err := authorize(ctx); err != nil {
		return Page{}, err
	}
	if limit < 1 || limit > MaxPage {
		return Page{}, apperr.OutOfRange("first", 1, MaxPage, "first must be between 1 and %d", MaxPage)
	}
	role := auth.FromContext(ctx).Role
	want := visibleKinds(kinds, role)
	if len(want) == 0 {
		return Page{End: after}, nil
	}
	evs, purged, err := s.store.ChangesAfter(ctx, int64(after), want, limit+1)
	if err != nil {
		return Page{}, fmt.Errorf("read changes: %w", err)
	}
	if int64(after) < purged {
		return Page{}, &apperr.Error{Code: apperr.BadUserInput, Field: field,
			Message:    "the cursor is older than the change log's retention: its next events were purged; start again without a cursor",
			Extensions: map[string]any{"reason": ReasonCursorExpired}, Err: ErrCursorExpired}
	}
	p := Page{End: after}
	if len(evs) > limit {
		p.HasMore, evs = true, evs[:limit]
	}
	p.Events = evs
	if len(evs) > 0 {
		p.End = Cursor(evs[len(evs)-1].Seq)
	}
	return p, nil
}

// visibleKinds narrows kinds (all when empty) to those role may see.
func visibleKinds(kinds []Kind, role auth.Role) []Kind {
	if len(kinds) == 0 {
		kinds = Kinds
	}
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		if (Event{Kind: k}).VisibleTo(role) && !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func contains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Event returns one event the caller may see; NOT_FOUND also when the
// caller may not see it (so that it learns nothing of leads).
func (s *Service) Event(ctx context.Context, id string) (Event, error) {
	if err := authorize(ctx); err != nil {
		return Event{}, err
	}
	e, err := s.store.ChangeEvent(ctx, id)
	if err != nil {
		return Event{}, err
	}
	if !e.VisibleTo(auth.FromContext(ctx).Role) {
		return Event{}, apperr.ErrNotFound
	}
	return e, nil
}

// Purge deletes the events older than the retention, in batches, and
// returns how many it deleted.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	before := s.now().Add(-s.cfg.Retention)
	var total int64
	for {
		n, err := s.store.PurgeChangesBefore(ctx, before, 10000)
		total += n
		if err != nil {
			return total, fmt.Errorf("purge changes: %w", err)
		}
		if n < 10000 {
			return total, nil
		}
	}
}

// RunPurge purges every interval until ctx ends, logging failures through
// report (which may be nil).
func (s *Service) RunPurge(ctx context.Context, interval time.Duration, report func(deleted int64, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.Purge(ctx)
		if report != nil && (err != nil || n > 0) {
			report(n, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Signal wakes the readers of this process when a local write appended
// events, so that followers and subscriptions of the same replica react at
// once instead of at their next poll. Other replicas see the events at
// their next poll. The zero Signal is not usable; use NewSignal.
type Signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// NewSignal returns a Signal.
func NewSignal() *Signal { return &Signal{ch: make(chan struct{})} }

// Notify wakes everyone waiting on the channel C returned before.
func (s *Signal) Notify() {
	if s == nil {
		return
	}
	s.mu.Lock()
	close(s.ch)
	s.ch = make(chan struct{})
	s.mu.Unlock()
}

// C returns a channel closed by the next Notify. A nil Signal never fires.
func (s *Signal) C() <-chan struct{} {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ch
}

// pause waits for wake or d; false when ctx ended first.
func pause(ctx context.Context, wake <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-wake:
	case <-t.C:
	}
	return true
}
