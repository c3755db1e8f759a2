package main

// Match alerts end to end: a partner saves a search over HTTP, subscribes
// to Subscription.matchAlerts over WebSocket (graphql-transport-ws), a firm
// is written through the API, the evaluator (the change-log follower serve
// runs) records the alert, and the subscription delivers it.

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"chainmatch/internal/config"
	"chainmatch/internal/gid"
	"chainmatch/internal/match/matchtest"
)

func TestMatchAlertsSubscriptionDeliversANewMaker(t *testing.T) {
	s := newSecServer(t, nil)
	matchtest.Load(t, s.st)
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	evalCtx, stopEval := context.WithCancel(ctx)
	wait := startAlertEvaluator(evalCtx, cfg, s.st, s.st.ChangeSignal(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer func() { stopEval(); wait() }()

	_, partner := s.createKey("alerts partner", "PARTNER")
	s.mustGQL(partner, `mutation($in: SavedSearchInput!) { saveSearch(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "glass", "kind": "SUPPLIER", "enterpriseId": gid.Encode(gid.Enterprise, matchtest.Asker),
		"productIds": []string{gid.Encode(gid.Product, "GLASS")}}})

	c, err := s.dialWS(ctx, partner, "")
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(ctx, "a1", `subscription { matchAlerts { id savedSearch { name } cause { kind entityId }
	  match { candidate { uscc } fit score } } }`, nil)
	time.Sleep(time.Second) // the hub and the evaluator's lease start

	maker := testUSCC(t, 931)
	s.mustGQL(partner, upsertDoc, map[string]any{"in": map[string]any{"uscc": maker, "name": "嘉兴订阅玻璃有限公司", "isLocal": true,
		"districtCode": "330411", "location": map[string]any{"latitude": matchtest.Base.Lat, "longitude": matchtest.Base.Lon + 0.01},
		"products": []map[string]any{{"productId": gid.Encode(gid.Product, "GLASS")}}}})

	m, err := c.next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Data struct {
			MatchAlerts struct {
				ID          string
				SavedSearch struct{ Name string }
				Cause       struct{ Kind, EntityID string }
				Match       struct {
					Candidate struct{ USCC string }
					Fit       string
					Score     float64
				}
			}
		}
		Errors []json.RawMessage
	}
	if m.Type != "next" || json.Unmarshal(m.Payload, &p) != nil || len(p.Errors) > 0 {
		t.Fatalf("message %s %s", m.Type, m.Payload)
	}
	a := p.Data.MatchAlerts
	if a.SavedSearch.Name != "glass" || a.Match.Candidate.USCC != maker || a.Match.Fit != "PRODUCT" ||
		a.Cause.Kind != "ENTERPRISE_CREATED" || a.Cause.EntityID != gid.Encode(gid.Enterprise, maker) {
		t.Fatalf("alert %+v", a)
	}
}
