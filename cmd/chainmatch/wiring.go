package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"chainmatch/graph"
	"chainmatch/internal/config"
	"chainmatch/internal/httpserver/explorer"
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

// explorerHandler serves the embedded staff explorer (or a page saying how
// to build it when the binary was built without it).
func explorerHandler() http.Handler { return explorer.Handler() }

func demoCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	return fmt.Errorf("demo: not wired yet")
}

func importCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	return fmt.Errorf("import: not wired yet")
}
