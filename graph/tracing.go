package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"chainmatch/internal/telemetry"
)

// tracing follows the OpenTelemetry GraphQL semantic conventions: the HTTP
// layer's server span is named after the operation ("query
// SupplierMatches") and carries graphql.operation.type,
// graphql.operation.name and graphql.document with every literal value
// replaced by "?"; each root field (one service call) gets a child span,
// under which the store's Neo4j statement spans hang.
type tracing struct {
	// registered are the trusted documents by hash (nil: none), so that
	// their names always count on metrics.
	registered map[string]string
}

func (tracing) ExtensionName() string                   { return "Tracing" }
func (tracing) Validate(graphql.ExecutableSchema) error { return nil }

// maxTracedDocument bounds graphql.document on a span.
const maxTracedDocument = 8 << 10

// InterceptOperation names the request's span after the operation and
// records the operation for the HTTP layer's logs and metrics.
func (t tracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return next(ctx)
	}
	typ := string(oc.Operation.Operation)
	name := oc.Operation.Name
	_, registered := t.registered[documentHash(oc.RawQuery)]
	telemetry.SetOperation(ctx, typ, name, registered)
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		spanName := typ
		if name != "" {
			spanName += " " + name
		}
		span.SetName(spanName)
		attrs := []attribute.KeyValue{semconv.GraphQLOperationTypeKey.String(typ),
			semconv.GraphQLDocument(SanitizeDocument(oc.RawQuery))}
		if name != "" {
			attrs = append(attrs, semconv.GraphQLOperationName(name))
		}
		span.SetAttributes(attrs...)
	}
	return next(ctx)
}

// InterceptField opens a span per root field: the resolver's one service
// call and the statements it runs.
func (tracing) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || (fc.Object != "Query" && fc.Object != "Mutation") || !fc.IsResolver ||
		!trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	ctx, span := telemetry.Tracer().Start(ctx, fc.Object+"."+fc.Field.Name,
		trace.WithAttributes(attribute.String("graphql.field.name", fc.Field.Name),
			attribute.String("graphql.field.path", fc.Path().String())))
	defer span.End()
	v, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, "resolver error")
	}
	return v, err
}

// SanitizeDocument returns doc with every string, number and block-string
// literal replaced by "?" and comments removed, so that a span never
// carries values a caller wrote inline (variables are never recorded).
func SanitizeDocument(doc string) string {
	src := []rune(doc)
	lx := lexer.New(&ast.Source{Input: doc})
	var b strings.Builder
	last := 0
	complete := false
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			break // never reached for a parsed document; keep nothing unlexed
		}
		if tok.Kind == lexer.EOF {
			complete = true
			break
		}
		var repl string
		switch tok.Kind {
		case lexer.String, lexer.BlockString, lexer.Int, lexer.Float:
			repl = "?"
		case lexer.Comment:
		default:
			continue
		}
		b.WriteString(string(src[last:tok.Pos.Start]))
		b.WriteString(repl)
		last = tok.Pos.End
	}
	if complete && last < len(src) {
		b.WriteString(string(src[last:]))
	}
	out := b.String()
	if len(out) > maxTracedDocument {
		out = strings.ToValidUTF8(out[:maxTracedDocument], "")
	}
	return out
}
