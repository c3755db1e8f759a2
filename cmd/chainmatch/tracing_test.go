package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"chainmatch/graph"
	"chainmatch/internal/config"
	"chainmatch/internal/demo"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/telemetry"
)

// TestTracingSpanTree runs the wired server with an in-memory span exporter
// over the real Neo4j and checks the span tree of real requests: one server
// span per GraphQL operation named and attributed after the GraphQL
// conventions (sanitised document), a span per root field, Neo4j statement
// spans under it without parameter values; the trace id in the access log
// and in errors' extensions.traceId; the request-duration histogram on
// /metrics by operation name.
func TestTracingSpanTree(t *testing.T) {
	st := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Scale: 100}); err != nil {
		t.Fatal(err)
	}
	stop, err := telemetry.Setup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop(ctx)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	defer otel.SetTracerProvider(prev)

	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	srv := httptest.NewServer(newHandler(cfg, st, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()

	const secret = "zzsecretvaluezz"
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	post := func(body map[string]any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("traceparent", parent)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := post(map[string]any{
		"operationName": "FindFirms",
		"query": `# looking for ` + secret + `
query FindFirms($text: String!) { search(text: $text, first: 7) { __typename } enterprises(first: 3, filter: {nameContains: "` + secret + `"}) { totalCount } }`,
		"variables": map[string]any{"text": secret},
	})
	if out["errors"] != nil {
		t.Fatalf("errors: %v", out["errors"])
	}
	tp.ForceFlush(ctx)

	got := spans.GetSpans()
	var server *tracetest.SpanStub
	for i := range got {
		if got[i].SpanKind == trace.SpanKindServer {
			if server != nil {
				t.Fatalf("two server spans: %q and %q", server.Name, got[i].Name)
			}
			server = &got[i]
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d spans", len(got))
	}
	if server.Name != "query FindFirms" {
		t.Errorf("server span name %q, want %q", server.Name, "query FindFirms")
	}
	if tid := server.SpanContext.TraceID().String(); tid != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("the incoming traceparent was not continued: trace id %s", tid)
	}
	attrs := attrMap(server.Attributes)
	if attrs["graphql.operation.type"] != "query" || attrs["graphql.operation.name"] != "FindFirms" ||
		attrs["http.route"] != "/graphql" || attrs["http.response.status_code"] != "200" {
		t.Errorf("server span attributes: %v", attrs)
	}
	doc := attrs["graphql.document"]
	if !strings.Contains(doc, "search(text: $text, first: ?)") || !strings.Contains(doc, `nameContains: ?`) {
		t.Errorf("graphql.document not sanitised as expected: %q", doc)
	}

	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range got {
		byID[s.SpanContext.SpanID()] = s
	}
	roots := map[string]tracetest.SpanStub{}
	statements := 0
	for _, s := range got {
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.Emit(), secret) {
				t.Errorf("span %q carries a caller's value in %s: %s", s.Name, kv.Key, kv.Value.Emit())
			}
		}
		switch {
		case s.Parent.SpanID() == server.SpanContext.SpanID() && s.SpanKind == trace.SpanKindInternal:
			roots[s.Name] = s
		case attrMap(s.Attributes)["db.system.name"] == "neo4j":
			statements++
			a := attrMap(s.Attributes)
			// Values travel as parameters; the only statements without one
			// read the whole synonym list and the whole catalogue (the
			// search service's in-memory copies).
			parameterless := s.Name == "MATCH SearchSynonym" || s.Name == "MATCH IndustrialChain"
			if s.SpanKind != trace.SpanKindClient || (!parameterless && !strings.Contains(a["db.query.text"], "$")) || a["db.operation.name"] == "" {
				t.Errorf("statement span %q: kind %v, attributes %v", s.Name, s.SpanKind, a)
			}
			// Every statement hangs under a root field's span, under the server span.
			p, ok := byID[s.Parent.SpanID()]
			if !ok || p.Parent.SpanID() != server.SpanContext.SpanID() {
				t.Errorf("statement span %q is not under a root-field span of the request", s.Name)
			}
		}
	}
	for _, name := range []string{"Query.search", "Query.enterprises"} {
		if _, ok := roots[name]; !ok {
			t.Errorf("no %s span under the server span (have %v)", name, keys(roots))
		}
	}
	if statements < 2 {
		t.Errorf("%d Neo4j statement spans, want at least 2 (search and the page)", statements)
	}

	// Errors carry the trace id; the access log line too.
	spans.Reset()
	out = post(map[string]any{"query": `{ enterprise(uscc: "bad") { noSuchField } }`})
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("want an error for an unknown field, got %v", out)
	}
	ext := errs[0].(map[string]any)["extensions"].(map[string]any)
	if ext["traceId"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("extensions.traceId = %v", ext["traceId"])
	}
	var logged int
	for _, line := range strings.Split(logs.String(), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) != nil || e["msg"] != "request" {
			continue
		}
		logged++
		if e["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Errorf("access log line without the trace id: %s", line)
		}
	}
	if logged != 2 {
		t.Errorf("%d access log lines, want 2", logged)
	}

	// The duration histogram by operation name, in seconds.
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var found bool
	for _, line := range strings.Split(string(metrics), "\n") {
		if strings.HasPrefix(line, "http_server_request_duration_seconds_count{") &&
			strings.Contains(line, `graphql_operation_name="FindFirms"`) && strings.Contains(line, `graphql_operation_type="query"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no http_server_request_duration_seconds series for FindFirms on /metrics")
	}
}

// TestSanitizeDocument: literals go, structure and variables stay.
func TestSanitizeDocument(t *testing.T) {
	in := "query Q($a: Int = 5) {\n  # note 13912345678\n  x(s: \"秘密\", f: 1.5, b: \"\"\"block\"\"\", v: $a, e: RED, t: true) { y }\n}"
	want := "query Q($a: Int = ?) {\n  \n  x(s: ?, f: ?, b: ?, v: $a, e: RED, t: true) { y }\n}"
	if got := graph.SanitizeDocument(in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
