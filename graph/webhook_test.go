package graph_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/webhook"
)

// webhookEnv is env with the webhook service, whose policy allow-lists a
// loopback receiver.
func webhookEnv(t *testing.T) (*env, *httptest.Server) {
	t.Helper()
	e := newEnv(t)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	t.Cleanup(rcv.Close)
	e.res.Webhooks = webhook.NewService(e.store, webhook.Policy{AllowHosts: []string{strings.TrimPrefix(rcv.URL, "http://")}})
	return e, rcv
}

const webhookFields = `id url kinds alerts createdAt deliveries(first: 5) { edges { cursor node { eventId attempt status responseCode at } } pageInfo { hasNextPage } }`

type webhookResp struct {
	ID         string
	URL        string
	Kinds      []string
	Alerts     bool
	CreatedAt  string
	Deliveries struct {
		Edges    []struct{ Cursor string }
		PageInfo struct{ HasNextPage bool }
	}
}

func TestWebhooksOverGraphQL(t *testing.T) {
	e, rcv := webhookEnv(t)
	var reg struct {
		RegisterWebhook struct {
			Webhook webhookResp
			Secret  string
		}
	}
	errs := e.do(auth.Partner, `mutation($in: WebhookInput!) { registerWebhook(input: $in) { secret webhook { `+webhookFields+` } } }`,
		map[string]any{"in": map[string]any{"url": rcv.URL + "/hook", "kinds": []string{"ENTERPRISE_CREATED", "SUPPLY_ADDED"}}}, &reg)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w := reg.RegisterWebhook.Webhook
	if !strings.HasPrefix(reg.RegisterWebhook.Secret, "whsec_") || w.URL != rcv.URL+"/hook" || len(w.Kinds) != 2 || w.Alerts ||
		w.CreatedAt == "" || len(w.Deliveries.Edges) != 0 {
		t.Fatalf("registration %+v", reg)
	}

	// Bad input: the field at fault, and nothing registered.
	for _, c := range []struct {
		role        auth.Role
		in          map[string]any
		code, field string
	}{
		{auth.Partner, map[string]any{"url": "http://example.com/x", "kinds": []string{"SUPPLY_ADDED"}}, "BAD_USER_INPUT", "input.url"},
		{auth.Partner, map[string]any{"url": "https://192.168.1.1/x", "kinds": []string{"SUPPLY_ADDED"}}, "BAD_USER_INPUT", "input.url"},
		{auth.Partner, map[string]any{"url": rcv.URL, "kinds": []string{}}, "BAD_USER_INPUT", "input.kinds"},
		{auth.Partner, map[string]any{"url": rcv.URL, "kinds": []string{"LEAD_CHANGED"}}, "FORBIDDEN", "input.kinds"},
		{auth.Anonymous, map[string]any{"url": rcv.URL, "kinds": []string{"SUPPLY_ADDED"}}, "UNAUTHENTICATED", ""},
	} {
		errs := e.do(c.role, `mutation($in: WebhookInput!) { registerWebhook(input: $in) { secret } }`, map[string]any{"in": c.in}, nil)
		wantCode(t, errs, c.code, c.field)
	}
	// Staff may subscribe to lead changes, and alerts alone.
	e.ok(auth.Staff, `mutation { registerWebhook(input: {url: "`+rcv.URL+`", kinds: [LEAD_CHANGED]}) { secret } }`, nil, nil)
	e.ok(auth.Staff, `mutation { registerWebhook(input: {url: "`+rcv.URL+`", kinds: [], alerts: true}) { webhook { alerts } } }`, nil, nil)

	// Each caller sees their own only.
	var list struct{ Webhooks []webhookResp }
	e.ok(auth.Partner, `{ webhooks { `+webhookFields+` } }`, nil, &list)
	if len(list.Webhooks) != 1 || list.Webhooks[0].ID != w.ID {
		t.Fatalf("partner's webhooks %+v", list.Webhooks)
	}
	e.ok(auth.Admin, `{ webhooks { id } }`, nil, &list)
	if len(list.Webhooks) != 0 {
		t.Fatalf("an admin sees %d webhooks of others", len(list.Webhooks))
	}
	wantCode(t, e.do(auth.Anonymous, `{ webhooks { id } }`, nil, nil), "UNAUTHENTICATED", "")

	// node(id:) answers the owner only.
	var node struct{ Node *struct{ URL string } }
	e.ok(auth.Partner, `query($id: ID!) { node(id: $id) { ... on Webhook { url } } }`, map[string]any{"id": w.ID}, &node)
	if node.Node == nil || node.Node.URL != w.URL {
		t.Fatalf("owner's node %+v", node)
	}
	e.ok(auth.Staff, `query($id: ID!) { node(id: $id) { ... on Webhook { url } } }`, map[string]any{"id": w.ID}, &node)
	if node.Node != nil {
		t.Fatalf("staff reads a partner's webhook %+v", node)
	}

	// Deleting: not someone else's, then one's own.
	wantCode(t, e.do(auth.Staff, `mutation($id: ID!) { deleteWebhook(id: $id) }`, map[string]any{"id": w.ID}, nil), "NOT_FOUND", "id")
	wantCode(t, e.do(auth.Partner, `mutation { deleteWebhook(id: "bm9wZQ") }`, nil, nil), "BAD_USER_INPUT", "id")
	var del struct{ DeleteWebhook bool }
	e.ok(auth.Partner, `mutation($id: ID!) { deleteWebhook(id: $id) }`, map[string]any{"id": w.ID}, &del)
	e.ok(auth.Partner, `{ webhooks { id } }`, nil, &list)
	if !del.DeleteWebhook || len(list.Webhooks) != 0 {
		t.Fatalf("after delete: %v, %+v", del, list)
	}
}
