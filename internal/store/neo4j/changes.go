package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
)

// The change log's graph (migration 6):
//
//	(:ChangeCounter {name: 'changes', seq, purgedThrough})
//	(:ChangeEvent {id, seq, kind, entityId, relatedId, productId, at, actorId, actorRole})
//
// Every write of enterprises, supply relations and leads ends its
// transaction with appendChanges: it increments the one counter node and
// creates its events with the next sequence numbers. The increment takes
// the counter's write lock, held until commit, so writers that append
// events commit one after the other in seq order: a reader that has seen
// seq n has seen every event up to n (none commits later with a smaller
// seq, and a rolled-back writer's numbers are taken again by the next).
// appendChanges runs last in each transaction to hold that lock briefly,
// and since it is always the last lock taken it cannot deadlock.

// changeRow is one event to append; ids are made outside the retried
// transaction function.
type changeRow struct {
	id                             string
	kind                           changes.Kind
	entityID, relatedID, productID string
}

// newChangeIDs returns n random event ids.
func newChangeIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		var b [16]byte
		_, _ = rand.Read(b[:])
		out[i] = hex.EncodeToString(b[:])
	}
	return out
}

const qAppendChanges = `MERGE (c:ChangeCounter {name: 'changes'})
SET c.seq = coalesce(c.seq, 0) + size($events)
WITH c.seq - size($events) AS base
UNWIND range(0, size($events) - 1) AS i
WITH base + i + 1 AS seq, $events[i] AS ev
CREATE (:ChangeEvent {id: ev.id, seq: seq, kind: ev.kind, entityId: ev.entityId,
  relatedId: ev.relatedId, productId: ev.productId, at: datetime(),
  actorId: $actorId, actorRole: $actorRole})`

// appendChanges appends rows to the change log in tx; the caller's
// principal (from ctx) is recorded as the actor. It must be the last
// statement of the transaction (see above).
func appendChanges(ctx context.Context, tx neo4j.ManagedTransaction, rows []changeRow) error {
	if len(rows) == 0 {
		return nil
	}
	evs := make([]any, len(rows))
	for i, r := range rows {
		evs[i] = map[string]any{"id": r.id, "kind": string(r.kind), "entityId": r.entityID,
			"relatedId": nonEmpty(r.relatedID), "productId": nonEmpty(r.productID)}
	}
	p := auth.FromContext(ctx)
	_, err := run(ctx, tx, qAppendChanges, map[string]any{
		"events": evs, "actorId": p.ID, "actorRole": string(p.Role),
	})
	return err
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SetChangeSignal makes every write that appended events notify sig after
// it committed (followers and subscriptions of this process wake at once).
// Call it once, before serving.
func (s *Store) SetChangeSignal(sig *changes.Signal) { s.changeSignal = sig }

// writeLogged is write for work that appends change events: it notifies
// the change signal once the transaction committed. Inside a joined
// transaction (WithTransaction) the notification waits for its commit.
func writeLogged[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	v, err := write(ctx, s, work)
	if err == nil && joinedOf(ctx, s) == nil {
		s.changeSignal.Notify()
	}
	return v, err
}

const (
	qChangesAfter = `MATCH (e:ChangeEvent) WHERE e.seq > $after AND e.kind IN $kinds
RETURN e ORDER BY e.seq LIMIT $limit`
	qChangesPurged = `OPTIONAL MATCH (c:ChangeCounter {name: 'changes'})
RETURN coalesce(c.purgedThrough, 0) AS purged`
	qChangeEvent     = `MATCH (e:ChangeEvent {id: $id}) RETURN e`
	qLatestChangeSeq = `OPTIONAL MATCH (k:ChangeCounter {name: 'changes'}) RETURN coalesce(k.seq, 0) AS seq`
	// qPurgeChanges deletes the oldest events first and records through
	// which seq the log was purged, so that a cursor before it is refused
	// instead of silently skipping the purged events.
	qPurgeChanges = `MATCH (e:ChangeEvent) WHERE e.at < $before
WITH e ORDER BY e.seq LIMIT $limit
WITH collect(e) AS es
CALL (es) {
  WITH es WHERE size(es) > 0
  MERGE (c:ChangeCounter {name: 'changes'})
  SET c.purgedThrough = CASE WHEN coalesce(c.purgedThrough, 0) > es[-1].seq
                             THEN c.purgedThrough ELSE es[-1].seq END
}
FOREACH (e IN es | DELETE e)
RETURN size(es) AS purged`
)

// ChangesAfter implements changes.Storer.
func (s *Store) ChangesAfter(ctx context.Context, after int64, kinds []changes.Kind, limit int) ([]changes.Event, int64, error) {
	if len(kinds) == 0 {
		kinds = changes.Kinds
	}
	ks := kindParams(kinds)
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (changeWindow, error) {
		return changesAfter(ctx, tx, after, ks, limit)
	})
	return r.evs, r.purged, err
}

