package webhook

import (
	"encoding/json"
	"fmt"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
)

// StaffOnlyKinds are the change kinds partners may not see (the change
// log's rule, changes.Event.VisibleTo): only owners of StaffRoles receive
// them.
var StaffOnlyKinds = func() []string {
	var out []string
	for _, k := range changes.Kinds {
		if !(changes.Event{Kind: k}).VisibleTo(auth.Partner) {
			out = append(out, string(k))
		}
	}
	return out
}()

// StaffRoles are the roles that receive StaffOnlyKinds.
var StaffRoles = []auth.Role{auth.Staff, auth.Admin}

// Global ids of the objects a delivery names, as the API shows them
// (gid.Encode of the type and the node's own id).
const (
	changeEventType gid.Type = "ChangeEvent"
	matchAlertType  gid.Type = "MatchAlert"
	savedSearchType gid.Type = "SavedSearch"
)

// ChangeEventID is the id a change event has in the API (ChangeEvent.id),
// used as body `id`, `webhook-id` and WebhookDelivery.eventId.
func ChangeEventID(raw string) string { return gid.Encode(changeEventType, raw) }

// AlertID is the id a match alert has in the API (MatchAlert.id).
func AlertID(raw string) string { return gid.Encode(matchAlertType, raw) }

// ChangeData is the body's `data` for a change event: its kind and the
// global id of the changed entity (the enterprise, the supplier of a
// supply relation, or the lead), plus, when set, the related entity (the
// customer of a supply relation) and the product.
func ChangeData(kind, entityID, relatedID, productID string) map[string]any {
	out := map[string]any{"kind": kind, "entityId": entityID}
	if relatedID != "" {
		out["relatedId"] = relatedID
	}
	if productID != "" {
		out["productId"] = productID
	}
	return out
}

// AlertData is the body's `data` for a match alert, from the alert's
// stored properties: the saved search, the candidate and product, the
// score and the change that caused it, as global ids. Fetch the alert
// with node(id:) for the whole match (components and reasons).
func AlertData(props map[string]any) map[string]any {
	out := map[string]any{}
	str := func(k string) (string, bool) { v, ok := props[k].(string); return v, ok && v != "" }
	if v, ok := str("searchId"); ok {
		out["savedSearchId"] = gid.Encode(savedSearchType, v)
	}
	if v, ok := str("candidate"); ok {
		out["candidateId"] = gid.Encode(gid.Enterprise, v)
	}
	if v, ok := str("productCode"); ok {
		out["productId"] = gid.Encode(gid.Product, v)
	}
	if v, ok := props["score"].(float64); ok {
		out["score"] = v
	}
	if v, ok := str("causeId"); ok {
		out["causeId"] = ChangeEventID(v)
	}
	if v, ok := str("causeKind"); ok {
		out["causeKind"] = v
	}
	return out
}

// message is a delivery's JSON body. Its fields are fixed and Data is a
// map (marshalled with sorted keys), so every attempt sends the same bytes.
type message struct {
	Type string         `json:"type"`
	ID   string         `json:"id"`
	At   string         `json:"at"`
	Data map[string]any `json:"data"`
}

// Body returns the JSON body of a delivery: {"type","id","at","data"}.
func Body(d Delivery) ([]byte, error) {
	data := d.Data
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(message{Type: d.Type, ID: d.EventID, At: d.EventAt.UTC().Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return nil, fmt.Errorf("webhook body: %w", err)
	}
	return b, nil
}
