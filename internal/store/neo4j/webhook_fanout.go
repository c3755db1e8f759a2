package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/changes"
	"chainmatch/internal/webhook"
)

// Fan-out turns change events and match alerts into the first PENDING
// delivery of each webhook that wants them, in the same transaction that
// marks them as fanned out (the change-log follower's cursor advance, the
// alert's webhooksQueuedAt), so an event is queued once per webhook even
// when fan-out crashes or runs on several replicas at once.

// qChangeSubscribers pairs events with the webhooks that receive them:
// subscribed to the kind, registered before the event, and with an owner
// allowed to see it.
const qChangeSubscribers = `UNWIND $events AS ev
	MATCH (w:Webhook)
	WHERE ev.kind IN w.kinds AND w.createdAt <= ev.at
	  AND (NOT ev.kind IN $staffOnlyKinds OR w.ownerRole IN $staffRoles)
	RETURN w.id AS webhookId, ev.i AS i`

// QueueWebhookChanges queues the first delivery of each event to each
// webhook that receives it. The webhook fan-out calls it from its
// change-log follower's handler, whose ctx carries the follower's
// transaction (txjoin.go): the deliveries commit together with the
// cursor's advance past the events, or not at all, so every event is
// queued once per webhook.
func (s *Store) QueueWebhookChanges(ctx context.Context, events []changes.Event, now time.Time) error {
	if len(events) == 0 {
		return nil
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, queueChangeEvents(ctx, tx, events, now)
	})
	return err
}

func queueChangeEvents(ctx context.Context, tx neo4j.ManagedTransaction, events []changes.Event, now time.Time) error {
	staffRoles := make([]string, len(webhook.StaffRoles))
	for i, r := range webhook.StaffRoles {
		staffRoles[i] = string(r)
	}
	params := make([]map[string]any, len(events))
	for i, e := range events {
		params[i] = map[string]any{"i": i, "kind": string(e.Kind), "at": e.At}
	}
	pairs, err := run(ctx, tx, qChangeSubscribers, map[string]any{
		"events": params, "staffOnlyKinds": webhook.StaffOnlyKinds, "staffRoles": staffRoles,
	})
	if err != nil {
		return err
	}
	rows := make([]queueRow, 0, len(pairs))
	for _, p := range pairs {
		hook, _, err := neo4j.GetRecordValue[string](p, "webhookId")
		if err != nil {
			return err
		}
		i, _, err := neo4j.GetRecordValue[int64](p, "i")
		if err != nil || i < 0 || int(i) >= len(events) {
			return fmt.Errorf("webhook fan-out: event index %d: %w", i, err)
		}
		e := events[i]
		rows = append(rows, queueRow{
			webhookID: hook, eventID: webhook.ChangeEventID(e.ID), kind: string(e.Kind), eventAt: e.At.UTC(),
			data: jsonData(webhook.ChangeData(string(e.Kind), e.EntityID, e.RelatedID, e.ProductID)),
		})
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