// changeWindow is a run of events and the seq through which the log was
// purged.
type changeWindow struct {
	evs    []changes.Event
	purged int64
}

func changesAfter(ctx context.Context, tx neo4j.ManagedTransaction, after int64, kinds []any, limit int) (changeWindow, error) {
	var out changeWindow
	rec, err := single(ctx, tx, qChangesPurged, nil)
	if err != nil {
		return out, err
	}
	if rec != nil {
		out.purged, _, err = neo4j.GetRecordValue[int64](rec, "purged")
		if err != nil {
			return out, err
		}
	}
	recs, err := run(ctx, tx, qChangesAfter, map[string]any{"after": after, "kinds": kinds, "limit": limit})
	if err != nil {
		return out, err
	}
	out.evs = make([]changes.Event, 0, len(recs))
	for _, r := range recs {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](r, "e")
		if err != nil {
			return out, err
		}
		out.evs = append(out.evs, changeEventFrom(n))
	}
	return out, nil
}

// ChangeEvent implements changes.Storer.
func (s *Store) ChangeEvent(ctx context.Context, id string) (changes.Event, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (changes.Event, error) {
		rec, err := single(ctx, tx, qChangeEvent, map[string]any{"id": id})
		if err != nil {
			return changes.Event{}, err
		}
		if rec == nil {
			return changes.Event{}, apperr.ErrNotFound
		}
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "e")
		if err != nil {
			return changes.Event{}, err
		}
		return changeEventFrom(n), nil
	})
}

// PurgeChangesBefore implements changes.Storer.
func (s *Store) PurgeChangesBefore(ctx context.Context, before time.Time, limit int) (int64, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, qPurgeChanges, map[string]any{"before": before.UTC(), "limit": limit})
		if err != nil || rec == nil {
			return 0, err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "purged")
		return n, err
	})
}

func changeEventFrom(n dbtype.Node) changes.Event {
	str := func(name string) string { v, _ := neo4j.GetProperty[string](n, name); return v }
	seq, _ := neo4j.GetProperty[int64](n, "seq")
	at, _ := neo4j.GetProperty[time.Time](n, "at")
	return changes.Event{
		ID: str("id"), Seq: seq, Kind: changes.Kind(str("kind")), EntityID: str("entityId"),
		RelatedID: str("relatedId"), ProductID: str("productId"), At: at.UTC(),
		ActorID: str("actorId"), ActorRole: auth.Role(str("actorRole")),
	}
}

// LatestChangeSeq implements changes.Storer and changes.CursorStore.
func (s *Store) LatestChangeSeq(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, qLatestChangeSeq, nil)
		if err != nil || rec == nil {
			return 0, err
		}
		v, _, err := neo4j.GetRecordValue[int64](rec, "seq")
		return v, err
	})
}

func kindParams(kinds []changes.Kind) []any {
	out := make([]any, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// enterpriseID is an enterprise's global id, as events carry it.
func enterpriseID(uscc string) string { return gid.Encode(gid.Enterprise, uscc) }

var _ changes.Storer = (*Store)(nil)
