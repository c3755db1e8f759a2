package httpserver

import (
	"context"
	"sync/atomic"
)

// RequestContext hands per-request values to the layers below without this
// package knowing them: the request id (cited by the GraphQL layer's
// INTERNAL errors) and a counter of database statements (logged per
// request as neo4j_statements). cmd/chainmatch wires it to the graph and
// store packages.
type RequestContext interface {
	// WithRequestID returns ctx carrying the request id for the layers below.
	WithRequestID(ctx context.Context, id string) context.Context
	// WithStatementCounter returns ctx whose database statements add one
	// each to n.
	WithStatementCounter(ctx context.Context, n *atomic.Int64) context.Context
}

// noRequestContext passes nothing down.
type noRequestContext struct{}

func (noRequestContext) WithRequestID(ctx context.Context, _ string) context.Context { return ctx }
func (noRequestContext) WithStatementCounter(ctx context.Context, _ *atomic.Int64) context.Context {
	return ctx
}

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "-".
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		return id
	}
	return "-"
}
