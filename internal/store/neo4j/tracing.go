package neo4jstore

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"chainmatch/internal/telemetry"
)

// traceStatement opens a client span for one Cypher statement, following
// the OpenTelemetry database conventions: db.system.name=neo4j, the
// statement text as written (parameterised: values are never recorded),
// its first clause as db.operation.name and a low-cardinality
// db.query.summary ("MATCH Enterprise") as the span name. Call the
// returned function with the statement's error when it is done.
func traceStatement(ctx context.Context, query string) (context.Context, func(error)) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, func(error) {}
	}
	op, summary := summarize(query)
	ctx, span := telemetry.Tracer().Start(ctx, summary, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNameNeo4j, semconv.DBQueryText(query),
			semconv.DBOperationName(op), semconv.DBQuerySummary(summary)))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "statement failed")
		}
		span.End()
	}
}

var (
	summaries  sync.Map // query -> [2]string; queries are constants, so bounded
	firstWord  = regexp.MustCompile(`(?i)^\s*(OPTIONAL\s+MATCH|[A-Z]+)`)
	firstLabel = regexp.MustCompile(`:\s*([A-Z][A-Za-z]*)`)
)

// summarize returns a statement's first clause and "<clause> <first label>".
func summarize(query string) (op, summary string) {
	if v, ok := summaries.Load(query); ok {
		s := v.([2]string)
		return s[0], s[1]
	}
	op = "CYPHER"
	if m := firstWord.FindStringSubmatch(query); m != nil {
		op = strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
	}
	summary = op
	if m := firstLabel.FindStringSubmatch(query); m != nil {
		summary += " " + m[1]
	}
	summaries.Store(query, [2]string{op, summary})
	return op, summary
}
