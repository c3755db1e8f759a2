// Package alert is saved searches and match alerts: a partner or staff
// member saves a match request (kind, enterprise, products, filters, a
// minimum score), and every change of the graph that brings a new
// candidate at or above that score into the search's results records one
// MatchAlert, with the match as internal/match scores it and the change
// that caused it. Evaluation is incremental: a change-log consumer looks
// up only the saved searches the changed firm could enter (through the
// products it makes and buys), never every saved search. The package owns
// the rules (validation, who sees what, when an alert is due); the Cypher
// lives in internal/store/neo4j. See docs/changes.md.
package alert

import (
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/match"
)

// Kind is the kind of match a saved search runs. Values equal the GraphQL
// enum MatchKind.
type Kind string

// The kinds of saved search.
const (
	Supplier Kind = "SUPPLIER"
	Customer Kind = "CUSTOMER"
	Partner  Kind = "PARTNER"
)

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return k == Supplier || k == Customer || k == Partner }

// matchKind is the match.Kind of k.
func (k Kind) matchKind() match.Kind {
	switch k {
	case Customer:
		return match.Customers
	case Partner:
		return match.Partners
	}
	return match.Suppliers
}

// SavedSearch is a match request saved by a caller to be alerted about new
// candidates.
type SavedSearch struct {
	ID   string
	Name string
	Kind Kind
	// OwnerID is the principal that saved it (API key id or JWT subject);
	// OwnerRole its role then.
	OwnerID   string
	OwnerRole auth.Role
	// EnterpriseUSCC is the firm the matches are for.
	EnterpriseUSCC string
	// ProductCodes are the products asked about; nil means the firm's
	// needs (supplier searches) or products (customer and partner
	// searches), as they are when a change is evaluated.
	ProductCodes  []string
	LocalOnly     bool
	MaxDistanceKm *float64
	// Designations: a candidate must hold at least one; nil means any.
	Designations []enterprise.Designation
	MinScore     float64
	// Language is the language the alerts' reasons are written in: the
	// saver's (Accept-Language) when it was saved.
	Language  match.Language
	CreatedAt time.Time
	// Known are the firms already in the results at or above MinScore when
	// the search was saved: they are not new, so they never raise an alert.
	Known []string
}

// criteria is the match request of s.
func (s SavedSearch) criteria() match.Criteria {
	ds := make([]string, len(s.Designations))
	for i, d := range s.Designations {
		ds[i] = string(d)
	}
	return match.Criteria{Kind: s.Kind.matchKind(), AskerUSCC: s.EnterpriseUSCC, ProductCodes: s.ProductCodes,
		LocalOnly: s.LocalOnly, MaxDistanceKm: s.MaxDistanceKm, Designations: ds}
}

// Alert is a new candidate of a saved search at or above its minimum
// score, recorded once per search and candidate.
type Alert struct {
	ID       string
	SearchID string
	OwnerID  string
	// Match is the candidate's match as scored when the change was
	// evaluated (components and reasons as they were then).
	Match match.Match
	// Cause is the change that brought the candidate in (kept on the
	// alert, so that it outlives the change log's retention).
	Cause     Change
	CreatedAt time.Time
	// Search is the saved search, when the store read it with the alert.
	Search *SavedSearch
}

// Position orders alerts as the hub streams them: by the change-log
// position of their cause, then by id (the alerts of one change are
// committed together, so a position, once passed, gains no alert before
// it). Position{Seq: n} comes before every alert of cause n.
type Position struct {
	Seq int64
	ID  string
}

// Position is the alert's position.
func (a Alert) Position() Position { return Position{Seq: a.Cause.Seq, ID: a.ID} }

// Before reports whether p comes before q.
func (p Position) Before(q Position) bool { return p.Seq < q.Seq || (p.Seq == q.Seq && p.ID < q.ID) }

// Change is an entry of the change log as the evaluator reads it.
type Change struct {
	ID   string
	Seq  int64
	Kind string
	// EntityID is the global id of the changed object (the enterprise, or
	// the supplier of a supply relation).
	EntityID string
	// RelatedID (the customer) and ProductID (the product, if one) are the
	// global ids a supply change also names; "" otherwise.
	RelatedID, ProductID string
	// Firms are the USCCs of the firms the change touched: the firm of an
	// enterprise change, both ends of a supply relation.
	Firms []string
	At    time.Time
}

// The change kinds that can bring a new candidate into a saved search.
const (
	EnterpriseCreated = "ENTERPRISE_CREATED"
	EnterpriseUpdated = "ENTERPRISE_UPDATED"
	SupplyAdded       = "SUPPLY_ADDED"
	SupplyRemoved     = "SUPPLY_REMOVED"
)

// Cursor is a position in a list ordered by creation time, then id.
type Cursor struct {
	At time.Time
	ID string
}

// SearchPage is a page of saved searches, newest first.
type SearchPage struct {
	Searches                     []SavedSearch
	HasNextPage, HasPreviousPage bool
}

// AlertPage is a page of alerts, newest first.
type AlertPage struct {
	Alerts                       []Alert
	HasNextPage, HasPreviousPage bool
}
