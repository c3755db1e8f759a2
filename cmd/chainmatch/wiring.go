package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"chainmatch/graph"
	"chainmatch/internal/alert"
	"chainmatch/internal/chain"
	"chainmatch/internal/changes"
	"chainmatch/internal/config"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/httpserver/explorer"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// newResolver builds the services the resolvers call.
func newResolver(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *graph.Resolver {
	matches, err := newMatchService(cfg, st)
	if err != nil {
		panic(err) // serve checks the weights before it builds the handler
	}
	// Local writes wake this process's subscriptions and change-log
	// followers at once; other replicas' writes are seen by polling.
	sig := changes.NewSignal()
	st.SetChangeSignal(sig)
	return &graph.Resolver{
		Enterprises: enterprise.NewService(st),
		Catalog:     chain.NewService(st),
		Matches:     matches,
		Leads:       lead.NewService(st, matches),
		Changes: changes.NewService(st, changes.Config{
			Retention: cfg.ChangesRetention, PollInterval: cfg.ChangesPoll, Signal: sig, Log: log,
		}),
		Searches: alert.NewService(st, matches),
		AlertHub: alert.NewHub(st, 0, log),
	}
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
