// Package telemetry sets up OpenTelemetry for chainmatch: traces exported
// over OTLP (HTTP or gRPC) when the standard OTEL_* environment variables
// ask for it, and metrics following the OpenTelemetry semantic conventions,
// served on /metrics through the Prometheus registry and exported over OTLP
// when asked. It also carries the per-request operation record that the
// GraphQL layer fills in and the HTTP layer logs and measures, so that
// neither layer imports the other.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel"
	promexporter "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of chainmatch's spans and metrics.
const ScopeName = "chainmatch"

// Tracer is chainmatch's tracer from the global provider (a no-op until
// Setup or a test installs one).
func Tracer() trace.Tracer { return otel.Tracer(ScopeName) }

// TracesEnabled reports whether the environment asks for exported traces:
// OTEL_TRACES_EXPORTER set to something other than "none", or an OTLP
// endpoint set, and OTEL_SDK_DISABLED not "true". Tracing is off otherwise.
func TracesEnabled() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	if e := os.Getenv("OTEL_TRACES_EXPORTER"); e != "" {
		return e != "none"
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// metricsExported is TracesEnabled for the OTLP metric exporter.
func metricsExported() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	if e := os.Getenv("OTEL_METRICS_EXPORTER"); e != "" {
		return e != "none"
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") != ""
}

func newResource(ctx context.Context) (*resource.Resource, error) {
	// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
	return resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName("chainmatch")),
		resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
}

// NewTracerProvider builds the tracer provider the environment asks for.
// With tracing off it still makes trace ids (for logs and error answers)
// but samples nothing and exports nothing.
func NewTracerProvider(ctx context.Context) (*sdktrace.TracerProvider, error) {
	if !TracesEnabled() {
		return sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample())), nil
	}
	exp, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTEL_* trace exporter: %w", err)
	}
	res, err := newResource(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTEL_* resource: %w", err)
	}
	// The sampler comes from OTEL_TRACES_SAMPLER (default: parent-based,
	// always on), batching from OTEL_BSP_*.
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

var (
	metricsOnce sync.Once
	metricsErr  error
	meters      *sdkmetric.MeterProvider
)

// setupMetrics installs, once per process, the global meter provider: a
// Prometheus reader (so /metrics serves http_server_request_duration_seconds
// next to the other metrics) and an OTLP reader when OTEL_* asks for one.
func setupMetrics(ctx context.Context) error {
	metricsOnce.Do(func() {
		prom, err := promexporter.New(promexporter.WithoutScopeInfo(), promexporter.WithoutTargetInfo())
		if err != nil {
			metricsErr = fmt.Errorf("prometheus metric reader: %w", err)
			return
		}
		opts := []sdkmetric.Option{sdkmetric.WithReader(prom)}
		if metricsExported() {
			r, err := autoexport.NewMetricReader(ctx)
			if err != nil {
				metricsErr = fmt.Errorf("OTEL_* metric exporter: %w", err)
				return
			}
			opts = append(opts, sdkmetric.WithReader(r))
		}
		if res, err := newResource(ctx); err == nil {
			opts = append(opts, sdkmetric.WithResource(res))
		}
		meters = sdkmetric.NewMeterProvider(opts...)
		otel.SetMeterProvider(meters)
	})
	return metricsErr
}

// Setup installs the global tracer provider, propagators (W3C trace context
// and baggage: an incoming traceparent is continued) and meter provider.
// The returned function flushes and stops the tracer provider.
func Setup(ctx context.Context) (func(context.Context) error, error) {
	if err := setupMetrics(ctx); err != nil {
		return nil, err
	}
	tp, err := NewTracerProvider(ctx)
	if err != nil {
		return nil, err
	}
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return func(ctx context.Context) error {
		err := tp.Shutdown(ctx)
		if meters != nil && metricsExported() {
			err = errors.Join(err, meters.ForceFlush(ctx))
		}
		return err
	}, nil
}

// TraceID returns the trace id of ctx's span, or "" when there is none.
func TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.HasTraceID() {
		return ""
	}
	return sc.TraceID().String()
}
