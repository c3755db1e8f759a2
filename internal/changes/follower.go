package changes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Handler processes a batch of events for a Follower. ctx carries the
// consumer's write transaction: every store method called with ctx writes
// in it, and those writes commit together with the cursor's advance past
// the batch, or not at all. A Handler must therefore make its effects only
// through the store with ctx (enqueue a delivery, record an alert), never
// directly outside (no HTTP calls): the transaction may be retried, and
// the Handler then runs again with the same events. An error rolls the
// batch back; the Follower retries it later.
type Handler func(ctx context.Context, events []Event) error

// Batch is what one ProcessChanges did.
type Batch struct {
	// Events is how many events the handler got.
	Events int
	// Through is the cursor's seq after the batch.
	Through int64
	// SkippedPurged counts events the retention purged before this
	// consumer read them (it was stopped longer than the retention).
	SkippedPurged int64
}

// ErrLeaseLost means another owner holds the consumer's lease: this one
// must not process.
var ErrLeaseLost = errors.New("change cursor lease held by another owner")

// CursorStore is what a Follower needs from the graph.
type CursorStore interface {
	// ClaimChangeCursor takes or renews the named consumer's lease for
	// owner when it is free, its own, or expired, creating the cursor when
	// new (at the current end of the log when fromNow, else at the start).
	// It reports whether owner holds the lease and the cursor's seq.
	ClaimChangeCursor(ctx context.Context, name, owner string, ttl time.Duration, fromNow bool) (held bool, seq int64, err error)
	// ProcessChanges runs handle on up to limit events after the cursor
	// and advances the cursor past them, renewing the lease, in one
	// transaction; ErrLeaseLost when owner does not hold the lease.
	ProcessChanges(ctx context.Context, name, owner string, ttl time.Duration, limit int, handle Handler) (Batch, error)
	// ReleaseChangeCursor gives the lease up if owner holds it.
	ReleaseChangeCursor(ctx context.Context, name, owner string) error
	// LatestChangeSeq is the seq of the newest event committed (0 when none).
	LatestChangeSeq(ctx context.Context) (int64, error)
}

// FollowerConfig configures a Follower. Name and Handle are required.
type FollowerConfig struct {
	// Name identifies the consumer: its cursor and lease are shared by
	// every replica that runs a Follower of this name.
	Name string
	// Handle processes each batch.
	Handle Handler
	// FromNow makes a new consumer start at the current end of the log
	// instead of its beginning.
	FromNow bool
	// PollInterval is how often the log is checked for new events
	// (default 200 ms); Signal and Nudge wake the Follower earlier.
	PollInterval time.Duration
	// LeaseTTL is how long a lease lasts without renewal (default 10 s):
	// a replica that dies is replaced after at most this long.
	LeaseTTL time.Duration
	// BatchSize is the most events per handler call (default 100).
	BatchSize int
	// Signal, when set, wakes the Follower after local writes.
	Signal *Signal
	// Owner names this replica in the lease (default host, pid and a
	// random suffix).
	Owner string
	// Log receives lease changes and handler failures (default slog.Default).
	Log *slog.Logger
}

// Follower runs a named consumer of the change log on at most one replica
// at a time (a lease in Neo4j, renewed while it runs, taken over when it
// expires) and processes every event exactly once: the handler's writes
// and the cursor's advance commit in one transaction.
type Follower struct {
	store CursorStore
	cfg   FollowerConfig
	nudge chan struct{}
}

// NewFollower returns a Follower of cfg.Name over store.
func NewFollower(store CursorStore, cfg FollowerConfig) *Follower {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 10 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Owner == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		cfg.Owner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Follower{store: store, cfg: cfg, nudge: make(chan struct{}, 1)}
}

// Owner is the name this Follower holds the lease under.
func (f *Follower) Owner() string { return f.cfg.Owner }

// Nudge makes the Follower check the log now instead of at its next poll.
func (f *Follower) Nudge() {
	select {
	case f.nudge <- struct{}{}:
	default:
	}
}

// Run follows the log until ctx ends and returns ctx's error. It keeps the
// lease when it returns (as a crashed replica would): call Release after
// Run on a graceful shutdown so that another replica takes over at once.
func (f *Follower) Run(ctx context.Context) error {
	log := f.cfg.Log.With("consumer", f.cfg.Name, "owner", f.cfg.Owner)
	var (
		held      bool
		renewedAt time.Time
		claimedAt time.Time
		cursor    int64
		failures  int
	)
	ttl := f.cfg.LeaseTTL
	for {
		wait := f.cfg.PollInterval
		now := time.Now()
		// Holders renew at a third of the lease; others try to take it
		// over four times per lease.
		if (held && now.Sub(renewedAt) >= ttl/3) || (!held && now.Sub(claimedAt) >= ttl/4) {
			claimedAt = now
			h, seq, err := f.store.ClaimChangeCursor(ctx, f.cfg.Name, f.cfg.Owner, ttl, f.cfg.FromNow)
			switch {
			case err != nil:
				if ctx.Err() == nil {
					log.Warn("change follower: claim the lease", "err", err)
				}
				held = false
			case h:
				if !held {
					log.Info("change follower: lease taken", "seq", seq)
				}
				held, renewedAt, cursor = true, now, seq
			default:
				held = false
			}
		}
		if held {
			var err error
			cursor, err = f.drain(ctx, cursor, &renewedAt)
			switch {
			case errors.Is(err, ErrLeaseLost):
				log.Info("change follower: lease lost")
				held = false
			case err != nil && ctx.Err() == nil:
				failures++
				wait = min(f.cfg.PollInterval<<min(failures, 8), 30*time.Second)
				log.Error("change follower: batch failed; retrying", "err", err, "retryIn", wait)
			default:
				failures = 0
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-f.cfg.Signal.C():
		case <-f.nudge:
		case <-time.After(wait):
		}
	}
}

// drain processes batches while events follow cursor.
func (f *Follower) drain(ctx context.Context, cursor int64, renewedAt *time.Time) (int64, error) {
	for {
		latest, err := f.store.LatestChangeSeq(ctx)
		if err != nil {
			return cursor, err
		}
		if latest <= cursor {
			return cursor, nil
		}
		start := time.Now()
		b, err := f.store.ProcessChanges(ctx, f.cfg.Name, f.cfg.Owner, f.cfg.LeaseTTL, f.cfg.BatchSize, f.cfg.Handle)
		if err != nil {
			return cursor, err
		}
		*renewedAt = start
		if b.SkippedPurged > 0 {
			f.cfg.Log.Warn("change follower: events purged before they were processed",
				"consumer", f.cfg.Name, "skipped", b.SkippedPurged)
		}
		if b.Through <= cursor {
			return cursor, nil
		}
		cursor = b.Through
	}
}

// Release gives the lease up so that another replica takes over without
// waiting for it to expire. Call it after Run returned.
func (f *Follower) Release(ctx context.Context) error {
	return f.store.ReleaseChangeCursor(ctx, f.cfg.Name, f.cfg.Owner)
}
