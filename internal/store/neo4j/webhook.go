package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/auth"
	"chainmatch/internal/webhook"
)

// Webhooks and their outbox:
//
//	(:Webhook {id, ownerId, ownerRole, url, kinds, alerts, secret, createdAt})
//	(:WebhookDelivery {key, webhookId, eventId, type, eventAt, data, attempt,
//	                   status, responseCode, at, firstDueAt,
//	                   leaseOwner, leaseToken, leaseUntil})
//
// A WebhookDelivery is one attempt to deliver one event (a change event or
// a match alert) to one webhook; key is webhookId/eventId/attempt. Fan-out
// creates attempt 1 PENDING; a failed attempt becomes FAILED (or DEAD) and
// creates the next attempt PENDING, in one transaction. PENDING rows are
// the outbox the delivery workers claim with a lease (leaseToken,
// leaseUntil). The secret is stored because signing needs it (an HMAC key
// cannot be hashed); it is never returned by the API after registration.

const (
	qCreateWebhook = `OPTIONAL MATCH (o:Webhook {ownerId: $ownerId})
		WITH count(o) AS n WHERE n < $max
		MERGE (w:Webhook {id: $id})
		  ON CREATE SET w.ownerId = $ownerId, w.ownerRole = $ownerRole, w.url = $url, w.kinds = $kinds,
		                w.alerts = $alerts, w.secret = $secret, w.createdAt = $createdAt
		RETURN w.id AS id`
	webhookProjection = `w {.id, .ownerId, .ownerRole, .url, .kinds, .alerts, .secret, .createdAt} AS w`
	qWebhooksOf       = `MATCH (w:Webhook {ownerId: $ownerId}) WITH w ORDER BY w.createdAt, w.id RETURN ` + webhookProjection
	qWebhook          = `MATCH (w:Webhook {id: $id}) RETURN ` + webhookProjection
	qDeleteWebhook    = `MATCH (w:Webhook {id: $id, ownerId: $ownerId})
		OPTIONAL MATCH (d:WebhookDelivery {webhookId: w.id})
		WITH w, collect(d) AS ds
		FOREACH (d IN ds | DELETE d)
		DELETE w
		RETURN true AS deleted`
)

// CreateWebhook stores w unless its owner already has max webhooks.
func (s *Store) CreateWebhook(ctx context.Context, w webhook.Webhook, max int) (bool, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qCreateWebhook, map[string]any{
			"id": w.ID, "ownerId": w.OwnerID, "ownerRole": string(w.OwnerRole), "url": w.URL, "kinds": w.Kinds,
			"alerts": w.Alerts, "secret": w.Secret, "createdAt": w.CreatedAt, "max": max,
		})
		return rec != nil, err
	})
}

// Webhooks lists the owner's webhooks, oldest first.
func (s *Store) Webhooks(ctx context.Context, ownerID string) ([]webhook.Webhook, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]webhook.Webhook, error) {
		recs, err := run(ctx, tx, qWebhooksOf, map[string]any{"ownerId": ownerID})
		if err != nil {
			return nil, err
		}
		out := make([]webhook.Webhook, 0, len(recs))
		for _, r := range recs {
			w, err := webhookFromRecord(r)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
		return out, nil
	})
}

// Webhook returns the webhook with this id or webhook.ErrNotFound.
func (s *Store) Webhook(ctx context.Context, id string) (webhook.Webhook, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (webhook.Webhook, error) {
		rec, err := single(ctx, tx, qWebhook, map[string]any{"id": id})
		if err != nil {
			return webhook.Webhook{}, err
		}
		if rec == nil {
			return webhook.Webhook{}, webhook.ErrNotFound
		}
		return webhookFromRecord(rec)
	})
}

// DeleteWebhook deletes the owner's webhook and its delivery log.
func (s *Store) DeleteWebhook(ctx context.Context, ownerID, id string) (bool, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qDeleteWebhook, map[string]any{"id": id, "ownerId": ownerID})
		return rec != nil, err
	})
}

