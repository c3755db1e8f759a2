package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"chainmatch/graph"
	"chainmatch/internal/alert"
	"chainmatch/internal/chain"
	"chainmatch/internal/changes"
	"chainmatch/internal/config"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/httpserver/explorer"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
	"chainmatch/internal/matchindex"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/webhook"
)

// newResolver builds the services the resolvers call, matchmaking over
// Cypher alone.
func newResolver(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *graph.Resolver {
	return newResolverFor(cfg, st, st, log)
}

// newResolverFor is newResolver with matchmaking reading ms (the
// in-process match index when serving).
func newResolverFor(cfg config.Config, st *neo4jstore.Store, ms match.Storer, log *slog.Logger) *graph.Resolver {
	matches, err := newMatchService(cfg, ms)
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
		Webhooks: webhook.NewService(st, webhookPolicy(cfg)),
	}
}

// webhookPolicy is the URL policy of webhooks: https to public addresses,
// except the hosts in CHAINMATCH_WEBHOOK_ALLOW_HOSTS.
func webhookPolicy(cfg config.Config) webhook.Policy {
	return webhook.Policy{AllowHosts: cfg.WebhookAllowHosts}
}

// newWebhookWorker builds the worker that fans out match alerts to
// webhooks and delivers due deliveries.
func newWebhookWorker(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *webhook.Worker {
	return webhook.NewWorker(st, webhookPolicy(cfg), webhook.WorkerConfig{
		Timeout:     cfg.WebhookTimeout,
		Concurrency: cfg.WebhookConcurrency,
		Schedule:    webhook.Schedule{Base: cfg.WebhookRetryBase, Max: cfg.WebhookRetryMax, Window: cfg.WebhookRetryWindow},
		Log:         log.With("component", "webhooks"),
	})
}

// runWebhooks runs, until ctx ends, the webhook fan-out of the change log
// (a changes.Follower: one replica at a time queues each event's
// deliveries in the transaction that advances its cursor) and this
// replica's delivery worker; then it gives the follower's lease up so
// another replica takes over at once.
func runWebhooks(ctx context.Context, cfg config.Config, st *neo4jstore.Store, log *slog.Logger) {
	w := newWebhookWorker(cfg, st, log)
	f := changes.NewFollower(st, changes.FollowerConfig{
		Name: webhook.FollowerName, Handle: w.HandleChanges,
		// A first deployment does not replay the whole log to webhooks
		// (they get only events after their registration anyway).
		FromNow: true,
		// Local writes wake the fan-out at once; other replicas' by polling.
		Signal: st.ChangeSignal(),
		Log:    log.With("component", "webhooks"),
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = f.Run(ctx) }()
	w.Run(ctx)
	wg.Wait()
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.Release(rctx); err != nil {
		log.Warn("webhooks: release the change follower's lease", "err", err)
	}
}

// newMatchService builds matchmaking over st with the default weights,
// overridden by CHAINMATCH_MATCH_WEIGHTS.
func newMatchService(cfg config.Config, st match.Storer) (*match.Service, error) {
	w, err := match.ParseWeights(cfg.MatchWeights, match.DefaultWeights())
	if err != nil {
		return nil, fmt.Errorf("CHAINMATCH_MATCH_WEIGHTS: %w", err)
	}
	return match.NewService(st, w)
}

// newMatchIndex returns the in-process match index over st when
// CHAINMATCH_MATCH_INDEX is on (nil when off). Run it with runMatchIndex.
func newMatchIndex(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *matchindex.Index {
	if !cfg.MatchIndex {
		log.Info("match index off: matches are answered by Cypher")
		return nil
	}
	return matchindex.New(st, st, matchindex.Config{Poll: cfg.MatchIndexPoll, Log: log.With("component", "matchindex")})
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
