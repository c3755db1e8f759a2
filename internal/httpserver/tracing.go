package httpserver

import (
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"chainmatch/internal/telemetry"
)

// requestDuration is the OpenTelemetry http.server.request.duration
// histogram (seconds); /metrics shows it as
// http_server_request_duration_seconds. GraphQL requests carry their
// operation's type and bounded name (telemetry.Operation.MetricName).
var requestDuration metric.Float64Histogram

func init() {
	var err error
	requestDuration, err = otel.Meter(telemetry.ScopeName).Float64Histogram("http.server.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	if err != nil {
		panic(err) // only for invalid instrument names
	}
}

// traced is the outermost middleware: it continues an incoming W3C trace
// (traceparent) or starts one, opens the request's server span (for
// /graphql named after the GraphQL operation, which graph's tracing
// extension records), and records http.server.request.duration.
func traced(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := routeOf(r.URL.Path)
		ctx := otel.GetTextMapPropagator().Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := telemetry.Tracer().Start(ctx, r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(semconv.HTTPRequestMethodKey.String(r.Method), semconv.HTTPRoute(route),
				semconv.URLPath(r.URL.Path), semconv.URLScheme(scheme(r)), semconv.UserAgentOriginal(r.UserAgent())))
		defer span.End()
		ctx, op := telemetry.WithOperation(ctx)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []attribute.KeyValue{semconv.HTTPRequestMethodKey.String(r.Method), semconv.HTTPRoute(route),
			semconv.HTTPResponseStatusCode(status)}
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
			attrs = append(attrs, semconv.ErrorTypeKey.String(http.StatusText(status)))
		}
		if typ, _ := op.Get(); typ != "" {
			attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(typ))
			if name := op.MetricName(); name != "" {
				attrs = append(attrs, semconv.GraphQLOperationName(name))
			}
		}
		requestDuration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	})
}

// routeOf folds paths into the few routes the server has, so that metrics
// and span names stay bounded.
func routeOf(path string) string {
	switch {
	case path == "/graphql", path == "/healthz", path == "/readyz", path == "/metrics", path == "/", path == "/graphiql":
		return path
	case strings.HasPrefix(path, "/explorer"):
		return "/explorer"
	default:
		return "other"
	}
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
