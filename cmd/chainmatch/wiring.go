package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"chainmatch/graph"
	"chainmatch/internal/chain"
	"chainmatch/internal/config"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/httpserver/explorer"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/webhook"
)

// newResolver builds the services the resolvers call.
func newResolver(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *graph.Resolver {
	matches, err := newMatchService(cfg, st)
	if err != nil {
		panic(err) // serve checks the weights before it builds the handler
	}
	return &graph.Resolver{
		Enterprises: enterprise.NewService(st),
		Catalog:     chain.NewService(st),
		Matches:     matches,
		Leads:       lead.NewService(st, matches),
		Webhooks:    webhook.NewService(st, webhookPolicy(cfg)),
	}
}

// webhookPolicy is the URL policy of webhooks: https to public addresses,
// except the hosts in CHAINMATCH_WEBHOOK_ALLOW_HOSTS.
func webhookPolicy(cfg config.Config) webhook.Policy {
	return webhook.Policy{AllowHosts: cfg.WebhookAllowHosts}
}

// newWebhookWorker builds the worker that fans out change events and
// match alerts to webhooks and delivers them.
func newWebhookWorker(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *webhook.Worker {
	return webhook.NewWorker(st, webhookPolicy(cfg), webhook.WorkerConfig{
		Timeout:     cfg.WebhookTimeout,
		Concurrency: cfg.WebhookConcurrency,
		Schedule:    webhook.Schedule{Base: cfg.WebhookRetryBase, Max: cfg.WebhookRetryMax, Window: cfg.WebhookRetryWindow},
		Log:         log.With("component", "webhooks"),
	})
}

// newMatchService builds matchmaking with the default weights, overridden
// by CHAINMATCH_MATCH_WEIGHTS.
func newMatchService(cfg config.Config, st *neo4jstore.Store) (*match.Service, error) {
	w, err := match.ParseWeights(cfg.MatchWeights, match.DefaultWeights())
	if err != nil {
		return nil, fmt.Errorf("CHAINMATCH_MATCH_WEIGHTS: %w", err)
	}
	return match.NewService(st, w)
}

// graphQLMiddleware wraps the GraphQL handler with per-request state.
func graphQLMiddleware(r *graph.Resolver, next http.Handler) http.Handler {
	loaders := graph.LoaderMiddleware(r)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// Reasons and labels follow Accept-Language (default Chinese).
		lang := match.LanguageFromAcceptLanguage(req.Header.Get("Accept-Language"))
		loaders.ServeHTTP(w, req.WithContext(match.WithLanguage(req.Context(), lang)))
	})
}

// explorerHandler serves the embedded staff explorer (or a page saying how
// to build it when the binary was built without it).
func explorerHandler() http.Handler { return explorer.Handler() }
