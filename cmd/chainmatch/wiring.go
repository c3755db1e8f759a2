package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"chainmatch/graph"
	"chainmatch/internal/config"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// newResolver builds the services the resolvers call.
func newResolver(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) *graph.Resolver {
	return &graph.Resolver{}
}

// graphQLMiddleware wraps the GraphQL handler with per-request state.
func graphQLMiddleware(r *graph.Resolver, next http.Handler) http.Handler {
	return next
}

func explorerHandler() http.Handler { return nil }

func demoCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	return fmt.Errorf("demo: not wired yet")
}

func importCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	return fmt.Errorf("import: not wired yet")
}