func webhookFromRecord(rec *neo4j.Record) (webhook.Webhook, error) {
	m, _, err := neo4j.GetRecordValue[map[string]any](rec, "w")
	if err != nil {
		return webhook.Webhook{}, fmt.Errorf("webhook record: %w", err)
	}
	var w webhook.Webhook
	w.ID, _ = m["id"].(string)
	w.OwnerID, _ = m["ownerId"].(string)
	role, _ := m["ownerRole"].(string)
	w.OwnerRole = auth.Role(role)
	w.URL, _ = m["url"].(string)
	w.Kinds = []string{}
	if ks, ok := m["kinds"].([]any); ok {
		for _, k := range ks {
			if s, ok := k.(string); ok {
				w.Kinds = append(w.Kinds, s)
			}
		}
	}
	w.Alerts, _ = m["alerts"].(bool)
	w.Secret, _ = m["secret"].(string)
	at, _ := m["createdAt"].(time.Time)
	w.CreatedAt = at.UTC()
	return w, nil
}

const deliveryProjection = `d {.key, .webhookId, .eventId, .type, .eventAt, .data, .attempt, .status,
		.responseCode, .at, .firstDueAt} AS d`

const qWebhookDeliveries = `MATCH (d:WebhookDelivery {webhookId: $webhookId})
	WHERE $afterAt IS NULL OR d.at < $afterAt OR (d.at = $afterAt AND d.key < $afterKey)
	WITH d ORDER BY d.at DESC, d.key DESC LIMIT $limit
	RETURN ` + deliveryProjection

// WebhookDeliveries returns up to first rows of the webhook's delivery log
// after the cursor, newest first (by at, then key), and whether more follow.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID string, first int, after *webhook.Cursor) ([]webhook.Delivery, bool, error) {
	params := map[string]any{"webhookId": webhookID, "limit": first + 1, "afterAt": nil, "afterKey": ""}
	if after != nil {
		params["afterAt"], params["afterKey"] = after.At, after.Key
	}
	rows, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]webhook.Delivery, error) {
		recs, err := run(ctx, tx, qWebhookDeliveries, params)
		if err != nil {
			return nil, err
		}
		out := make([]webhook.Delivery, 0, len(recs))
		for _, r := range recs {
			m, _, err := neo4j.GetRecordValue[map[string]any](r, "d")
			if err != nil {
				return nil, err
			}
			out = append(out, deliveryFromMap(m))
		}
		return out, nil
	})
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > first
	if more {
		rows = rows[:first]
	}
	return rows, more, nil
}

func deliveryFromMap(m map[string]any) webhook.Delivery {
	var d webhook.Delivery
	d.Key, _ = m["key"].(string)
	d.WebhookID, _ = m["webhookId"].(string)
	d.EventID, _ = m["eventId"].(string)
	d.Type, _ = m["type"].(string)
	if t, ok := m["eventAt"].(time.Time); ok {
		d.EventAt = t.UTC()
	}
	if raw, ok := m["data"].(string); ok {
		_ = json.Unmarshal([]byte(raw), &d.Data)
	}
	n, _ := m["attempt"].(int64)
	d.Attempt = int(n)
	st, _ := m["status"].(string)
	d.Status = webhook.Status(st)
	if c, ok := m["responseCode"].(int64); ok {
		code := int(c)
		d.ResponseCode = &code
	}
	if t, ok := m["at"].(time.Time); ok {
		d.At = t.UTC()
	}
	if t, ok := m["firstDueAt"].(time.Time); ok {
		d.FirstDueAt = t.UTC()
	}
	return d
}

// Claiming takes the write lock of each candidate row first (SET of a
// dummy property) and only then re-reads its status and lease: Neo4j reads
// committed data without locking, so without the lock two replicas could
// both see a row free and both claim it.
const qClaimWebhookDeliveries = `MATCH (d:WebhookDelivery)
	WHERE d.status = 'PENDING' AND d.at <= $now AND (d.leaseUntil IS NULL OR d.leaseUntil < $now)
	WITH d ORDER BY d.at LIMIT $limit
	SET d._lock = true
	WITH d WHERE d.status = 'PENDING' AND (d.leaseUntil IS NULL OR d.leaseUntil < $now)
	SET d.leaseOwner = $owner, d.leaseToken = $token, d.leaseUntil = $until
	REMOVE d._lock
	WITH d
	MATCH (w:Webhook {id: d.webhookId})
	RETURN ` + deliveryProjection + `, w.url AS url, w.secret AS secret`

// qAnyDueDelivery is the idle worker's cheap probe: a read, so an idle
// replica polling every second takes no locks and writes nothing.
const qAnyDueDelivery = `MATCH (d:WebhookDelivery)
	WHERE d.status = 'PENDING' AND d.at <= $now AND (d.leaseUntil IS NULL OR d.leaseUntil < $now)
	RETURN d.key AS key LIMIT 1`

