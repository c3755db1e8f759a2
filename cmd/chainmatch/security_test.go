package main

// End-to-end tests of access control and API hardening: the full handler
// of `chainmatch serve` (newHandler) over real HTTP on a real Neo4j.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"chainmatch/internal/config"
	"chainmatch/internal/gid"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

const testAdminKey = "test-admin-key-0123456789abcdef"

type secResp struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r secResp) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

func (r secResp) firstCode() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

type secServer struct {
	t   *testing.T
	url string
	st  *neo4jstore.Store
}

// newSecServer serves newHandler in production mode with the bootstrap
// admin key, generous rate limits unless env overrides them.
func newSecServer(t *testing.T, env map[string]string) *secServer {
	t.Helper()
	st := neo4jtest.Open(t)
	base := map[string]string{
		"CHAINMATCH_MODE":         "prod",
		"CHAINMATCH_ADMIN_KEY":    testAdminKey,
		"CHAINMATCH_RATE_LIMITS":  "anonymous=1000:1000,partner=1000:1000,staff=1000:1000,admin=1000:1000",
		"CHAINMATCH_CORS_ORIGINS": "https://app.example",
	}
	for k, v := range env {
		base[k] = v
	}
	for k, v := range base {
		t.Setenv(k, v)
	}
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(newHandler(cfg, st, log))
	t.Cleanup(srv.Close)
	return &secServer{t: t, url: srv.URL, st: st}
}

// post sends a raw request and returns status, headers and body.
func (s *secServer) raw(method, contentType string, body []byte, hdr map[string]string) (int, http.Header, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// gql posts one operation as token ("" = anonymous).
func (s *secServer) gql(token, query string, vars map[string]any) (int, secResp) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	hdr := map[string]string{}
	if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	status, _, b := s.raw(http.MethodPost, "application/json", body, hdr)
	var r secResp
	if err := json.Unmarshal(b, &r); err != nil {
		s.t.Fatalf("status %d, not JSON: %s", status, b)
	}
	return status, r
}

// mustGQL fails the test on any error.
func (s *secServer) mustGQL(token, query string, vars map[string]any) secResp {
	s.t.Helper()
	status, r := s.gql(token, query, vars)
	if status != http.StatusOK || len(r.Errors) > 0 {
		s.t.Fatalf("%s: status %d errors %+v", query, status, r.Errors)
	}
	return r
}

func (s *secServer) createKey(name, role string) (id, secret string) {
	s.t.Helper()
	r := s.mustGQL(testAdminKey, `mutation($n: String!, $r: Role!) { createApiKey(input: {name: $n, role: $r}) { secret apiKey { id keyId role prefix } } }`,
		map[string]any{"n": name, "r": role})
	var out struct {
		Secret string `json:"secret"`
		APIKey struct {
			ID, KeyID, Role, Prefix string
		} `json:"apiKey"`
	}
	_ = json.Unmarshal(r.Data["createApiKey"], &out)
	if out.Secret == "" || out.APIKey.Role != role || !strings.HasPrefix(out.Secret, out.APIKey.Prefix+"_") ||
		out.APIKey.Prefix != "cm_"+out.APIKey.KeyID || out.APIKey.ID != gid.Encode(gid.APIKey, out.APIKey.KeyID) {
		s.t.Fatalf("createApiKey: %+v", out)
	}
	return out.APIKey.KeyID, out.Secret
}

