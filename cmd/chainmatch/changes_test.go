package main

// The change log end to end: Query.changes over HTTP and
// Subscription.changes over WebSocket (graphql-transport-ws), served by
// newHandler on a real Neo4j, with real API keys.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
)

// wsMsg is a graphql-transport-ws message.
type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient speaks graphql-transport-ws to the test server.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialWS opens a connection with origin (none when "") and sends
// connection_init with token ("" = no credentials). It returns the client
// and the first message's type (connection_ack when accepted) or the
// close error.
func (s *secServer) dialWS(ctx context.Context, token, origin string) (*wsClient, error) {
	s.t.Helper()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: hdr})
	if err != nil {
		return nil, err
	}
	if conn.Subprotocol() != "graphql-transport-ws" {
		s.t.Fatalf("subprotocol %q", conn.Subprotocol())
	}
	c := &wsClient{t: s.t, conn: conn}
	payload := map[string]any{}
	if token != "" {
		payload["authorization"] = "Bearer " + token
	}
	p, _ := json.Marshal(payload)
	if err := wsjson.Write(ctx, conn, wsMsg{Type: "connection_init", Payload: p}); err != nil {
		return nil, err
	}
	m, err := c.next(ctx)
	if err != nil {
		return nil, err
	}
	if m.Type != "connection_ack" {
		return nil, fmt.Errorf("first message %s %s", m.Type, m.Payload)
	}
	s.t.Cleanup(func() { _ = conn.Close(websocket.StatusNormalClosure, "") })
	return c, nil
}

// next reads the next message that is not a keep-alive, answering pings.
func (c *wsClient) next(ctx context.Context) (wsMsg, error) {
	for {
		var m wsMsg
		if err := wsjson.Read(ctx, c.conn, &m); err != nil {
			return m, err
		}
		switch m.Type {
		case "ping":
			if err := wsjson.Write(ctx, c.conn, wsMsg{Type: "pong"}); err != nil {
				return m, err
			}
		case "pong", "ka":
		default:
			return m, nil
		}
	}
}

func (c *wsClient) subscribe(ctx context.Context, id, query string, vars map[string]any) {
	c.t.Helper()
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := wsjson.Write(ctx, c.conn, wsMsg{ID: id, Type: "subscribe", Payload: p}); err != nil {
		c.t.Fatal(err)
	}
}

type wsEvent struct {
	ID, Kind, EntityID, Cursor string
}

const subscribeChanges = `subscription($after: String, $kinds: [ChangeKind!]) {
  changes(after: $after, kinds: $kinds) { id kind entityId cursor } }`

// collect reads events until stop says so.
func (c *wsClient) collect(ctx context.Context, stop func(wsEvent) bool) ([]wsEvent, error) {
	var out []wsEvent
	for {
		m, err := c.next(ctx)
		if err != nil {
			return out, err
		}
		if m.Type != "next" {
			return out, fmt.Errorf("message %s %s", m.Type, m.Payload)
		}
		var p struct {
			Data   struct{ Changes wsEvent }
			Errors []json.RawMessage
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
			return out, fmt.Errorf("payload %s: %v", m.Payload, err)
		}
		out = append(out, p.Data.Changes)
		if stop(p.Data.Changes) {
			return out, nil
		}
	}
}

