package webhook

import (
	"encoding/json"
	"fmt"
	"time"

	"chainmatch/internal/auth"
)

// StaffOnlyKinds are the change kinds only staff and admin owners receive.
var StaffOnlyKinds = []string{LeadChanged}

// StaffRoles are the roles that receive StaffOnlyKinds.
var StaffRoles = []auth.Role{auth.Staff, auth.Admin}

// ChangeEventID is the id a change event has in the API (ChangeEvent.id),
// used as body `id`, `webhook-id` and WebhookDelivery.eventId.
func ChangeEventID(raw string) string { return raw }

// AlertID is the id a match alert has in the API (MatchAlert.id).
func AlertID(raw string) string { return raw }

// ChangeData is the body's `data` for a change event: the changed entity's
// id (an Enterprise, a supply relation or a Lead, by kind).
func ChangeData(kind, entityID string) map[string]string {
	return map[string]string{"kind": kind, "entityId": entityID}
}

// AlertData is the body's `data` for a match alert, from the alert's
// stored properties: the saved search and the cause.
func AlertData(props map[string]any) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"searchId", "causeId", "candidateUscc"} {
		if v, ok := props[k].(string); ok {
			out[k] = v
		}
	}
	return out
}

// message is a delivery's JSON body. Its fields are fixed and Data is a
// map (marshalled with sorted keys), so every attempt sends the same bytes.
type message struct {
	Type string            `json:"type"`
	ID   string            `json:"id"`
	At   string            `json:"at"`
	Data map[string]string `json:"data"`
}

// Body returns the JSON body of a delivery: {"type","id","at","data"}.
func Body(d Delivery) ([]byte, error) {
	data := d.Data
	if data == nil {
		data = map[string]string{}
	}
	b, err := json.Marshal(message{Type: d.Type, ID: d.EventID, At: d.EventAt.UTC().Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return nil, fmt.Errorf("webhook body: %w", err)
	}
	return b, nil
}
