package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/apperr"
	"chainmatch/internal/changes"
)

// A consumer of the change log (changes.Follower) keeps its position and
// its lease in one node:
//
//	(:ChangeCursor {name, seq, owner, leaseUntil})
//
// Every transaction that claims the lease or advances the cursor first
// takes the node's write lock (SET c.locked), then reads owner and lease,
// so two replicas never both believe they hold it, and a replica whose
// lease was taken over cannot advance the cursor any more.

const (
	qCursorLock = `OPTIONAL MATCH (k:ChangeCounter {name: 'changes'})
WITH CASE WHEN $fromNow THEN coalesce(k.seq, 0) ELSE 0 END AS start
MERGE (c:ChangeCursor {name: $name})
  ON CREATE SET c.seq = start
SET c.locked = true
RETURN c.seq AS seq, c.owner AS owner,
       coalesce(c.leaseUntil < datetime(), true) AS expired`
	qCursorLease = `MATCH (c:ChangeCursor {name: $name})
SET c.owner = $owner, c.leaseUntil = datetime() + duration({milliseconds: $ttl})
REMOVE c.locked`
	qCursorUnlock  = `MATCH (c:ChangeCursor {name: $name}) REMOVE c.locked`
	qCursorAdvance = `MATCH (c:ChangeCursor {name: $name})
SET c.seq = $seq, c.leaseUntil = datetime() + duration({milliseconds: $ttl})
REMOVE c.locked`
	qCursorRelease = `MATCH (c:ChangeCursor {name: $name}) WHERE c.owner = $owner
SET c.locked = true
REMOVE c.owner, c.leaseUntil, c.locked`
	qChangeCursor = `MATCH (c:ChangeCursor {name: $name}) RETURN c.seq AS seq`
)

// lockCursor takes the cursor's write lock (creating it when new) and
// says whether owner may hold its lease.
func lockCursor(ctx context.Context, tx neo4j.ManagedTransaction, name, owner string, fromNow bool) (seq int64, free bool, err error) {
	rec, err := single(ctx, tx, qCursorLock, map[string]any{"name": name, "fromNow": fromNow})
	if err != nil {
		return 0, false, err
	}
	if rec == nil {
		return 0, false, fmt.Errorf("change cursor %s: no record", name)
	}
	r := &row{rec: rec}
	seq = int64(r.integer("seq"))
	cur := r.optStr("owner")
	expired := r.boolean("expired")
	if r.err != nil {
		return 0, false, r.err
	}
	return seq, cur == nil || *cur == owner || expired, nil
}

// ClaimChangeCursor implements changes.CursorStore.
func (s *Store) ClaimChangeCursor(ctx context.Context, name, owner string, ttl time.Duration, fromNow bool) (bool, int64, error) {
	type claim struct {
		held bool
		seq  int64
	}
	c, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (claim, error) {
		seq, free, err := lockCursor(ctx, tx, name, owner, fromNow)
		if err != nil {
			return claim{}, err
		}
		q, params := qCursorUnlock, map[string]any{"name": name}
		if free {
			q, params = qCursorLease, map[string]any{"name": name, "owner": owner, "ttl": ttl.Milliseconds()}
		}
		if _, err := run(ctx, tx, q, params); err != nil {
			return claim{}, err
		}
		return claim{held: free, seq: seq}, nil
	})
	return c.held, c.seq, err
}

// ProcessChanges implements changes.CursorStore: in one write transaction
// it checks the lease, reads the next events, runs handle with a context
// that joins the transaction, and advances the cursor (renewing the
// lease), so that handle's writes and the advance commit together.
func (s *Store) ProcessChanges(ctx context.Context, name, owner string, ttl time.Duration, limit int,
	handle changes.Handler) (changes.Batch, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (changes.Batch, error) {
		seq, free, err := lockCursor(ctx, tx, name, owner, false)
		if err != nil {
			return changes.Batch{}, err
		}
		if !free {
			return changes.Batch{}, changes.ErrLeaseLost
		}
		w, err := changesAfter(ctx, tx, seq, kindParams(changes.Kinds), limit)
		if err != nil {
			return changes.Batch{}, err
		}
		b := changes.Batch{Through: seq}
		if seq < w.purged {
			// The events after the cursor were purged before this consumer
			// read them: it goes on from the purge point and says so.
			b.SkippedPurged = w.purged - seq
			b.Through = w.purged
		}
		if len(w.evs) > 0 {
			if err := handle(withJoined(ctx, s, tx), w.evs); err != nil {
				return changes.Batch{}, err
			}
			b.Events = len(w.evs)
			b.Through = w.evs[len(w.evs)-1].Seq
		}
		_, err = run(ctx, tx, qCursorAdvance, map[string]any{"name": name, "seq": b.Through, "ttl": ttl.Milliseconds()})
		return b, err
	})
}

// ReleaseChangeCursor implements changes.CursorStore.
func (s *Store) ReleaseChangeCursor(ctx context.Context, name, owner string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qCursorRelease, map[string]any{"name": name, "owner": owner})
		return struct{}{}, err
	})
	return err
}

// ChangeCursorSeq returns the seq through which the named consumer has
// processed the log, or apperr.ErrNotFound for an unknown consumer.
func (s *Store) ChangeCursorSeq(ctx context.Context, name string) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, qChangeCursor, map[string]any{"name": name})
		if err != nil {
			return 0, err
		}
		if rec == nil {
			return 0, fmt.Errorf("change cursor %s: %w", name, apperr.ErrNotFound)
		}
		v, _, err := neo4j.GetRecordValue[int64](rec, "seq")
		return v, err
	})
}

var _ changes.CursorStore = (*Store)(nil)