// ClaimWebhookDeliveries leases up to limit due PENDING deliveries to
// owner until `until`, under token, and returns them with what it takes to
// send them. A delivery whose lease has expired (its worker died) is due
// again.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, owner, token string, now, until time.Time, limit int) ([]webhook.Claim, error) {
	due, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qAnyDueDelivery, map[string]any{"now": now})
		return rec != nil, err
	})
	if err != nil || !due {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) ([]webhook.Claim, error) {
		recs, err := run(ctx, tx, qClaimWebhookDeliveries, map[string]any{
			"now": now, "until": until, "owner": owner, "token": token, "limit": limit,
		})
		if err != nil {
			return nil, err
		}
		out := make([]webhook.Claim, 0, len(recs))
		for _, r := range recs {
			m, _, err := neo4j.GetRecordValue[map[string]any](r, "d")
			if err != nil {
				return nil, err
			}
			c := webhook.Claim{Delivery: deliveryFromMap(m), Token: token}
			c.URL, _, _ = neo4j.GetRecordValue[string](r, "url")
			c.Secret, _, _ = neo4j.GetRecordValue[string](r, "secret")
			out = append(out, c)
		}
		return out, nil
	})
}

// Finishing also locks before it checks the lease token, for the same
// reason as claiming.
const qFinishWebhookDelivery = `MATCH (d:WebhookDelivery {key: $key})
	SET d._lock = true
	WITH d WHERE d.status = 'PENDING' AND d.leaseToken = $token
	SET d.status = $status, d.responseCode = $code, d.at = $at,
	    d.leaseOwner = null, d.leaseToken = null, d.leaseUntil = null
	REMOVE d._lock
	WITH d
	CALL {
	  WITH d
	  WITH d WHERE $nextAt IS NOT NULL
	  MERGE (n:WebhookDelivery {key: $nextKey})
	    ON CREATE SET n.webhookId = d.webhookId, n.eventId = d.eventId, n.type = d.type,
	                  n.eventAt = d.eventAt, n.data = d.data, n.attempt = d.attempt + 1,
	                  n.status = 'PENDING', n.at = $nextAt, n.firstDueAt = d.firstDueAt
	  RETURN count(n) AS next
	}
	RETURN d.key AS key`

// FinishWebhookDelivery records the outcome of an attempt made under the
// claim's lease, and for a FAILED attempt adds the next attempt, PENDING,
// in the same transaction. It returns false (recording nothing) when the
// lease was lost: it expired and another worker has claimed the delivery.
func (s *Store) FinishWebhookDelivery(ctx context.Context, c webhook.Claim, o webhook.Outcome) (bool, error) {
	params := map[string]any{
		"key": c.Key, "token": c.Token, "status": string(o.Status), "code": nil, "at": o.At,
		"nextAt": nil, "nextKey": webhook.DeliveryKey(c.WebhookID, c.EventID, c.Attempt+1),
	}
	if o.ResponseCode != nil {
		params["code"] = *o.ResponseCode
	}
	if o.NextDueAt != nil {
		params["nextAt"] = *o.NextDueAt
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qFinishWebhookDelivery, params)
		return rec != nil, err
	})
}

// queueRow is one delivery to create: attempt 1, PENDING, due now.
type queueRow struct {
	webhookID, eventID, kind, data string
	eventAt                        time.Time
}

const qQueueDeliveries = `UNWIND $rows AS r
	MERGE (d:WebhookDelivery {key: r.key})
	  ON CREATE SET d.webhookId = r.webhookId, d.eventId = r.eventId, d.type = r.type, d.eventAt = r.eventAt,
	                d.data = r.data, d.attempt = 1, d.status = 'PENDING', d.at = $now, d.firstDueAt = $now
	RETURN count(d) AS n`

// queueDeliveries creates (idempotently: MERGE on the key) the first
// attempt of each row, in tx.
func queueDeliveries(ctx context.Context, tx neo4j.ManagedTransaction, rows []queueRow, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	ps := make([]map[string]any, len(rows))
	for i, r := range rows {
		ps[i] = map[string]any{
			"key": webhook.DeliveryKey(r.webhookID, r.eventID, 1), "webhookId": r.webhookID, "eventId": r.eventID,
			"type": r.kind, "eventAt": r.eventAt, "data": r.data,
		}
	}
	_, err := run(ctx, tx, qQueueDeliveries, map[string]any{"rows": ps, "now": now})
	return err
}

func jsonData(m map[string]any) string {
	b, _ := json.Marshal(m) // strings and numbers always marshal
	return string(b)
}
