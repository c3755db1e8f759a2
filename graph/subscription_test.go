package graph_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"chainmatch/graph"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// A change stream that fails after it started ends its subscription with
// an `error` message carrying the service's error as the error presenter
// shows it (code and extensions), not with a silent `complete`. The
// failure here: the events after the replica's position were purged
// before it read them (CURSOR_EXPIRED).
func TestAFailedChangeStreamEndsTheSubscriptionWithItsError(t *testing.T) {
	s := neo4jtest.Open(t)
	sig := changes.NewSignal()
	// The tail reads at start, then only when sig fires: the store has no
	// signal, so the writes below do not wake it.
	res := &graph.Resolver{Changes: changes.NewService(s, changes.Config{PollInterval: time.Hour, Signal: sig})}
	h := graph.NewHandler(res, graph.Options{Websocket: &graph.WebsocketOptions{
		Authenticate: func(context.Context, string) (auth.Principal, error) {
			return auth.Principal{ID: "partner-1", Role: auth.Partner}, nil
		}}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"),
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	read := func() msg {
		t.Helper()
		for {
			var m msg
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type != "ping" && m.Type != "pong" && m.Type != "ka" {
				return m
			}
		}
	}
	if err := wsjson.Write(ctx, conn, msg{Type: "connection_init", Payload: json.RawMessage(`{"authorization":"Bearer x"}`)}); err != nil {
		t.Fatal(err)
	}
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("init: %+v", m)
	}
	if err := wsjson.Write(ctx, conn, msg{ID: "1", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { changes { id } }"}`)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the tail started at the end of the log and read it once

	recs := make([]enterprise.Record, 3)
	for i := range recs {
		c, err := uscc.Make("330411", uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = enterprise.Record{Enterprise: enterprise.Enterprise{USCC: c, Name: "企业", IsLocal: true}}
	}
	staff := auth.WithPrincipal(context.Background(), auth.Principal{ID: "staff-1", Role: auth.Staff})
	if err := s.UpsertEnterprises(staff, recs); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeChangesBefore(ctx, time.Now().Add(time.Hour), 100); err != nil || n != 3 {
		t.Fatalf("purge: %d %v", n, err)
	}
	sig.Notify()

	m := read()
	var errs []struct {
		Message    string
		Extensions map[string]any
	}
	if m.Type != "error" || m.ID != "1" || json.Unmarshal(m.Payload, &errs) != nil || len(errs) != 1 ||
		errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["reason"] != changes.ReasonCursorExpired {
		t.Fatalf("want an error message with CURSOR_EXPIRED, got %s %s", m.Type, m.Payload)
	}
}
