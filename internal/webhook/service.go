package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
)

// MaxPerOwner bounds the webhooks one caller may register.
const MaxPerOwner = 20

// Page sizes of a webhook's delivery log.
const (
	DefaultFirst = 20
	MaxFirst     = 100
)

// Input is what registerWebhook takes; it mirrors WebhookInput.
type Input struct {
	URL    string
	Kinds  []string
	Alerts bool
}

// Registration is a new webhook with its signing secret, which is shown
// this once.
type Registration struct {
	Webhook Webhook
	Secret  string
}

// Service registers, lists and deletes the caller's webhooks.
type Service struct {
	store  Storer
	policy Policy
	now    func() time.Time
	newID  func() string
}

// NewService returns the webhook service.
func NewService(store Storer, policy Policy) *Service {
	return &Service{store: store, policy: policy, now: time.Now, newID: randomID}
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// caller returns the signed-in caller; anonymous callers get
// UNAUTHENTICATED. Every role from PARTNER up manages its own webhooks.
func caller(ctx context.Context) (auth.Principal, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return auth.Principal{}, err
	}
	p := auth.FromContext(ctx)
	if p.ID == "" {
		return p, &apperr.Error{Code: apperr.Unauthenticated, Message: "webhooks need a credential with an id (API key or JWT subject)"}
	}
	return p, nil
}

// MayReceive reports whether an owner of this role may receive events of
// this kind: LEAD_CHANGED is for staff and admins only.
func MayReceive(role auth.Role, kind string) bool {
	return changes.Event{Kind: changes.Kind(kind)}.VisibleTo(role)
}

// Register validates in and stores a new webhook of the caller; the
// returned secret is not shown again. Nothing is written on bad input.
func (s *Service) Register(ctx context.Context, in Input) (Registration, error) {
	p, err := caller(ctx)
	if err != nil {
		return Registration{}, err
	}
	kinds, err := validKinds(p.Role, in.Kinds, in.Alerts)
	if err != nil {
		return Registration{}, err
	}
	u, err := s.policy.Check(ctx, in.URL)
	if err != nil {
		return Registration{}, apperr.Invalid("input.url", "%s", err.Error())
	}
	secret, err := NewSecret()
	if err != nil {
		return Registration{}, err
	}
	w := Webhook{
		ID: s.newID(), OwnerID: p.ID, OwnerRole: p.Role, URL: u, Kinds: kinds, Alerts: in.Alerts,
		CreatedAt: s.now().UTC().Truncate(time.Millisecond), Secret: secret,
	}
	ok, err := s.store.CreateWebhook(ctx, w, MaxPerOwner)
	if err != nil {
		return Registration{}, err
	}
	if !ok {
		return Registration{}, apperr.OutOfRange("input", 0, MaxPerOwner, "you already have %d webhooks: delete one first", MaxPerOwner)
	}
	return Registration{Webhook: w, Secret: secret}, nil
}

func validKinds(role auth.Role, in []string, alerts bool) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, k := range in {
		known := false
		for _, v := range Kinds {
			known = known || v == k
		}
		if !known {
			return nil, apperr.Invalid("input.kinds", "unknown change kind %q", k)
		}
		if !MayReceive(role, k) {
			return nil, &apperr.Error{Code: apperr.Forbidden, Field: "input.kinds", Message: "LEAD_CHANGED is for staff and admins only"}
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if len(out) == 0 && !alerts {
		return nil, apperr.Invalid("input.kinds", "choose at least one change kind, or alerts: true")
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// List returns the caller's own webhooks, oldest first (staff and admins
// too see only their own).
func (s *Service) List(ctx context.Context) ([]Webhook, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return s.store.Webhooks(ctx, p.ID)
}

// Get returns the caller's webhook with this id; NOT_FOUND when there is
// none or it is someone else's.
func (s *Service) Get(ctx context.Context, id string) (Webhook, error) {
	p, err := caller(ctx)
	if err != nil {
		return Webhook{}, err
	}
	w, err := s.store.Webhook(ctx, id)
	if err == nil && w.OwnerID != p.ID {
		err = ErrNotFound
	}
	return w, err
}

// Delete deletes the caller's webhook and its delivery log; pending
// deliveries are dropped. NOT_FOUND (field "id") when the caller has no
// webhook with this id.
func (s *Service) Delete(ctx context.Context, id string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	ok, err := s.store.DeleteWebhook(ctx, p.ID, id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Missing("id", "you have no webhook with this id")
	}
	return nil
}

// Deliveries pages the delivery log of w (a webhook the caller got from
// List or Get), newest first: one row per attempt.
func (s *Service) Deliveries(ctx context.Context, w Webhook, first *int, after *string) (DeliveryPage, error) {
	p, err := caller(ctx)
	if err != nil {
		return DeliveryPage{}, err
	}
	if w.OwnerID != p.ID {
		return DeliveryPage{}, ErrNotFound
	}
	n := DefaultFirst
	if first != nil {
		if *first < 1 || *first > MaxFirst {
			return DeliveryPage{}, apperr.OutOfRange("first", 1, MaxFirst, "must be between 1 and %d", MaxFirst)
		}
		n = *first
	}
	cur, err := decodeCursor(after)
	if err != nil {
		return DeliveryPage{}, err
	}
	rows, more, err := s.store.WebhookDeliveries(ctx, w.ID, n, cur)
	if err != nil {
		return DeliveryPage{}, err
	}
	return DeliveryPage{Deliveries: rows, HasNextPage: more, HasPreviousPage: cur != nil}, nil
}

// EncodeCursor returns the opaque cursor of a delivery-log position.
func EncodeCursor(c Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + "|" + c.Key))
}

func decodeCursor(s *string) (*Cursor, error) {
	if s == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	ns, key, ok := strings.Cut(string(b), "|")
	n, perr := strconv.ParseInt(ns, 10, 64)
	if err != nil || !ok || perr != nil || key == "" {
		return nil, apperr.Invalid("after", "not a cursor of this list")
	}
	return &Cursor{At: time.Unix(0, n).UTC(), Key: key}, nil
}
