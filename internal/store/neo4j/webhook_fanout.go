package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/webhook"
)

// Fan-out turns change events and match alerts into the first PENDING
// delivery of each webhook that wants them, in the same transaction that
// marks them as fanned out, so an event is queued once per webhook even
// when fan-out crashes or runs on several replicas at once.

const (
	// qLockChangeCursor takes the write lock of the fan-out's change-log
	// cursor, which serialises fan-out across replicas, and reads it.
	qLockChangeCursor = `MERGE (c:WebhookFanout {name: 'changes'}) ON CREATE SET c.seq = 0
		SET c._lock = true
		RETURN c.seq AS seq`
	qChangesAfter = `MATCH (e:ChangeEvent) WHERE e.seq > $seq
		WITH e ORDER BY e.seq LIMIT $limit
		RETURN e.id AS id, e.seq AS seq, e.kind AS kind, e.entityId AS entityId, e.at AS at`
	// qChangeSubscribers pairs events with the webhooks that receive them:
	// subscribed to the kind, registered before the event, and with an
	// owner allowed to see it.
	qChangeSubscribers = `UNWIND $events AS ev
		MATCH (w:Webhook)
		WHERE ev.kind IN w.kinds AND w.createdAt <= ev.at
		  AND (NOT ev.kind IN $staffOnlyKinds OR w.ownerRole IN $staffRoles)
		RETURN w.id AS webhookId, ev.id AS eventId, ev.kind AS kind, ev.entityId AS entityId, ev.at AS at`
	qAdvanceChangeCursor = `MATCH (c:WebhookFanout {name: 'changes'}) SET c.seq = $seq REMOVE c._lock`
)

// QueueChangeDeliveries fans out up to limit change events after the
// fan-out's cursor and advances the cursor, in one transaction; it
// returns how many events it consumed (limit means more may be waiting).
func (s *Store) QueueChangeDeliveries(ctx context.Context, now time.Time, limit int) (int, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		rec, err := single(ctx, tx, qLockChangeCursor, nil)
		if err != nil {
			return 0, err
		}
		seq, _, err := neo4j.GetRecordValue[int64](rec, "seq")
		if err != nil {
			return 0, err
		}
		recs, err := run(ctx, tx, qChangesAfter, map[string]any{"seq": seq, "limit": limit})
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		events := make([]map[string]any, 0, len(recs))
		last := seq
		for _, r := range recs {
			m := map[string]any{}
			for _, k := range []string{"id", "kind", "entityId", "at"} {
				m[k], _ = r.Get(k)
			}
			events = append(events, m)
			last, _, _ = neo4j.GetRecordValue[int64](r, "seq")
		}
		if err := queueChangeEvents(ctx, tx, events, now); err != nil {
			return 0, err
		}
		_, err = run(ctx, tx, qAdvanceChangeCursor, map[string]any{"seq": last})
		return len(recs), err
	})
}

// queueChangeEvents queues the deliveries of events (maps with id, kind,
// entityId and at) in tx.
func queueChangeEvents(ctx context.Context, tx neo4j.ManagedTransaction, events []map[string]any, now time.Time) error {
	staffRoles := make([]string, len(webhook.StaffRoles))
	for i, r := range webhook.StaffRoles {
		staffRoles[i] = string(r)
	}
	pairs, err := run(ctx, tx, qChangeSubscribers, map[string]any{
		"events": events, "staffOnlyKinds": webhook.StaffOnlyKinds, "staffRoles": staffRoles,
	})
	if err != nil {
		return err
	}
	rows := make([]queueRow, 0, len(pairs))
	for _, p := range pairs {
		var r queueRow
		r.webhookID, _, _ = neo4j.GetRecordValue[string](p, "webhookId")
		eventID, _, _ := neo4j.GetRecordValue[string](p, "eventId")
		r.kind, _, _ = neo4j.GetRecordValue[string](p, "kind")
		entityID, _, _ := neo4j.GetRecordValue[string](p, "entityId")
		at, _, _ := neo4j.GetRecordValue[time.Time](p, "at")
		r.eventID = webhook.ChangeEventID(eventID)
		r.eventAt = at.UTC()
		r.data = jsonData(webhook.ChangeData(r.kind, entityID, "", ""))
		rows = append(rows, r)
	}
	return queueDeliveries(ctx, tx, rows, now)
}

// qClaimNewAlerts marks up to $limit match alerts not yet fanned out whose
// owner has a webhook with alerts: true registered before the alert, and
// returns them with those webhooks. The marker is re-checked under the
// alert's write lock so two replicas never queue one alert twice.
const qClaimNewAlerts = `MATCH (w:Webhook {alerts: true})
	MATCH (a:MatchAlert {ownerId: w.ownerId})
	WHERE a.webhooksQueuedAt IS NULL AND a.createdAt >= w.createdAt
	WITH a, collect(w.id) AS hooks
	ORDER BY a.createdAt LIMIT $limit
	SET a._lock = true
	WITH a, hooks WHERE a.webhooksQueuedAt IS NULL
	SET a.webhooksQueuedAt = $now
	REMOVE a._lock
	RETURN properties(a) AS alert, hooks`

const qAnyNewAlert = `MATCH (w:Webhook {alerts: true})
	MATCH (a:MatchAlert {ownerId: w.ownerId})
	WHERE a.webhooksQueuedAt IS NULL AND a.createdAt >= w.createdAt
	RETURN a.id AS id LIMIT 1`

// QueueAlertDeliveries fans out up to limit new match alerts to their
// owners' alert webhooks and marks them (webhooksQueuedAt), in one
// transaction; it returns how many alerts it consumed.
func (s *Store) QueueAlertDeliveries(ctx context.Context, now time.Time, limit int) (int, error) {
	// A read first: an idle poll takes no locks.
	pending, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qAnyNewAlert, nil)
		return rec != nil, err
	})
	if err != nil || !pending {
		return 0, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		recs, err := run(ctx, tx, qClaimNewAlerts, map[string]any{"now": now, "limit": limit})
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		var rows []queueRow
		for _, r := range recs {
			props, _, err := neo4j.GetRecordValue[map[string]any](r, "alert")
			if err != nil {
				return 0, err
			}
			hooks, err := recordStrings(r, "hooks")
			if err != nil {
				return 0, err
			}
			id, _ := props["id"].(string)
			at, _ := props["createdAt"].(time.Time)
			data := jsonData(webhook.AlertData(props))
			for _, h := range hooks {
				rows = append(rows, queueRow{webhookID: h, eventID: webhook.AlertID(id), kind: webhook.AlertType, data: data, eventAt: at.UTC()})
			}
		}
		return len(recs), queueDeliveries(ctx, tx, rows, now)
	})
}
