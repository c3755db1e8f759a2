package telemetry

import (
	"context"
	"sync"
)

// Operation is what the GraphQL layer learns about a request's operation;
// the HTTP layer, which starts the request's span and logs it, reads it
// when the request is done.
type Operation struct {
	mu sync.Mutex
	// Type is query, mutation or subscription ("" before parsing).
	typ  string
	name string
	// registered says the document is in the trusted-documents manifest.
	registered bool
}

type operationKey struct{}

// WithOperation returns ctx carrying a new, empty operation record.
func WithOperation(ctx context.Context) (context.Context, *Operation) {
	op := &Operation{}
	return context.WithValue(ctx, operationKey{}, op), op
}

// SetOperation records the operation of the request in ctx, if it carries a
// record (WithOperation).
func SetOperation(ctx context.Context, typ, name string, registered bool) {
	op, ok := ctx.Value(operationKey{}).(*Operation)
	if !ok {
		return
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	op.typ, op.name, op.registered = typ, name, registered
}

// Get returns the recorded type and name ("" when not recorded).
func (o *Operation) Get() (typ, name string) {
	if o == nil {
		return "", ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.typ, o.name
}

// MaxOperationNames bounds the distinct operation names a process puts on
// metrics: registered documents' names always count, other client-chosen
// names only until this many have been seen; later ones are OtherOperation.
const MaxOperationNames = 50

// OtherOperation is the metric label of operations beyond the bound.
const OtherOperation = "_OTHER"

var names = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

// MetricName returns the operation name to use as a metric attribute: the
// name of a registered operation, a client-chosen name while fewer than
// MaxOperationNames distinct ones have been seen, OtherOperation beyond
// that, and "" for anonymous operations.
func (o *Operation) MetricName() string {
	if o == nil {
		return ""
	}
	o.mu.Lock()
	name, registered := o.name, o.registered
	o.mu.Unlock()
	if name == "" || registered {
		return name
	}
	names.Lock()
	defer names.Unlock()
	if names.seen[name] {
		return name
	}
	if len(names.seen) >= MaxOperationNames {
		return OtherOperation
	}
	names.seen[name] = true
	return name
}
