package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	"chainmatch/graph"
	"chainmatch/internal/changes"
	"chainmatch/internal/config"
	"chainmatch/internal/httpserver"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/telemetry"
)

// serve runs the API until ctx is cancelled (SIGINT/SIGTERM), then drains
// in-flight requests for up to CHAINMATCH_SHUTDOWN_TIMEOUT.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	log.Info("starting chainmatch", "config", cfg.String())
	stopTelemetry, err := telemetry.Setup(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Flush the last spans before exit.
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTelemetry(fctx); err != nil {
			log.Warn("telemetry flush", "err", err)
		}
	}()
	log.Info("tracing", "exported", telemetry.TracesEnabled())
	st, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())

	// Refuse bad configuration before anything runs in the background.
	if _, err := newSecurity(cfg, st, log); err != nil {
		return err
	}
	if _, err := newMatchService(cfg, st); err != nil {
		return err
	}

	// Neo4j may be down at start: serve anyway (readyz says 503, queries
	// say DATABASE_UNAVAILABLE) and keep trying to migrate in the background.
	// The migration stops and is waited for before the store closes (the
	// deferred calls run last-in first-out), so Close never races a session.
	schemaCtx, stopSchema := context.WithCancel(ctx)
	schemaDone := make(chan struct{})
	go func() {
		defer close(schemaDone)
		prepareSchema(schemaCtx, cfg, st, log)
	}()
	defer func() { stopSchema(); <-schemaDone }()

	// The in-process match index loads in the background once the schema
	// is ready; until then (and while it rebuilds after a bulk load or a
	// reset) matches are answered by Cypher. Stopped before the store closes.
	var matchStore match.Storer = st
	ix := newMatchIndex(cfg, st, log)
	if ix != nil {
		matchStore = ix
		ixCtx, stopIndex := context.WithCancel(ctx)
		ixDone := make(chan struct{})
		go func() {
			defer close(ixDone)
			select {
			case <-schemaDone:
			case <-ixCtx.Done():
			}
			if ixCtx.Err() == nil {
				ix.Run(ixCtx)
			}
		}()
		defer func() { stopIndex(); <-ixDone }()
	}

	// newHandler sets the store's change signal, which the followers below
	// read: build it before they start.
	h := newHandlerFor(cfg, st, matchStore, log)

	// The webhook fan-out and worker start once the schema is ready and
	// stop when the server does: the worker stops claiming at once, lets
	// the attempts in flight finish (each within CHAINMATCH_WEBHOOK_TIMEOUT)
	// and record their outcome, and both are waited for before the store
	// closes.
	hooksCtx, stopHooks := context.WithCancel(ctx)
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		select {
		case <-schemaDone:
		case <-hooksCtx.Done():
		}
		if hooksCtx.Err() == nil {
			runWebhooks(hooksCtx, cfg, st, log)
		}
	}()
	defer func() { stopHooks(); <-hooksDone }()

	// The match-alert evaluator follows the change log, woken by the
	// store's change signal (set up with the resolver); it stops (and
	// gives its lease up) before the store closes.
	alertsCtx, stopAlerts := context.WithCancel(ctx)
	waitAlerts := startAlertEvaluator(alertsCtx, cfg, st, st.ChangeSignal(), log)
	defer func() { stopAlerts(); waitAlerts() }()
	// The change log's retention: every replica purges (the purge is
	// idempotent); stopped and waited for before the store closes.
	purgeCtx, stopPurge := context.WithCancel(ctx)
	purgeDone := make(chan struct{})
	go func() {
		defer close(purgeDone)
		changes.NewService(st, changes.Config{Retention: cfg.ChangesRetention}).RunPurge(purgeCtx, time.Hour,
			func(n int64, err error) {
				if err != nil {
					log.Warn("change log purge", "err", err)
				} else {
					log.Info("change log purged", "events", n, "retention", cfg.ChangesRetention)
				}
			})
	}()
	defer func() { stopPurge(); <-purgeDone }()
	if cfg.PprofAddr != "" {
		stop, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "graphql", "/graphql", "graphiql", cfg.Dev())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// newHandler wires services, GraphQL and the HTTP layer by hand.
func newHandler(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) http.Handler {
	return newHandlerFor(cfg, st, st, log)
}

// newHandlerFor is newHandler with matchmaking reading ms.
func newHandlerFor(cfg config.Config, st *neo4jstore.Store, ms match.Storer, log *slog.Logger) http.Handler {
	resolver := newResolverFor(cfg, st, ms, log)
	sec := mustSecurity(cfg, st, log)
	resolver.Access = sec.access
	gql := graph.NewHandler(resolver, graph.Options{Introspection: cfg.Dev(), Log: log, TrustedDocuments: sec.trusted,
		Websocket: &graph.WebsocketOptions{Authenticate: sec.access.Authenticate, Origins: cfg.CORSOrigins,
			// A revoked key's subscriptions end within this on the replica
			// that revoked it, and within this plus the key cache's TTL on
			// the others (docs/changes.md).
			Recheck: wsRecheck(cfg)}})
	return httpserver.New(httpserver.Options{
		GraphQL:        graphQLMiddleware(resolver, gql),
		Explorer:       explorerHandler(),
		Ready:          st,
		Log:            log,
		CORSOrigins:    cfg.CORSOrigins,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		GraphiQL:       cfg.Dev(),
		Authenticator:  sec.access,
		RateLimits:     sec.rates,
		RequestContext: requestContext{},
	})
}

// wsRecheck is how often a WebSocket connection's credential is verified
// again: the key cache's TTL, at most 10 s.
func wsRecheck(cfg config.Config) time.Duration { return min(cfg.KeyCacheTTL, 10*time.Second) }

// requestContext gives the HTTP layer's request id to the GraphQL layer and
// counts the request's Neo4j statements.
type requestContext struct{}

func (requestContext) WithRequestID(ctx context.Context, id string) context.Context {
	return graph.WithRequestID(ctx, id)
}

func (requestContext) WithStatementCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return neo4jstore.WithRoundTripCounter(ctx, n)
}

// prepareSchema migrates (or, for replicas with CHAINMATCH_MIGRATE=false,
// waits for the schema) with capped exponential back-off until it succeeds
// or the server stops.
func prepareSchema(ctx context.Context, cfg config.Config, st *neo4jstore.Store, log *slog.Logger) {
	wait := 500 * time.Millisecond
	for {
		var err error
		if cfg.Migrate {
			var applied []int
			applied, err = st.Migrate(ctx)
			if err == nil {
				log.Info("schema ready", "applied", applied, "schema_version", neo4jstore.LatestMigration())
			}
		} else {
			err = st.CheckMigrated(ctx)
		}
		if err == nil {
			return
		}
		log.Warn("schema not ready; retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// servePprof serves Go's profiler on its own loopback listener (config
// refuses other hosts), apart from the API's handler chain, so that
// profiles can be taken under load (docs/benchmarks.md). The returned
// function closes it.
func servePprof(addr string, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("profiler", "addr", ln.Addr().String(), "path", "/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}