// snapshot is the model part of the graph (nodes and relationships by
// label and type) plus the API keys: what a refused request must not change.
func (s *secServer) snapshot() string {
	s.t.Helper()
	ctx := context.Background()
	c, err := s.st.CountGraph(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	ks, err := s.st.APIKeys(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	revoked := 0
	for _, k := range ks {
		if k.RevokedAt != nil {
			revoked++
		}
	}
	b, _ := json.Marshal(map[string]any{"counts": c, "keys": len(ks), "revoked": revoked})
	return string(b)
}

func testUSCC(t *testing.T, serial uint64) string {
	t.Helper()
	c, err := uscc.Make("330402", serial)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const upsertDoc = `mutation($in: EnterpriseInput!) { upsertEnterprise(input: $in) { id uscc name nameEn homeCity } }`

func enterpriseInput(code, name string) map[string]any {
	return map[string]any{"uscc": code, "name": name, "isLocal": false, "homeCity": "上海"}
}

// roles and their tokens for the matrix.
type caller struct {
	role, token string
}

// requiresFields lists every field of the schema marked @requires, as
// "Type.field" -> role.
func requiresFields(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("../../graph/*.graphqls")
	var srcs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	schema, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, def := range schema.Types {
		for _, f := range def.Fields {
			if d := f.Directives.ForName("requires"); d != nil {
				out[def.Name+"."+f.Name] = d.Arguments.ForName("role").Value.Raw
			}
		}
	}
	return out
}

var roleRank = map[string]int{"ANONYMOUS": 0, "PARTNER": 1, "STAFF": 2, "ADMIN": 3}

// TestAuthorizationMatrix runs every @requires field and mutation as every
// role: allowed roles pass the check, others get UNAUTHENTICATED (anonymous)
// or FORBIDDEN, and a refusal changes nothing in Neo4j.
func TestAuthorizationMatrix(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("partner platform", "PARTNER")
	_, staff := s.createKey("招商 staff", "STAFF")
	seed := testUSCC(t, 1)
	s.mustGQL(testAdminKey, upsertDoc, map[string]any{"in": map[string]any{
		"uscc": seed, "name": "嘉兴种子企业", "isLocal": false, "homeCity": "上海",
		"contact": map[string]any{"person": "王经理", "phone": "0573-1234567"},
	}})
	missing := gid.Encode(gid.Enterprise, testUSCC(t, 999))
	serial := uint64(100)
	type entry struct {
		query string
		vars  func() map[string]any
	}
	none := func() map[string]any { return nil }
	missingLead := func() map[string]any { return map[string]any{"id": gid.Encode(gid.Lead, "no-such")} }
	matrix := map[string]entry{
		"Enterprise.contact": {`{ enterprises(first: 5) { edges { node { contact { person phone } } } } }`, none},
		"Mutation.upsertEnterprise": {upsertDoc, func() map[string]any {
			serial++
			return map[string]any{"in": enterpriseInput(testUSCC(t, serial), "矩阵测试企业")}
		}},
		"Mutation.deleteEnterprise":     {`mutation($id: ID!) { deleteEnterprise(id: $id) }`, func() map[string]any { return map[string]any{"id": missing} }},
		"Mutation.addSupplyRelation":    {`mutation($a: ID!, $b: ID!) { addSupplyRelation(input: {supplierId: $a, customerId: $b}) { since } }`, func() map[string]any { return map[string]any{"a": missing, "b": missing} }},
		"Mutation.removeSupplyRelation": {`mutation($a: ID!, $b: ID!) { removeSupplyRelation(supplierId: $a, customerId: $b) }`, func() map[string]any { return map[string]any{"a": missing, "b": missing} }},
		"Mutation.importEnterprises":    {`mutation { importEnterprises(input: []) { ok created updated } }`, none},
		"Mutation.upsertProduct":        {`mutation { upsertProduct(input: {code: "x", name: ""}) { id } }`, none},
		"Mutation.deleteProduct":        {`mutation($id: ID!) { deleteProduct(id: $id) }`, func() map[string]any { return map[string]any{"id": gid.Encode(gid.Product, "NO-SUCH")} }},
		"Mutation.upsertChain":          {`mutation { upsertChain(input: {code: "x", name: ""}) { id } }`, none},
		"Mutation.deleteChain":          {`mutation($id: ID!) { deleteChain(id: $id) }`, func() map[string]any { return map[string]any{"id": gid.Encode(gid.Chain, "NO-SUCH")} }},
		"Mutation.createApiKey":         {`mutation { createApiKey(input: {name: "matrix", role: PARTNER}) { secret } }`, none},
		"Mutation.revokeApiKey":         {`mutation { revokeApiKey(id: "ffffffffffff") { id } }`, none},
		"Query.apiKeys":                 {`{ apiKeys { id } }`, none},
		"Query.auditLog":                {`{ auditLog(first: 5) { edges { node { field } } } }`, none},
		"Query.changes":                 {`{ changes(first: 5) { edges { node { id kind } } } }`, none},
		// Saved searches and alerts: partners and up, each their own.
		"Query.savedSearches": {`{ savedSearches(first: 5) { edges { node { id } } } }`, none},
		"Query.alerts":        {`{ alerts(first: 5) { edges { node { id } } } }`, none},
		"Mutation.saveSearch": {`mutation($e: ID!) { saveSearch(input: {name: "matrix", kind: SUPPLIER, enterpriseId: $e}) { id } }`,
			func() map[string]any { return map[string]any{"e": missing} }},
		"Mutation.deleteSavedSearch": {`mutation($id: ID!) { deleteSavedSearch(id: $id) }`,
			func() map[string]any { return map[string]any{"id": gid.Encode(gid.SavedSearch, "no-such")} }},
		// The lead pipeline: staff and admins only.
		"Query.leads":    {`{ leads { totalCount } }`, none},
		"Query.pipeline": {`{ pipeline { conversionRate } }`, none},
		"Query.settlementImpact": {`query($e: ID!, $p: ID!) { settlementImpact(enterpriseId: $e, parkId: $p) { nationalLittleGiantsAfter } }`,
			func() map[string]any {
				return map[string]any{"e": gid.Encode(gid.Enterprise, seed), "p": gid.Encode(gid.Park, "NO-SUCH")}
			}},
		"Mutation.createLead": {`mutation($e: ID!) { createLead(input: {enterpriseId: $e}) { id } }`,
			func() map[string]any { return map[string]any{"e": gid.Encode(gid.Enterprise, seed)} }},
		"Mutation.updateLead":      {`mutation($id: ID!) { updateLead(id: $id, expectedVersion: 1, input: {owner: "x"}) { id } }`, missingLead},
		"Mutation.moveLead":        {`mutation($id: ID!) { moveLead(id: $id, stage: CONTACTED, expectedVersion: 1) { id } }`, missingLead},
		"Mutation.logLeadActivity": {`mutation($id: ID!) { logLeadActivity(leadId: $id, input: {kind: NOTE, note: "x"}) { id } }`, missingLead},
		"Mutation.settleLead": {`mutation($id: ID!, $p: ID!) { settleLead(id: $id, expectedVersion: 1, parkId: $p) { id } }`,
			func() map[string]any {
				return map[string]any{"id": gid.Encode(gid.Lead, "no-such"), "p": gid.Encode(gid.Park, "NO-SUCH")}
			}},
	}
	fields := requiresFields(t)
	for f := range fields {
		if _, ok := matrix[f]; !ok {
			t.Errorf("%s has @requires(role: %s) but no entry in the authorization matrix", f, fields[f])
		}
	}
	callers := []caller{{"ANONYMOUS", ""}, {"PARTNER", partner}, {"STAFF", staff}, {"ADMIN", testAdminKey}}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		e, ok := matrix[f]
		if !ok {
			continue
		}
		need := fields[f]
		for _, c := range callers {
			before := s.snapshot()
			status, r := s.gql(c.token, e.query, e.vars())
			refused := false
			for _, code := range r.codes() {
				if code == "UNAUTHENTICATED" || code == "FORBIDDEN" {
					refused = true
				}
			}
			switch {
			case roleRank[c.role] >= roleRank[need]:
				if refused {
					t.Errorf("%s as %s (needs %s): refused: %+v", f, c.role, need, r.Errors)
				}
			default:
				want := "FORBIDDEN"
				if c.role == "ANONYMOUS" {
					want = "UNAUTHENTICATED"
				}
				if status != http.StatusOK || !contains(r.codes(), want) {
					t.Errorf("%s as %s (needs %s): want %s, got status %d %v", f, c.role, need, want, status, r.codes())
				}
				if after := s.snapshot(); after != before {
					t.Errorf("%s as %s: refused but the graph changed:\n%s\n%s", f, c.role, before, after)
				}
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestPartnersChangeOnlyTheirOwnRecords checks the ownership rule.
func TestPartnersChangeOnlyTheirOwnRecords(t *testing.T) {
	s := newSecServer(t, nil)
	_, alice := s.createKey("alice", "PARTNER")
	_, bob := s.createKey("bob", "PARTNER")
	_, staff := s.createKey("staff", "STAFF")
	code := testUSCC(t, 7)
	r := s.mustGQL(alice, upsertDoc, map[string]any{"in": enterpriseInput(code, "爱丽丝科技")})
	var e struct{ ID string }
	_ = json.Unmarshal(r.Data["upsertEnterprise"], &e)

	before := s.snapshot()
	if _, r := s.gql(bob, upsertDoc, map[string]any{"in": enterpriseInput(code, "鲍勃改名")}); r.firstCode() != "FORBIDDEN" {
		t.Fatalf("bob updates alice's record: %+v", r.Errors)
	}
	if _, r := s.gql(bob, `mutation($id: ID!) { deleteEnterprise(id: $id) }`, map[string]any{"id": e.ID}); r.firstCode() != "FORBIDDEN" {
		t.Fatalf("bob deletes alice's record: %+v", r.Errors)
	}
	if s.snapshot() != before {
		t.Fatal("refused writes changed the graph")
	}
	got := s.mustGQL(staff, `query($u: String) { enterprise(uscc: $u) { name } }`, map[string]any{"u": code})
	if !strings.Contains(string(got.Data["enterprise"]), "爱丽丝科技") {
		t.Fatalf("name changed by a refused write: %s", got.Data["enterprise"])
	}
	s.mustGQL(alice, upsertDoc, map[string]any{"in": enterpriseInput(code, "爱丽丝科技二")})
	s.mustGQL(staff, `mutation($id: ID!) { deleteEnterprise(id: $id) }`, map[string]any{"id": e.ID})
}

func TestAPIKeyLifecycleAndCredentials(t *testing.T) {
	secret := strings.Repeat("s", 40)
	s := newSecServer(t, map[string]string{
		"CHAINMATCH_JWT_HS256_SECRET": secret, "CHAINMATCH_JWT_ISSUER": "https://sso.jiaxing.example", "CHAINMATCH_JWT_AUDIENCE": "chainmatch",
	})
	id, key := s.createKey("revoke me", "PARTNER")
	r := s.mustGQL(key, `{ viewer { id role } }`, nil)
	if !strings.Contains(string(r.Data["viewer"]), `"role":"PARTNER"`) || !strings.Contains(string(r.Data["viewer"]), id) {
		t.Fatalf("viewer: %s", r.Data["viewer"])
	}
	list := s.mustGQL(testAdminKey, `{ apiKeys { id keyId name role prefix lastUsedAt revokedAt } }`, nil)
	if !strings.Contains(string(list.Data["apiKeys"]), id) || strings.Contains(string(list.Data["apiKeys"]), key) || strings.Contains(string(list.Data["apiKeys"]), `"lastUsedAt":null`) {
		t.Fatalf("apiKeys: %s", list.Data["apiKeys"])
	}
	s.mustGQL(testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, map[string]any{"id": id})
	status, r := s.gql(key, `{ viewer { role } }`, nil)
	if status != http.StatusUnauthorized || r.firstCode() != "UNAUTHENTICATED" {
		t.Fatalf("revoked key: status %d %v", status, r.codes())
	}

	sign := func(claims jwt.MapClaims, key []byte) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	now := time.Now()
	good := jwt.MapClaims{"sub": "zhang.san", "role": "staff", "iss": "https://sso.jiaxing.example", "aud": "chainmatch", "exp": now.Add(time.Hour).Unix(), "nbf": now.Add(-time.Minute).Unix()}
	r = s.mustGQL(sign(good, []byte(secret)), `{ viewer { id role } }`, nil)
	if !strings.Contains(string(r.Data["viewer"]), `"role":"STAFF"`) || !strings.Contains(string(r.Data["viewer"]), "jwt:zhang.san") {
		t.Fatalf("JWT viewer: %s", r.Data["viewer"])
	}
	bad := map[string]string{
		"garbage":        "not-a-key",
		"unknown key":    "cm_0123456789ab_" + strings.Repeat("A", 43),
		"wrong secret":   sign(good, []byte(strings.Repeat("x", 40))),
		"expired":        sign(with(good, "exp", now.Add(-time.Hour).Unix()), []byte(secret)),
		"not yet valid":  sign(with(good, "nbf", now.Add(time.Hour).Unix()), []byte(secret)),
		"wrong issuer":   sign(with(good, "iss", "https://evil.example"), []byte(secret)),
		"wrong audience": sign(with(good, "aud", "other"), []byte(secret)),
		"no role":        sign(with(good, "role", ""), []byte(secret)),
		"alg none":       "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.",
	}
	for name, tok := range bad {
		status, hdr, b := s.raw(http.MethodPost, "application/json", []byte(`{"query":"{ viewer { role } }"}`), map[string]string{"Authorization": "Bearer " + tok})
		if status != http.StatusUnauthorized || !strings.Contains(string(b), `"UNAUTHENTICATED"`) || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: status %d %s", name, status, b)
		}
		if strings.Contains(string(b), tok) {
			t.Errorf("%s: the credential is echoed", name)
		}
	}
	status, _, _ = s.raw(http.MethodPost, "application/json", []byte(`{"query":"{ viewer { role } }"}`), map[string]string{"Authorization": "Basic dXNlcjpwdw=="})
	if status != http.StatusUnauthorized {
		t.Errorf("Basic auth: status %d", status)
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func TestAuditTrailRecordsWrites(t *testing.T) {
	s := newSecServer(t, nil)
	pid, partner := s.createKey("auditee", "PARTNER")
	code := testUSCC(t, 11)
	s.mustGQL(partner, `mutation Push($in: EnterpriseInput!) { upsertEnterprise(input: $in) { id } }`, map[string]any{"in": enterpriseInput(code, "审计企业")})
	s.gql("", `mutation Sneak { deleteEnterprise(id: "x") }`, nil)
	r := s.mustGQL(testAdminKey, `{ auditLog(first: 10) { edges { node { actorId actorRole operationName field argumentIds resultIds ok errorCode requestId } } pageInfo { hasNextPage } } }`, nil)
	var log struct {
		Edges []struct {
			Node struct {
				ActorID, ActorRole, OperationName, Field string
				ArgumentIds, ResultIds                   []string
				Ok                                       bool
				ErrorCode                                *string
				RequestID                                *string
			}
		}
	}
	_ = json.Unmarshal(r.Data["auditLog"], &log)
	if len(log.Edges) < 3 {
		t.Fatalf("want the two key creations, the upsert and the refused delete: %s", r.Data["auditLog"])
	}
	sneak, push := log.Edges[0].Node, log.Edges[1].Node
	if sneak.Field != "deleteEnterprise" || sneak.Ok || sneak.ErrorCode == nil || *sneak.ErrorCode != "UNAUTHENTICATED" || sneak.ActorRole != "ANONYMOUS" || sneak.OperationName != "Sneak" {
		t.Errorf("refused delete: %+v", sneak)
	}
	if push.Field != "upsertEnterprise" || !push.Ok || push.ActorID != pid || push.ActorRole != "PARTNER" || !contains(push.ArgumentIds, code) || len(push.ResultIds) != 1 || push.RequestID == nil {
		t.Errorf("upsert: %+v", push)
	}
}

// TestQueryLimits sends operations over each limit.
func TestQueryLimits(t *testing.T) {
	s := newSecServer(t, nil)
	_, staff := s.createKey("staff", "STAFF")
	nest := func(depth int) string {
		q := "name"
		for range depth {
			q = "suppliers(first: 1) { edges { node { supplier { " + q + " } } } }"
		}
		return "{ enterprises(first: 1) { edges { node { " + q + " } } } }"
	}
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 20 {
		fmt.Fprintf(&aliases, " a%d: chains { code }", i)
	}
	aliases.WriteString(" }")
	var thousand strings.Builder
	thousand.WriteString("{")
	for i := range 1000 {
		fmt.Fprintf(&thousand, " a%d: __typename", i)
	}
	thousand.WriteString(" }")
	cases := []struct {
		name, token, query string
		code, limit        string
	}{
		{"depth", "", nest(2), "QUERY_TOO_COMPLEX", "depth"},
		{"aliases", "", aliases.String(), "QUERY_TOO_COMPLEX", "aliases"},
		{"1000 aliases", staff, thousand.String(), "QUERY_TOO_COMPLEX", "aliases"},
		{"1000 aliases anonymous", "", thousand.String(), "QUERY_TOO_COMPLEX", "documentBytes"},
		{"tokens", "", "{ chains { " + strings.Repeat("code ", 1100) + "} }", "QUERY_TOO_COMPLEX", "tokens"},
		{"cost", "", `{ enterprises(first: 100) { edges { node { suppliers(first: 100) { edges { node { supplier { name } } } } } } } }`, "QUERY_TOO_COMPLEX", "cost"},
		{"document size", staff, "{ chains { code } }" + strings.Repeat(" ", 70<<10), "QUERY_TOO_COMPLEX", "documentBytes"},
		{"huge first", staff, `{ enterprises(first: 1000000) { totalCount } }`, "BAD_USER_INPUT", ""},
		{"negative first", "", `{ products(first: -1) { totalCount } }`, "BAD_USER_INPUT", ""},
		{"huge first in variable", "", `query($n: Int) { enterprises(first: $n) { totalCount } }`, "BAD_USER_INPUT", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": c.query, "variables": map[string]any{"n": 101}})
			hdr := map[string]string{"Accept": "application/graphql-response+json"}
			if c.token != "" {
				hdr["Authorization"] = "Bearer " + c.token
			}
			status, h, b := s.raw(http.MethodPost, "application/json", body, hdr)
			var r secResp
			_ = json.Unmarshal(b, &r)
			if status != http.StatusBadRequest || r.firstCode() != c.code || !strings.HasPrefix(h.Get("Content-Type"), "application/graphql-response+json") {
				t.Fatalf("status %d %s: %s", status, h.Get("Content-Type"), b)
			}
			ext := r.Errors[0].Extensions
			if c.limit != "" && (ext["limit"] != c.limit || ext["max"] == nil) {
				t.Fatalf("extensions %v", ext)
			}
			if c.limit == "" && ext["field"] != "first" {
				t.Fatalf("extensions %v", ext)
			}
			if r.Data != nil {
				t.Fatalf("a refused operation has data: %s", b)
			}
		})
	}
	// Staff get more room: depth 12 is refused for anonymous callers only.
	if _, r := s.gql(staff, nest(2), nil); len(r.Errors) > 0 {
		t.Fatalf("staff depth: %+v", r.Errors)
	}
}

// TestGraphQLOverHTTP checks media types, status codes, CSRF and CORS.
func TestGraphQLOverHTTP(t *testing.T) {
	s := newSecServer(t, nil)
	q := []byte(`{"query":"{ chains { code } }"}`)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		if status, _, b := s.raw(http.MethodPost, ct, q, nil); status != http.StatusUnsupportedMediaType {
			t.Errorf("POST %q: status %d %s", ct, status, b)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, s.url+"/graphql?query="+urlEscape(`mutation { deleteEnterprise(id: "x") }`), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Errorf("mutation over GET: %d allow=%q", res.StatusCode, res.Header.Get("Allow"))
	}
	res, err = http.Get(s.url + "/graphql?query=" + urlEscape(`{ chains { code } }`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("query over GET: %d", res.StatusCode)
	}
	if status, _, _ := s.raw(http.MethodPut, "application/json", q, nil); status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", status)
	}
	if status, _, b := s.raw(http.MethodPost, "application/json", []byte(`[{"query":"{ chains { code } }"},{"query":"{ chains { code } }"}]`), nil); status != http.StatusBadRequest || !strings.Contains(string(b), "batched") {
		t.Errorf("batch: %d %s", status, b)
	}
	invalid := []byte("{\"query\":\"{ search(text: \\\"\xff\xfe\\\") { score } }\"}")
	if status, _, b := s.raw(http.MethodPost, "application/json", invalid, nil); status != http.StatusBadRequest {
		t.Errorf("invalid UTF-8: %d %s", status, b)
	}
	huge := append([]byte(`{"query":"{ chains { code } }","variables":{"x":"`), bytes.Repeat([]byte("a"), 10<<20)...)
	huge = append(huge, []byte(`"}}`)...)
	if status, _, b := s.raw(http.MethodPost, "application/json", huge, nil); status != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "BAD_USER_INPUT") {
		t.Errorf("10 MB body: %d %.200s", status, b)
	}
	// Validation errors: 400 for graphql-response+json, 200 for legacy JSON.
	bad := []byte(`{"query":"{ noSuchField }"}`)
	status, h, _ := s.raw(http.MethodPost, "application/json", bad, map[string]string{"Accept": "application/graphql-response+json"})
	if status != http.StatusBadRequest || !strings.HasPrefix(h.Get("Content-Type"), "application/graphql-response+json") {
		t.Errorf("validation error, new media type: %d %s", status, h.Get("Content-Type"))
	}
	status, h, _ = s.raw(http.MethodPost, "application/json", bad, map[string]string{"Accept": "application/json"})
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("validation error, legacy: %d %s", status, h.Get("Content-Type"))
	}
	// CORS: listed origins get credentials, others nothing.
	status, h, _ = s.raw(http.MethodPost, "application/json", q, map[string]string{"Origin": "https://app.example"})
	if h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("listed origin: %d %v", status, h)
	}
	_, h, _ = s.raw(http.MethodPost, "application/json", q, map[string]string{"Origin": "https://evil.example"})
	if h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("unlisted origin allowed: %v", h)
	}
	pre, _ := http.NewRequest(http.MethodOptions, s.url+"/graphql", nil)
	pre.Header.Set("Origin", "https://evil.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	res, err = http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from unlisted origin allowed")
	}
}

func urlEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "{", "%7B", "}", "%7D", "\"", "%22", "(", "%28", ")", "%29", ":", "%3A", "\n", "%0A").Replace(s)
}

