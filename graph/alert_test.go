package graph_test

import (
	"context"
	"testing"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match/matchtest"
)

// alertEnv is matchEnv with the saved-search service.
func alertEnv(t *testing.T) *env {
	t.Helper()
	e := matchEnv(t)
	e.res.Searches = alert.NewService(e.store, e.res.Matches)
	return e
}

const saveSearchMutation = `mutation($in: SavedSearchInput!) { saveSearch(input: $in) {
  id name kind enterprise { uscc } productIds localOnly maxDistanceKm designations minScore createdAt } }`

func TestSaveSearchAndAlertsEndToEnd(t *testing.T) {
	e := alertEnv(t)
	in := map[string]any{"name": "glass", "kind": "SUPPLIER", "enterpriseId": gid.Encode(gid.Enterprise, matchtest.Asker),
		"productIds": []string{gid.Encode(gid.Product, "GLASS")}, "minScore": 0.2}

	// Bad input names the field and writes nothing.
	bad := map[string]any{}
	for k, v := range in {
		bad[k] = v
	}
	bad["productIds"] = []string{gid.Encode(gid.Product, "NOPE")}
	nodes, rels := e.counts()
	errs := e.do(auth.Partner, saveSearchMutation, map[string]any{"in": bad}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "input.productIds[0]" {
		t.Fatalf("unknown product: %+v", errs)
	}
	if n, r := e.counts(); n != nodes || r != rels {
		t.Fatalf("bad input changed the graph: %d/%d nodes, %d/%d relationships", n, nodes, r, rels)
	}
	if errs := e.do(auth.Anonymous, saveSearchMutation, map[string]any{"in": in}, nil); len(errs) != 1 || errs[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("anonymous: %+v", errs)
	}

	var saved struct {
		SaveSearch struct {
			ID, Name, Kind string
			Enterprise     struct{ USCC string }
			ProductIDs     []string `json:"productIds"`
			LocalOnly      bool
			MaxDistanceKm  *float64
			Designations   []string
			MinScore       float64
			CreatedAt      string
		}
	}
	e.ok(auth.Partner, saveSearchMutation, map[string]any{"in": in}, &saved)
	ss := saved.SaveSearch
	if ss.Kind != "SUPPLIER" || ss.Enterprise.USCC != matchtest.Asker || !ss.LocalOnly || ss.MinScore != 0.2 ||
		len(ss.ProductIDs) != 1 || ss.ProductIDs[0] != gid.Encode(gid.Product, "GLASS") || ss.Designations != nil || ss.MaxDistanceKm != nil {
		t.Fatalf("saved %+v", ss)
	}
	if _, err := time.Parse(time.RFC3339, ss.CreatedAt); err != nil {
		t.Fatalf("createdAt %q: %v", ss.CreatedAt, err)
	}

	// A new local glass maker: the evaluator records an alert.
	u := code(t, "330411", 907)
	if _, err := e.res.Enterprises.Upsert(e.admin, enterprise.Input{USCC: u, Name: "嘉兴又一玻璃有限公司", IsLocal: true,
		DistrictCode: ptr("330411"), Location: &geo.Point{Latitude: matchtest.Base.Lat, Longitude: matchtest.Base.Lon + 0.02},
		Products: []enterprise.OfferInput{{ProductID: gid.Encode(gid.Product, "GLASS")}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.res.Searches.Handle(context.Background(), alert.Change{ID: "ev-1", Seq: 1, Kind: alert.EnterpriseCreated, Firms: []string{u}}); err != nil || n != 1 {
		t.Fatalf("handle: %d, %v", n, err)
	}

	const alertsQuery = `{ alerts(first: 10) { edges { cursor node { id createdAt savedSearch { id name }
	  match { candidate { uscc } product { code } fit score distanceKm existingRelation components { name weight value } reasons } } }
	  pageInfo { hasNextPage endCursor } } }`
	var got struct {
		Alerts struct {
			Edges []struct {
				Cursor string
				Node   struct {
					ID          string
					SavedSearch struct{ ID, Name string }
					Match       struct {
						Candidate  struct{ USCC string }
						Product    *struct{ Code string }
						Fit        string
						Score      float64
						Components []struct {
							Name          string
							Weight, Value float64
						}
						Reasons []string
					}
				}
			}
			PageInfo struct{ HasNextPage bool }
		}
	}
	e.ok(auth.Partner, alertsQuery, nil, &got)
	if len(got.Alerts.Edges) != 1 {
		t.Fatalf("%d alerts", len(got.Alerts.Edges))
	}
	a := got.Alerts.Edges[0].Node
	if a.SavedSearch.ID != ss.ID || a.Match.Candidate.USCC != u || a.Match.Product == nil || a.Match.Product.Code != "GLASS" ||
		a.Match.Fit != "PRODUCT" || a.Match.Score < 0.2 || len(a.Match.Components) != 6 || len(a.Match.Reasons) == 0 {
		t.Fatalf("alert %+v", a)
	}
	sum := 0.0
	for _, c := range a.Match.Components {
		sum += c.Weight * c.Value
	}
	if d := sum - a.Match.Score; d > 1e-9 || d < -1e-9 {
		t.Fatalf("score %.6f is not the sum of its components %.6f", a.Match.Score, sum)
	}
	// Another caller's alerts and node(id:) for both types.
	var staffAlerts struct{ Alerts struct{ Edges []any } }
	e.ok(auth.Staff, alertsQuery, nil, &staffAlerts)
	if len(staffAlerts.Alerts.Edges) != 0 {
		t.Fatalf("staff sees the partner's alerts as its own: %d", len(staffAlerts.Alerts.Edges))
	}
	const nodeQuery = `query($id: ID!) { node(id: $id) { id __typename ... on SavedSearch { name } ... on MatchAlert { match { score } } } }`
	for _, id := range []string{ss.ID, a.ID} {
		var n struct {
			Node *struct{ ID, Typename string }
		}
		e.ok(auth.Partner, nodeQuery, map[string]any{"id": id}, &n)
		if n.Node == nil || n.Node.ID != id {
			t.Fatalf("partner node(%s): %+v", id, n.Node)
		}
		var s struct{ Node *struct{ ID string } }
		e.ok(auth.Staff, nodeQuery, map[string]any{"id": id}, &s)
		if s.Node == nil {
			t.Fatalf("staff node(%s) is null", id)
		}
		if errs := e.do(auth.Anonymous, nodeQuery, map[string]any{"id": id}, nil); len(errs) != 1 || errs[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Fatalf("anonymous node(%s): %+v", id, errs)
		}
	}
	var list struct {
		SavedSearches struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.ok(auth.Staff, `{ savedSearches { edges { node { id } } } }`, nil, &list)
	if len(list.SavedSearches.Edges) != 1 || list.SavedSearches.Edges[0].Node.ID != ss.ID {
		t.Fatalf("staff savedSearches %+v", list)
	}
	var del struct{ DeleteSavedSearch bool }
	e.ok(auth.Partner, `mutation($id: ID!) { deleteSavedSearch(id: $id) }`, map[string]any{"id": ss.ID}, &del)
	if !del.DeleteSavedSearch {
		t.Fatal("delete returned false")
	}
}

// Deleting the firm of a saved search deletes the search with it, so that
// SavedSearch.enterprise (non-null by contract) never dangles: the list
// still answers without errors, and node(id:) of the search is null.
func TestDeletingTheFirmOfASavedSearch(t *testing.T) {
	e := alertEnv(t)
	in := map[string]any{"name": "buyers", "kind": "CUSTOMER", "enterpriseId": gid.Encode(gid.Enterprise, matchtest.Module2)}
	var saved struct{ SaveSearch struct{ ID string } }
	e.ok(auth.Partner, saveSearchMutation, map[string]any{"in": in}, &saved)

	var del struct{ DeleteEnterprise bool }
	e.ok(auth.Admin, `mutation($id: ID!) { deleteEnterprise(id: $id) }`, map[string]any{"id": gid.Encode(gid.Enterprise, matchtest.Module2)}, &del)
	if !del.DeleteEnterprise {
		t.Fatal("deleteEnterprise returned false")
	}
	var list struct {
		SavedSearches struct {
			Edges []struct {
				Node struct {
					ID         string
					Enterprise struct{ USCC string }
				}
			}
		}
	}
	e.ok(auth.Staff, `{ savedSearches { edges { node { id enterprise { uscc } } } } }`, nil, &list)
	if len(list.SavedSearches.Edges) != 0 {
		t.Fatalf("savedSearches after the firm's deletion: %+v", list)
	}
	var n struct{ Node *struct{ ID string } }
	e.ok(auth.Partner, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": saved.SaveSearch.ID}, &n)
	if n.Node != nil {
		t.Fatalf("node(id:) of the deleted firm's search: %+v", n.Node)
	}
}