func seqOf(t *testing.T, cursor string) int64 {
	t.Helper()
	c, err := changes.ParseCursor(cursor, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	return int64(c)
}

// A partner and a staff member subscribe from a cursor while writes run:
// each gets the events after the cursor (replay) and then the live ones,
// in commit order, without a gap or a duplicate; the partner gets no
// LEAD_CHANGED. Query.changes pages the same log.
func TestSubscriptionReplaysThenStreamsWithoutAGap(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("feed partner", "PARTNER")
	_, staff := s.createKey("feed staff", "STAFF")
	for i := range 3 {
		s.mustGQL(staff, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, uint64(500+i)), "订阅前企业")})
	}
	page := s.mustGQL(partner, `{ changes(first: 1) { edges { cursor node { id kind entityId cursor } } pageInfo { hasNextPage endCursor } } }`, nil)
	var conn struct {
		Edges []struct {
			Cursor string
			Node   wsEvent
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   string
		}
	}
	_ = json.Unmarshal(page.Data["changes"], &conn)
	if len(conn.Edges) != 1 || !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor != conn.Edges[0].Cursor ||
		conn.Edges[0].Node.Cursor != conn.Edges[0].Cursor || conn.Edges[0].Node.Kind != "ENTERPRISE_CREATED" ||
		conn.Edges[0].Node.EntityID != gid.Encode(gid.Enterprise, testUSCC(t, 500)) {
		t.Fatalf("first page %+v", conn)
	}
	after := conn.PageInfo.EndCursor

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pc, err := s.dialWS(ctx, partner, "")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.dialWS(ctx, staff, "https://app.example")
	if err != nil {
		t.Fatal(err)
	}
	pc.subscribe(ctx, "p", subscribeChanges, map[string]any{"after": after})
	sc.subscribe(ctx, "s", subscribeChanges, map[string]any{"after": after})

	// Writes run while the subscriptions replay: 20 upserts, a lead, and
	// a last upsert that marks the end.
	marker := gid.Encode(gid.Enterprise, testUSCC(t, 999))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			if _, r := s.gql(partner, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, uint64(600+i)), "订阅中企业")}); len(r.Errors) > 0 {
				t.Errorf("upsert: %+v", r.Errors)
				return
			}
		}
		if _, r := s.gql(staff, `mutation($e: ID!) { createLead(input: {enterpriseId: $e}) { id } }`,
			map[string]any{"e": gid.Encode(gid.Enterprise, testUSCC(t, 501))}); len(r.Errors) > 0 {
			t.Errorf("createLead: %+v", r.Errors)
		}
		if _, r := s.gql(partner, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, 999), "最后的企业")}); len(r.Errors) > 0 {
			t.Errorf("upsert: %+v", r.Errors)
		}
	}()
	untilMarker := func(e wsEvent) bool { return e.EntityID == marker }
	var pEvents, sEvents []wsEvent
	var pErr, sErr error
	var rd sync.WaitGroup
	rd.Add(2)
	go func() { defer rd.Done(); pEvents, pErr = pc.collect(ctx, untilMarker) }()
	go func() { defer rd.Done(); sEvents, sErr = sc.collect(ctx, untilMarker) }()
	rd.Wait()
	wg.Wait()
	if pErr != nil || sErr != nil {
		t.Fatalf("partner: %v; staff: %v", pErr, sErr)
	}
	// Staff: every event after the cursor, seq 2..25, once each, in order.
	start := seqOf(t, after)
	if len(sEvents) != 24 {
		t.Fatalf("staff got %d events, want 24", len(sEvents))
	}
	leads := 0
	for i, e := range sEvents {
		if got := seqOf(t, e.Cursor); got != start+int64(i)+1 {
			t.Fatalf("staff event %d has seq %d, want %d (a gap or a duplicate)", i, got, start+int64(i)+1)
		}
		if e.Kind == "LEAD_CHANGED" {
			leads++
		}
	}
	if leads != 1 {
		t.Fatalf("staff saw %d LEAD_CHANGED, want 1", leads)
	}
	// Partner: the same but the lead's event.
	if len(pEvents) != 23 {
		t.Fatalf("partner got %d events, want 23", len(pEvents))
	}
	j := 0
	for _, e := range sEvents {
		if e.Kind == "LEAD_CHANGED" {
			continue
		}
		if pEvents[j] != e {
			t.Fatalf("partner event %d is %+v, staff saw %+v", j, pEvents[j], e)
		}
		j++
	}

	// Live after replay: a new write reaches the open subscription.
	s.mustGQL(partner, `mutation($id: ID!) { deleteEnterprise(id: $id) }`, map[string]any{"id": marker})
	got, err := pc.collect(ctx, func(wsEvent) bool { return true })
	if err != nil || got[0].Kind != "ENTERPRISE_DELETED" || got[0].EntityID != marker {
		t.Fatalf("live event %+v %v", got, err)
	}

	// node(id:) applies the same rules.
	leadEvent := ""
	for _, e := range sEvents {
		if e.Kind == "LEAD_CHANGED" {
			leadEvent = e.ID
		}
	}
	nodeDoc := `query($id: ID!) { node(id: $id) { ... on ChangeEvent { kind } } }`
	if r := s.mustGQL(staff, nodeDoc, map[string]any{"id": leadEvent}); !strings.Contains(string(r.Data["node"]), "LEAD_CHANGED") {
		t.Fatalf("staff node: %s", r.Data["node"])
	}
	if r := s.mustGQL(partner, nodeDoc, map[string]any{"id": leadEvent}); string(r.Data["node"]) != "null" {
		t.Fatalf("partner node: %s", r.Data["node"])
	}
}

// Credentials go in connection_init: without them, or with a bad one, the
// server closes the connection with 4403; a foreign origin is refused at
// the handshake; a bad cursor is an error of the subscription (gqlgen sends
// it as a `next` with errors, then `complete`); the server answers pings.
func TestSubscriptionRefusals(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("feed partner", "PARTNER")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, token := range []string{"", "cm_nosuchkey_secret"} {
		_, err := s.dialWS(ctx, token, "")
		if websocket.CloseStatus(err) != 4403 {
			t.Fatalf("token %q: %v, want close 4403", token, err)
		}
	}
	if _, err := s.dialWS(ctx, partner, "https://evil.example"); err == nil {
		t.Fatal("a foreign origin was accepted")
	}
	c, err := s.dialWS(ctx, partner, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Write(ctx, c.conn, wsMsg{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	var m wsMsg
	for m.Type != "pong" {
		if err := wsjson.Read(ctx, c.conn, &m); err != nil {
			t.Fatal(err)
		}
	}
	c.subscribe(ctx, "bad", subscribeChanges, map[string]any{"after": "not-a-cursor"})
	m, err = c.next(ctx)
	if err != nil || (m.Type != "error" && m.Type != "next") || !strings.Contains(string(m.Payload), `"code":"BAD_USER_INPUT","field":"after"`) {
		t.Fatalf("bad cursor: %s %s %v", m.Type, m.Payload, err)
	}
	// Anonymous callers get nothing of the feed over HTTP either.
	if _, r := s.gql("", `{ changes { edges { cursor } } }`, nil); r.firstCode() != "UNAUTHENTICATED" {
		t.Fatalf("anonymous changes: %+v", r)
	}
}
