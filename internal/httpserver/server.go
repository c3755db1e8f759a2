// Package httpserver is chainmatch's HTTP transport: it mounts the GraphQL
// handler, GraphiQL, the explorer, health, readiness and metrics, and wraps
// them in request ids, structured logs, CORS, body limits, deadlines and
// panic recovery. It holds no business logic.
package httpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/httpserver/explorer"
	"chainmatch/internal/telemetry"
)

// Readiness is what /readyz asks: nil when the server can answer queries.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Options configure the HTTP layer.
type Options struct {
	// GraphQL serves /graphql; the caller wraps it with per-request loaders
	// and authentication.
	GraphQL http.Handler
	// Explorer serves /explorer/ when set.
	Explorer       http.Handler
	Ready          Readiness
	Log            *slog.Logger
	CORSOrigins    []string
	MaxBodyBytes   int64
	RequestTimeout time.Duration
	// GraphiQL serves the GraphiQL IDE at / and /graphiql to everyone
	// (development); otherwise /graphiql is served to staff credentials only.
	GraphiQL bool
	// Authenticator identifies callers of /graphql; nil means everyone is
	// anonymous.
	Authenticator Authenticator
	// RateLimits per role; nil means DefaultRateLimits.
	RateLimits map[auth.Role]RateLimit
	// RequestContext passes the request id and a statement counter down;
	// nil passes nothing (logs then show 0 statements).
	RequestContext RequestContext
}

var (
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chainmatch_http_request_duration_seconds",
		Help:    "HTTP request latency by route and status.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
	}, []string{"route", "status"})
	inFlight = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "chainmatch_http_in_flight_requests",
		Help: "HTTP requests being served.",
	})
)

// New returns the root handler.
func New(o Options) http.Handler {
	mux := http.NewServeMux()
	if o.Authenticator == nil {
		o.Authenticator = anonymousOnly{}
	}
	if o.RequestContext == nil {
		o.RequestContext = noRequestContext{}
	}
	// Cheap refusals first: a bad credential or an exhausted bucket costs
	// no body read; then the transport rules, then the deadline for Neo4j.
	gql := withDeadline(o.RequestTimeout, o.GraphQL)
	limiter := newRateLimiter(o.RateLimits)
	requests := cachePolicy(authenticate(o.Authenticator, o.Log, limiter.middleware(limitBody(o.MaxBodyBytes, graphqlHTTP(gql)))))
	// A WebSocket upgrade (subscriptions) lives beyond one request: no
	// request deadline, no body limit, and the server's read and write
	// timeouts lifted; authentication happens again in connection_init
	// (graph/websocket.go), which also checks the origin.
	upgrades := authenticate(o.Authenticator, o.Log, limiter.middleware(longLived(o.GraphQL)))
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			upgrades.ServeHTTP(w, r)
			return
		}
		requests.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := o.Ready.Ready(ctx); err != nil {
			o.Log.WarnContext(ctx, "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": readinessReason(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.Handler())
	if o.Explorer != nil {
		mux.Handle("/explorer/", o.Explorer)
		mux.Handle("GET /explorer", http.RedirectHandler("/explorer/", http.StatusMovedPermanently))
	}
	// The bundled GraphiQL (no CDN); its assets are under /explorer/assets/.
	ide := explorer.GraphiQL()
	if o.GraphiQL {
		mux.Handle("GET /graphiql", ide)
		mux.Handle("GET /{$}", ide)
	} else {
		mux.Handle("GET /graphiql", authenticate(o.Authenticator, o.Log, staffOnly(ide)))
	}
	c := cors.New(cors.Options{
		AllowedOrigins:   o.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Accept", "Accept-Language", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"},
		AllowCredentials: !contains(o.CORSOrigins, "*"),
		MaxAge:           600,
	})
	return traced(requestID(o.RequestContext, accessLog(o.Log, o.RequestContext, recoverPanics(o.Log, c.Handler(mux)))))
}

func readinessReason(err error) string {
	if err == nil {
		return ""
	}
	// The cause may name hosts; keep the public answer generic.
	return "neo4j unreachable or schema not migrated"
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// requestID takes a sane X-Request-Id from the client or makes one, echoes
// it, and puts it in the context for logs and INTERNAL errors.
func requestID(rc RequestContext, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(rc.WithRequestID(ctx, id)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Flush keeps streaming responses working through the wrapper.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog writes one JSON line per request and records metrics.
func accessLog(log *slog.Logger, rc RequestContext, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		inFlight.Inc()
		defer inFlight.Dec()
		sw := &statusWriter{ResponseWriter: w}
		// Count the request's Neo4j statements for its log line. The counter
		// goes into the context here, outermost, because inner middleware
		// hands on derived requests (WithContext) that this one never sees.
		trips := new(atomic.Int64)
		r = r.WithContext(rc.WithStatementCounter(r.Context(), trips))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := r.URL.Path
		switch {
		case route == "/graphql", route == "/healthz", route == "/readyz", route == "/metrics", route == "/":
		case len(route) >= 9 && route[:9] == "/explorer":
			route = "/explorer"
		default:
			route = "other"
		}
		httpDuration.WithLabelValues(route, strconv.Itoa(sw.status)).Observe(elapsed.Seconds())
		if route == "/metrics" || route == "/healthz" {
			return
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("trace_id", telemetry.TraceID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Float64("ms", float64(elapsed.Microseconds())/1000),
			slog.Int64("neo4j_statements", trips.Load()))
	})
}

// withDeadline bounds each GraphQL request; the store passes the deadline on
// to Neo4j as the transaction timeout, so a slow query is cancelled.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// longLived lifts the server's read and write deadlines for a connection
// that is about to be upgraded (they would otherwise stay on the hijacked
// connection and cut it after CHAINMATCH_READ_TIMEOUT).
func longLived(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies larger than max with 413.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, apperr.BadUserInput, "request body too large", map[string]any{"field": "body", "max": max})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				id := RequestID(r.Context())
				log.ErrorContext(r.Context(), "panic", "panic", v, "request_id", id)
				writeJSON(w, http.StatusInternalServerError, map[string]any{
					"errors": []map[string]any{{"message": "internal error (request id " + id + ")", "extensions": map[string]any{"code": "INTERNAL", "requestId": id, "traceId": telemetry.TraceID(r.Context())}}},
				})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// anonymousOnly treats every caller as anonymous and refuses credentials
// it cannot check.
type anonymousOnly struct{}

func (anonymousOnly) Authenticate(_ context.Context, header string) (auth.Principal, error) {
	if header != "" {
		return auth.Principal{}, auth.ErrInvalidCredential
	}
	return auth.Principal{Role: auth.Anonymous}, nil
}

// staffOnly serves next to staff and admin callers and 404 to others, so
// production does not advertise its IDE.
func staffOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !auth.FromContext(r.Context()).Role.AtLeast(auth.Staff) {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
