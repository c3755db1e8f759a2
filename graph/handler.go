package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/graph/generated"
	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/telemetry"
)

// Options tune the GraphQL handler.
type Options struct {
	// Introspection allows schema introspection and field suggestions to
	// every caller (development). Otherwise only signed-in callers get them.
	Introspection bool
	Log           *slog.Logger
	// Limits per role; nil means DefaultLimits.
	Limits map[auth.Role]Limits
	// TrustedDocuments, when set, restricts its roles to registered
	// operations.
	TrustedDocuments *TrustedDocuments
	// APQCacheSize is the number of automatic persisted queries kept
	// (default 1000).
	APQCacheSize int
	// Websocket, when set, serves subscriptions over WebSocket
	// (graphql-transport-ws; websocket.go).
	Websocket *WebsocketOptions
}

// NewHandler builds the GraphQL handler: one GraphQL-over-HTTP transport
// for POST and GET (queries only; transport.go), the @requires directive, query limits, automatic
// persisted queries, optional trusted documents, the audit trail of
// mutations, and an error presenter that shows clients only contract codes
// and safe messages.
func NewHandler(r *Resolver, opt Options) *handler.Server {
	cfg := generated.Config{Resolvers: r}
	cfg.Directives.Requires = requires
	es := generated.NewExecutableSchema(cfg)
	Schema() // the role sentences in the descriptions introspection shows
	srv := handler.New(es)
	// @defer: incremental delivery over multipart/mixed (gqlgen's
	// implementation of the incremental-delivery RFC) for clients that
	// accept it; everything else is one JSON response.
	srv.AddTransport(transport.MultipartMixed{Boundary: "-", DeliveryTimeout: 10 * time.Millisecond})
	srv.AddTransport(httpTransport{})
	if opt.Websocket != nil {
		srv.AddTransport(websocketTransport(*opt.Websocket))
	}
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	limits := opt.Limits
	if limits == nil {
		limits = DefaultLimits
	}
	maxTokens := 0
	for _, l := range limits {
		maxTokens = max(maxTokens, l.MaxTokens)
	}
	// Backstop for the parser itself; the per-role count runs earlier.
	srv.SetParserTokenLimit(maxTokens + 1)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(introspectionGate{everyone: opt.Introspection})
	if opt.TrustedDocuments != nil {
		srv.Use(*opt.TrustedDocuments)
	}
	apq := opt.APQCacheSize
	if apq <= 0 {
		apq = 1000
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](apq)})
	srv.Use(queryLimits{byRole: limits, schema: es.Schema()})
	srv.Use(auditTrail{access: r.Access, log: log})
	var registered map[string]string
	if opt.TrustedDocuments != nil {
		registered = opt.TrustedDocuments.Docs
	}
	srv.Use(tracing{registered: registered})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		gerr := presentError(ctx, log, err, opt.Introspection)
		// The trace id finds the request's spans and log lines.
		if id := telemetry.TraceID(ctx); id != "" {
			gerr.Extensions["traceId"] = id
		}
		return gerr
	})
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", v, "request_id", RequestID(ctx))
		return &apperr.Error{Code: apperr.Internal, Message: "internal error"}
	})
	return srv
}

// requires implements @requires(role:): anonymous callers below the role get
// UNAUTHENTICATED, signed-in ones FORBIDDEN.
func requires(ctx context.Context, _ any, next graphql.Resolver, role auth.Role) (any, error) {
	p := auth.FromContext(ctx)
	if p.Role.AtLeast(role) {
		return next(ctx)
	}
	if p.Role == auth.Anonymous {
		return nil, &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in with an API key or token (role " + string(role) + " required)"}
	}
	return nil, &apperr.Error{Code: apperr.Forbidden, Message: "role " + string(role) + " required"}
}

// presentError maps any resolver error to a client-safe GraphQL error.
// Errors the services classified keep their message; everything else is
// logged with the request id and shown as INTERNAL with that id.
func presentError(ctx context.Context, log *slog.Logger, err error, suggestions bool) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var inner error = err
	var ge *gqlerror.Error
	if errors.As(err, &ge) && ge.Err != nil {
		inner = ge.Err
	}
	if ge != nil && ge.Err == nil {
		// Parse and validation errors from gqlgen itself: already safe, but
		// "Did you mean ...?" maps the schema for anonymous callers.
		if !suggestions && auth.FromContext(ctx).Role == auth.Anonymous {
			if i := strings.Index(gerr.Message, " Did you mean "); i >= 0 {
				gerr.Message = gerr.Message[:i]
			}
		}
		if variableInputError(ctx, gerr) {
			return gerr
		}
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		if gerr.Extensions["code"] == nil {
			gerr.Extensions["code"] = string(apperr.GraphQLValidationFailed)
			// gqlgen's automatic persisted queries refuse a malformed
			// extension without a code: that is bad input in the request.
			if strings.Contains(gerr.Message, "APQ") {
				gerr.Extensions["code"] = string(apperr.BadUserInput)
				gerr.Extensions["field"] = "extensions.persistedQuery"
			}
		}
		return gerr
	}
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	// A field's error points at the field in the document.
	if fc := graphql.GetFieldContext(ctx); len(gerr.Locations) == 0 && fc != nil && fc.Field.Field != nil {
		gerr.Locations = locationOf(fc.Field.Position)
	}
	code := apperr.CodeOf(inner)
	gerr.Extensions["code"] = string(code)
	switch code {
	case apperr.Internal:
		id := RequestID(ctx)
		log.ErrorContext(ctx, "internal error", "err", inner, "request_id", id, "path", gerr.Path.String())
		gerr.Message = "internal error (request id " + id + ")"
		gerr.Extensions["requestId"] = id
	case apperr.DatabaseUnavailable:
		log.WarnContext(ctx, "database unavailable", "err", inner, "request_id", RequestID(ctx))
		gerr.Message = "the database is unavailable; try again shortly"
	case apperr.NotFound, apperr.Conflict:
		// The generic message unless the domain error says more below. A
		// stale expectedVersion carries extensions.currentVersion, from
		// which the client reloads; a duplicate may name the existing object.
		gerr.Message = map[apperr.Code]string{apperr.NotFound: "not found", apperr.Conflict: "conflict"}[code]
		fallthrough
	default:
		if ae, ok := apperr.As(inner); ok {
			gerr.Message = ae.Message
			if ae.Field != "" {
				gerr.Extensions["field"] = ae.Field
			} else if f := inputField(gerr.Path); ae.Code == apperr.BadUserInput && f != "" {
				// A scalar that failed to parse (DateTime) knows no field
				// name; its path does: [mutation field, argument, ...].
				gerr.Extensions["field"] = f
			}
			for k, v := range ae.Extensions {
				gerr.Extensions[k] = v
			}
		}
	}
	return gerr
}

// inputField names the input of an argument-parsing error from its path,
// e.g. [createLead input nextActionAt] -> "input.nextActionAt".
func inputField(p ast.Path) string {
	var names []string
	for i, el := range p {
		if n, ok := el.(ast.PathName); ok && i > 0 {
			names = append(names, string(n))
		}
	}
	return strings.Join(names, ".")
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id that errors and logs cite.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id set by the HTTP layer, or "-".
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		return id
	}
	return "-"
}