// TestHostileRequests tries what an attacker would, and checks that each
// gets the right code and changes nothing.
func TestHostileRequests(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("hostile partner", "PARTNER")
	before := s.snapshot()
	cases := []struct {
		name, token, query string
		vars               map[string]any
		code               string
	}{
		{"fragment cycle", "", `query { chains { ...A } } fragment A on IndustrialChain { segments { chain { ...B } } } fragment B on IndustrialChain { segments { chain { ...A } } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"parse error", "", `{ chains { `, nil, "GRAPHQL_PARSE_FAILED"},
		{"wrong type", partner, `mutation { deleteEnterprise(id: 42.5) }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"wrong variable type", partner, `mutation($id: ID!) { deleteEnterprise(id: $id) }`, map[string]any{"id": map[string]any{"$ne": 1}}, "BAD_USER_INPUT"},
		{"malformed id", partner, `mutation { deleteEnterprise(id: "' OR 1=1 //") }`, nil, "BAD_USER_INPUT"},
		{"malformed node id", "", `{ node(id: "MATCH (n) DETACH DELETE n") { id } }`, nil, ""},
		{"invalid USCC", partner, upsertDoc, map[string]any{"in": enterpriseInput("91330402MA2BXXXXX1", "x")}, "BAD_USER_INPUT"},
		{"unknown operation", "", `query A { chains { code } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars, "operationName": map[bool]string{true: "B"}[c.name == "unknown operation"]})
			hdr := map[string]string{}
			if c.token != "" {
				hdr["Authorization"] = "Bearer " + c.token
			}
			status, _, b := s.raw(http.MethodPost, "application/json", body, hdr)
			var r secResp
			_ = json.Unmarshal(b, &r)
			if status >= 500 {
				t.Fatalf("status %d: %s", status, b)
			}
			if c.code != "" && r.firstCode() != c.code {
				t.Fatalf("want %s, got %d %s", c.code, status, b)
			}
			assertSafe(t, b)
		})
	}
	if after := s.snapshot(); after != before {
		t.Fatalf("hostile requests changed the graph:\n%s\n%s", before, after)
	}
	// Cypher-looking text in every text input is stored and returned literally.
	evil := `x'}) MATCH (n) DETACH DELETE n //`
	code := testUSCC(t, 42)
	in := map[string]any{"uscc": code, "name": evil + " 名", "nameEn": evil, "isLocal": false, "homeCity": `"; DROP`,
		"contact": map[string]any{"person": evil, "phone": "$param", "email": "a@b.c"}}
	r := s.mustGQL(partner, upsertDoc, map[string]any{"in": in})
	var got struct{ Name, NameEn, HomeCity string }
	_ = json.Unmarshal(r.Data["upsertEnterprise"], &got)
	if got.Name != evil+" 名" || got.NameEn != evil || got.HomeCity != `"; DROP` {
		t.Fatalf("stored text changed: %+v", got)
	}
	c, err := s.st.CountGraph(context.Background())
	if err != nil || c.Nodes["Enterprise"] != 1 {
		t.Fatalf("after injection attempt: %+v %v", c, err)
	}
}

// assertSafe fails when a response leaks internals.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	low := strings.ToLower(string(body))
	for _, leak := range []string{"neo4j", "cypher", "match (", "goroutine", ".go:", "/work/", "panic", testAdminKey, "bolt://"} {
		if strings.Contains(low, strings.ToLower(leak)) {
			t.Fatalf("response leaks %q: %s", leak, body)
		}
	}
}

func TestRateLimit(t *testing.T) {
	s := newSecServer(t, map[string]string{"CHAINMATCH_RATE_LIMITS": "anonymous=0.5:2,partner=1000:1000,staff=1000:1000,admin=1000:1000"})
	q := []byte(`{"query":"{ viewer { role } }"}`)
	for i := range 2 {
		if status, _, b := s.raw(http.MethodPost, "application/json", q, nil); status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, status, b)
		}
	}
	status, h, b := s.raw(http.MethodPost, "application/json", q, nil)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(string(b), "RATE_LIMITED") {
		t.Fatalf("third request: %d retry-after=%q %s", status, h.Get("Retry-After"), b)
	}
	// A key has its own bucket.
	if _, r := s.gql(testAdminKey, `{ viewer { role } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("admin limited by anonymous bucket: %+v", r.Errors)
	}
}

func TestIntrospectionAndSuggestions(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("p", "PARTNER")
	if _, r := s.gql("", `{ __schema { types { name } } }`, nil); r.firstCode() != "FORBIDDEN" || r.Data != nil {
		t.Fatalf("anonymous introspection in production: %+v", r)
	}
	if _, r := s.gql(partner, `{ __schema { queryType { name } } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("partner introspection: %+v", r.Errors)
	}
	_, r := s.gql("", `{ chainz { code } }`, nil)
	if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Fatalf("anonymous suggestion: %+v", r.Errors)
	}
	// GraphiQL is not served to anonymous callers in production.
	res, err := http.Get(s.url + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("graphiql in prod: %d", res.StatusCode)
	}
}

func TestPersistedQueries(t *testing.T) {
	doc := `{ chains { code } }`
	hash := sha256Hex(doc)
	dir := t.TempDir()
	manifest := filepath.Join(dir, "trusted.json")
	b, _ := json.Marshal(map[string]string{hash: doc})
	if err := os.WriteFile(manifest, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newSecServer(t, map[string]string{"CHAINMATCH_TRUSTED_DOCUMENTS": manifest, "CHAINMATCH_TRUSTED_DOCUMENTS_ROLES": "anonymous"})
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	post := func(token string, body map[string]any) (int, secResp) {
		raw, _ := json.Marshal(body)
		hdr := map[string]string{"Accept": "application/graphql-response+json"}
		if token != "" {
			hdr["Authorization"] = "Bearer " + token
		}
		status, _, b := s.raw(http.MethodPost, "application/json", raw, hdr)
		var r secResp
		_ = json.Unmarshal(b, &r)
		return status, r
	}
	if status, r := post("", map[string]any{"extensions": ext}); status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("registered hash: %d %+v", status, r.Errors)
	}
	if status, r := post("", map[string]any{"query": doc}); status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("registered document: %d %+v", status, r.Errors)
	}
	if status, r := post("", map[string]any{"query": `{ districts { code } }`}); status != http.StatusBadRequest || r.firstCode() != "FORBIDDEN" {
		t.Fatalf("unregistered document: %d %+v", status, r.Errors)
	}
	// Staff are not restricted, and APQ works for them.
	other := `{ districts { code } }`
	apq := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha256Hex(other)}}
	if _, r := post(testAdminKey, map[string]any{"extensions": apq}); r.firstCode() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown APQ hash: %+v", r.Errors)
	}
	if _, r := post(testAdminKey, map[string]any{"query": other, "extensions": apq}); len(r.Errors) > 0 {
		t.Fatalf("APQ register: %+v", r.Errors)
	}
	if _, r := post(testAdminKey, map[string]any{"extensions": apq}); len(r.Errors) > 0 || r.Data["districts"] == nil {
		t.Fatalf("APQ by hash: %+v", r)
	}
}

func sha256Hex(s string) string {
	return fmt.Sprintf("%x", sha256Sum([]byte(s)))
}

var _ = reflect.DeepEqual
