// Package graph holds chainmatch's GraphQL contract (*.graphqls) and its
// resolvers. Resolvers are adapters only: parse arguments, call one service
// method or per-request loader, convert. No Cypher, sessions or scoring here.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import (
	"chainmatch/internal/alert"
	"chainmatch/internal/auth"
	"chainmatch/internal/chain"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
	"chainmatch/internal/webhook"
)

// Resolver holds the services the resolvers call. It is wired by hand in
// cmd/chainmatch and never regenerated.
type Resolver struct {
	Enterprises *enterprise.Service
	Catalog     *chain.Service
	Matches     *match.Service
	// Access manages API keys and the audit trail.
	Access *auth.Service
	// Leads is the investment-promotion pipeline.
	Leads *lead.Service
	// Changes is the change log (Query.changes, Subscription.changes).
	Changes *changes.Service
	// Searches is saved searches and match alerts; AlertHub streams new
	// alerts to this replica's subscribers.
	Searches *alert.Service
	AlertHub *alert.Hub
	// Webhooks registers and lists the caller's webhooks.
	Webhooks *webhook.Service
}
