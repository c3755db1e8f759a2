// Package gid encodes and decodes chainmatch's global, opaque node ids.
//
// An id is base64url("<Type>:<key>") where key is the node's natural key
// (USCC, product code, chain code, segment code, park code, incentive code,
// district administrative code), or, for API keys and audit entries, the
// random id the server gave them, and for leads and their activities an id
// generated once on creation.
// Natural keys are immutable, so ids are stable and refetchable, and writes
// can MERGE on the key without generating ids inside retried transactions.
package gid

import (
	"encoding/base64"
	"strings"

	"chainmatch/internal/apperr"
)

// Type names a Node type.
type Type string

// The node types with global ids.
const (
	Enterprise Type = "Enterprise"
	Product    Type = "Product"
	Chain      Type = "IndustrialChain"
	Segment    Type = "ChainSegment"
	Park       Type = "Park"
	Incentive  Type = "Incentive"
	District   Type = "District"
	APIKey     Type = "ApiKey"
	AuditEntry Type = "AuditEntry"
	// Lead and LeadActivity are keyed by generated ids, not natural keys.
	Lead         Type = "Lead"
	LeadActivity Type = "LeadActivity"
	// ChangeEvent is keyed by the random id the change log gave it.
	ChangeEvent Type = "ChangeEvent"
	// SavedSearch and MatchAlert are keyed by generated ids.
	SavedSearch Type = "SavedSearch"
	MatchAlert  Type = "MatchAlert"
	// Webhook is keyed by the random id it got on registration.
	Webhook Type = "Webhook"
)

var known = map[Type]bool{
	Enterprise: true, Product: true, Chain: true, Segment: true, Park: true, Incentive: true,
	District: true, APIKey: true, AuditEntry: true, Lead: true, LeadActivity: true, ChangeEvent: true,
	SavedSearch: true, MatchAlert: true, Webhook: true,
}

// Encode returns the global id of the node of type t with natural key key.
func Encode(t Type, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(t) + ":" + key))
}

// Decode splits a global id into its type and key. It fails on anything
// that Encode could not have produced.
func Decode(id string) (Type, string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", "", false
	}
	t, key, ok := strings.Cut(string(raw), ":")
	if !ok || key == "" || !known[Type(t)] {
		return "", "", false
	}
	return Type(t), key, true
}

// Key decodes an id that must be of type want; field names the input for the
// BAD_USER_INPUT error otherwise.
func Key(id string, want Type, field string) (string, error) {
	t, key, ok := Decode(id)
	if !ok {
		return "", apperr.Invalid(field, "not a valid id")
	}
	if t != want {
		return "", apperr.Invalid(field, "expected the id of %s, got the id of %s", Article(want), Article(t))
	}
	return key, nil
}

// Article returns t with its indefinite article, for messages: "an
// Enterprise", "a Product".
func Article(t Type) string {
	if t != "" && strings.ContainsRune("AEIOU", rune(t[0])) {
		return "an " + string(t)
	}
	return "a " + string(t)
}
