package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"chainmatch/internal/gid"
)

// TestNodeResolvesKeysAndAuditEntries: API keys and audit entries are
// Nodes; node(id:) answers them to admins only, with the same refusals as
// Query.apiKeys and Query.auditLog, and revokeApiKey takes the global id.
func TestNodeResolvesKeysAndAuditEntries(t *testing.T) {
	s := newSecServer(t, nil)
	keyID, partner := s.createKey("node partner", "PARTNER")
	_, staff := s.createKey("node staff", "STAFF")
	s.mustGQL(partner, upsertDoc, map[string]any{"in": enterpriseInput(testUSCC(t, 21), "节点企业")})
	r := s.mustGQL(testAdminKey, `{ auditLog(first: 1) { edges { node { id field } } } }`, nil)
	var log struct {
		Edges []struct{ Node struct{ ID, Field string } }
	}
	_ = json.Unmarshal(r.Data["auditLog"], &log)
	if len(log.Edges) != 1 || log.Edges[0].Node.Field != "upsertEnterprise" {
		t.Fatalf("auditLog: %s", r.Data["auditLog"])
	}
	auditID := log.Edges[0].Node.ID
	keyGID := gid.Encode(gid.APIKey, keyID)
	const q = `query($id: ID!) { node(id: $id) { __typename id
	  ... on ApiKey { keyId name role createdAt }
	  ... on AuditEntry { field actorId at }
	} }`
	type nodeResp struct {
		Typename  string `json:"__typename"`
		ID        string
		KeyID     string
		Name      string
		Field     string
		ActorID   string
		CreatedAt string
		At        string
	}
	// DateTime: RFC 3339 in UTC, whole seconds.
	instant := regexp.MustCompile(`^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for _, tc := range []struct {
		id, typename string
		check        func(n nodeResp) bool
	}{
		{keyGID, "ApiKey", func(n nodeResp) bool {
			return n.KeyID == keyID && n.Name == "node partner" && instant.MatchString(n.CreatedAt)
		}},
		{auditID, "AuditEntry", func(n nodeResp) bool {
			return n.Field == "upsertEnterprise" && n.ActorID == keyID && instant.MatchString(n.At)
		}},
	} {
		r := s.mustGQL(testAdminKey, q, map[string]any{"id": tc.id})
		var n *nodeResp
		_ = json.Unmarshal(r.Data["node"], &n)
		if n == nil || n.Typename != tc.typename || n.ID != tc.id || !tc.check(*n) {
			t.Errorf("node(%s) as admin: %s", tc.typename, r.Data["node"])
		}
		for _, c := range []caller{{"ANONYMOUS", ""}, {"PARTNER", partner}, {"STAFF", staff}} {
			want := "FORBIDDEN"
			if c.role == "ANONYMOUS" {
				want = "UNAUTHENTICATED"
			}
			status, r := s.gql(c.token, q, map[string]any{"id": tc.id})
			if status != http.StatusOK || r.firstCode() != want || string(r.Data["node"]) != "null" {
				t.Errorf("node(%s) as %s: status %d %v %s", tc.typename, c.role, status, r.codes(), r.Data["node"])
			}
		}
	}
	// Missing objects are null, not errors, as for every other type.
	for _, id := range []string{gid.Encode(gid.APIKey, "ffffffffffff"), gid.Encode(gid.AuditEntry, "0000000000000000")} {
		r := s.mustGQL(testAdminKey, q, map[string]any{"id": id})
		if string(r.Data["node"]) != "null" {
			t.Errorf("missing %s: %s", id, r.Data["node"])
		}
	}
	// revokeApiKey takes the global id; an id of another type is bad input.
	r = s.mustGQL(testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id keyId revokedAt } }`, map[string]any{"id": keyGID})
	if want := `"keyId":"` + keyID + `"`; !json.Valid(r.Data["revokeApiKey"]) || !strings.Contains(string(r.Data["revokeApiKey"]), want) || strings.Contains(string(r.Data["revokeApiKey"]), `"revokedAt":null`) {
		t.Errorf("revoke by global id: %s", r.Data["revokeApiKey"])
	}
	_, r = s.gql(testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": auditID})
	if r.firstCode() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "id" {
		t.Errorf("revoke with an audit id: %+v", r.Errors)
	}
}

// TestIntrospectionShowsRoles: the role a field needs is in its
// introspected description, for every @requires field of the schema.
func TestIntrospectionShowsRoles(t *testing.T) {
	s := newSecServer(t, nil)
	_, partner := s.createKey("sdk generator", "PARTNER")
	r := s.mustGQL(partner, `{ __schema { types { name fields { name description } } } }`, nil)
	var schema struct {
		Types []struct {
			Name   string
			Fields []struct{ Name, Description string }
		}
	}
	_ = json.Unmarshal(r.Data["__schema"], &schema)
	desc := map[string]string{}
	for _, ty := range schema.Types {
		for _, f := range ty.Fields {
			desc[ty.Name+"."+f.Name] = f.Description
		}
	}
	fields := requiresFields(t)
	if len(fields) == 0 {
		t.Fatal("no @requires fields")
	}
	for coord, role := range fields {
		if !strings.Contains(desc[coord], "Requires role "+role+" ") {
			t.Errorf("%s (needs %s): introspected description %q", coord, role, desc[coord])
		}
	}
}
