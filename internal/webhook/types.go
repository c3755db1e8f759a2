// Package webhook sends change events and match alerts to partner
// endpoints, signed per the Standard Webhooks convention: registration
// rules and the URL policy (https and public unless allow-listed, checked
// again at dial time against DNS rebinding), the signing secret, the retry
// schedule (exponential backoff with full jitter over at least 24 h, then
// DEAD) and the delivery worker that claims due deliveries with a lease in
// Neo4j, so that with several replicas each delivery is attempted by one
// replica at a time. Pending deliveries live in Neo4j (an outbox), never
// only in memory. It declares the Storer it needs; internal/store/neo4j
// implements it. See docs/webhooks.md.
package webhook

import (
	"context"
	"fmt"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
)

// The change kinds a webhook may subscribe to: those of the change log
// (internal/changes), whose values equal the GraphQL enum ChangeKind.
// LeadChanged is for staff and admin owners only.
const (
	EnterpriseCreated = string(changes.EnterpriseCreated)
	EnterpriseUpdated = string(changes.EnterpriseUpdated)
	EnterpriseDeleted = string(changes.EnterpriseDeleted)
	SupplyAdded       = string(changes.SupplyAdded)
	SupplyRemoved     = string(changes.SupplyRemoved)
	LeadChanged       = string(changes.LeadChanged)
)

// Kinds lists every change kind, in the enum's order.
var Kinds = func() []string {
	out := make([]string, len(changes.Kinds))
	for i, k := range changes.Kinds {
		out[i] = string(k)
	}
	return out
}()

// AlertType is the body `type` of a match-alert delivery.
const AlertType = "MATCH_ALERT"

// Webhook is a registered endpoint.
type Webhook struct {
	ID        string
	OwnerID   string
	OwnerRole auth.Role
	URL       string
	Kinds     []string
	Alerts    bool
	CreatedAt time.Time
	// Secret is the signing secret ("whsec_" + base64 of 32 bytes). It is
	// stored so that deliveries can be signed (an HMAC needs the key
	// itself, so it cannot be hashed) and shown only once, at registration.
	Secret string
}

// Status is the state of one delivery attempt; values equal the GraphQL
// enum DeliveryStatus.
type Status string

// The delivery statuses.
const (
	// Pending: the attempt is due at Delivery.At (or is being made).
	Pending Status = "PENDING"
	// Delivered: the endpoint answered 2xx.
	Delivered Status = "DELIVERED"
	// Failed: the attempt failed; a later attempt is scheduled.
	Failed Status = "FAILED"
	// Dead: the attempt failed and the retry window is over; no more attempts.
	Dead Status = "DEAD"
)

// Delivery is one attempt to deliver one event to one webhook. A failed
// attempt leaves its row FAILED and adds the next attempt's row, PENDING,
// so the log shows every attempt.
type Delivery struct {
	// Key identifies the row: webhook id, event id and attempt.
	Key       string
	WebhookID string
	// EventID is the change event's or match alert's id; it is also the
	// `webhook-id` header, the same on every attempt, so receivers can
	// deduplicate.
	EventID string
	// Type is the change kind, or AlertType.
	Type    string
	EventAt time.Time
	// Data is the body's `data` object.
	Data         map[string]any
	Attempt      int
	Status       Status
	ResponseCode *int
	// At is when a PENDING attempt is due, and when any other ended.
	At time.Time
	// FirstDueAt is when the first attempt was due: the retry window
	// counts from it.
	FirstDueAt time.Time
}

// Claim is a delivery leased to one worker until LeaseUntil, with what it
// takes to send it.
type Claim struct {
	Delivery
	URL    string
	Secret string
	// Token identifies this lease: only its holder may record the outcome.
	Token string
}

// Outcome is the result of an attempt, to be recorded under the lease.
type Outcome struct {
	Status       Status // Delivered, Failed or Dead
	ResponseCode *int
	At           time.Time
	// NextDueAt is when the next attempt is due (Failed only).
	NextDueAt *time.Time
}

// Cursor is a position in a webhook's delivery log (newest first).
type Cursor struct {
	At  time.Time
	Key string
}

// DeliveryPage is one page of a webhook's delivery log, newest first.
type DeliveryPage struct {
	Deliveries      []Delivery
	HasNextPage     bool
	HasPreviousPage bool
}

// Storer is what webhooks need from the graph store.
type Storer interface {
	// CreateWebhook stores w unless its owner already has max webhooks
	// (then it returns false).
	CreateWebhook(ctx context.Context, w Webhook, max int) (bool, error)
	// Webhooks lists the owner's webhooks, oldest first.
	Webhooks(ctx context.Context, ownerID string) ([]Webhook, error)
	// Webhook returns the webhook with this id or ErrNotFound.
	Webhook(ctx context.Context, id string) (Webhook, error)
	// DeleteWebhook deletes the owner's webhook and its delivery log;
	// false when the owner has no webhook with this id.
	DeleteWebhook(ctx context.Context, ownerID, id string) (bool, error)
	// WebhookDeliveries returns up to first rows of the log after the
	// cursor, newest first, and whether more follow.
	WebhookDeliveries(ctx context.Context, webhookID string, first int, after *Cursor) ([]Delivery, bool, error)
}

// ErrNotFound: no webhook has the id.
var ErrNotFound = fmt.Errorf("webhook: %w", apperr.ErrNotFound)

// DeliveryKey identifies the row of one attempt.
func DeliveryKey(webhookID, eventID string, attempt int) string {
	return fmt.Sprintf("%s/%s/%d", webhookID, eventID, attempt)
}
