package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/config"
)

// A bad CHAINMATCH_MATCH_WEIGHTS stops serve at start, naming the variable,
// instead of serving with weights nobody asked for.
func TestServeRefusesBadMatchWeights(t *testing.T) {
	t.Setenv("CHAINMATCH_ADDR", "127.0.0.1:"+strconv.Itoa(freePort(t)))
	t.Setenv("NEO4J_URI", "bolt://127.0.0.1:1") // the check needs no Neo4j
	t.Setenv("CHAINMATCH_MATCH_WEIGHTS", "proximity=0.3,distance=0.2")
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "CHAINMATCH_MATCH_WEIGHTS") || !strings.Contains(err.Error(), "distance") {
		t.Fatalf("serve with bad weights: %v", err)
	}
}
