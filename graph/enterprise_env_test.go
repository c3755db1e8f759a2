package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/client"

	"chainmatch/graph"
	"chainmatch/internal/auth"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// env is an in-process GraphQL server over a wiped, real Neo4j.
type env struct {
	t     *testing.T
	store *neo4jstore.Store
	res   *graph.Resolver
	c     *client.Client
	// trips counts the Cypher statements of the last request.
	trips atomic.Int64
	// admin is a context for building fixtures through the services.
	admin context.Context
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := neo4jtest.Open(t)
	e := &env{t: t, store: s}
	e.res = &graph.Resolver{Enterprises: enterprise.NewService(s), Catalog: chain.NewService(s)}
	h := graph.NewHandler(e.res, graph.Options{})
	// The test transport: the caller's role comes from a header, and every
	// request gets a fresh round-trip counter and its own loaders.
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if role := r.Header.Get("X-Test-Role"); role != "" && role != string(auth.Anonymous) {
			ctx = auth.WithPrincipal(ctx, auth.Principal{ID: "test-" + role, Name: role, Role: auth.Role(role)})
		}
		e.trips.Store(0)
		ctx = neo4jstore.WithRoundTripCounter(ctx, &e.trips)
		h.ServeHTTP(w, r.WithContext(ctx))
	})
	e.c = client.New(graph.LoaderMiddleware(e.res)(wrapped))
	e.admin = auth.WithPrincipal(context.Background(), auth.Principal{ID: "admin", Role: auth.Admin})
	return e
}

// do runs a GraphQL operation as role, decodes data into out (when not
// nil) and returns the errors.
func (e *env) do(role auth.Role, query string, vars map[string]any, out any) []gqlError {
	e.t.Helper()
	opts := []client.Option{client.AddHeader("X-Test-Role", string(role))}
	for k, v := range vars {
		opts = append(opts, client.Var(k, v))
	}
	resp, err := e.c.RawPost(query, opts...)
	if err != nil {
		// Requests rejected as a whole (422) still carry GraphQL errors.
		_, body, found := strings.Cut(err.Error(), ": ")
		resp = &client.Response{}
		if !found || !strings.HasPrefix(err.Error(), "http 4") || json.Unmarshal([]byte(body), resp) != nil {
			e.t.Fatalf("post: %v", err)
		}
	}
	var errs []gqlError
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &errs); err != nil {
			e.t.Fatalf("errors: %v: %s", err, resp.Errors)
		}
	}
	if out != nil && resp.Data != nil {
		b, _ := json.Marshal(resp.Data)
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("data: %v: %s", err, b)
		}
	}
	return errs
}

// ok runs an operation that must succeed.
func (e *env) ok(role auth.Role, query string, vars map[string]any, out any) {
	e.t.Helper()
	if errs := e.do(role, query, vars, out); len(errs) > 0 {
		e.t.Fatalf("unexpected errors: %+v", errs)
	}
}

// counts returns the graph's node and relationship totals.
func (e *env) counts() (int64, int64) {
	e.t.Helper()
	c, err := e.store.CountGraph(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return c.TotalNodes(), c.TotalRelationships()
}

func ptr[T any](v T) *T { return &v }

// code returns a valid USCC registered in division.
func code(t *testing.T, division string, serial uint64) string {
	t.Helper()
	c, err := uscc.Make(division, serial)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// catalogue builds a small photovoltaic and polyester catalogue, two
// districts with a park each, and one incentive.
func (e *env) catalogue() {
	e.t.Helper()
	ctx, cat := e.admin, e.res.Catalog
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	must(cat.UpsertDistricts(ctx, []chain.District{
		{Code: "330402", Name: "南湖区", NameEn: "Nanhu", Location: &geo.Point{Latitude: 30.75, Longitude: 120.78}},
		{Code: "330411", Name: "秀洲区", NameEn: "Xiuzhou", Location: &geo.Point{Latitude: 30.76, Longitude: 120.71}},
		{Code: "330483", Name: "桐乡市", NameEn: "Tongxiang", Location: &geo.Point{Latitude: 30.63, Longitude: 120.54}},
	}))
	_, err := cat.UpsertChain(ctx, chain.ChainRecord{
		Chain: chain.IndustrialChain{Code: "PV", Name: "光伏", NameEn: ptr("Photovoltaics")},
		Segments: []chain.ChainSegment{
			{Code: "PV-1", Name: "多晶硅", NameEn: ptr("Polysilicon"), Stage: chain.Upstream},
			{Code: "PV-2", Name: "电池片", NameEn: ptr("Cells"), Stage: chain.Midstream},
			{Code: "PV-3", Name: "组件", NameEn: ptr("Modules"), Stage: chain.Downstream},
		}})
	must(err)
	_, err = cat.UpsertChain(ctx, chain.ChainRecord{
		Chain:    chain.IndustrialChain{Code: "FIBRE", Name: "化纤", NameEn: ptr("Polyester and chemical fibre")},
		Segments: []chain.ChainSegment{{Code: "FIB-1", Name: "涤纶长丝", Stage: chain.Midstream}}})
	must(err)
	seg := func(c string) *string { return ptr(gid.Encode(gid.Segment, c)) }
	for _, p := range []struct {
		code, name, en, segment string
		inputs                  []string
	}{
		{"POLYSILICON", "多晶硅料", "Polysilicon", "PV-1", nil},
		{"PV-CELL", "光伏电池片", "Photovoltaic cell", "PV-2", []string{"POLYSILICON"}},
		{"PV-GLASS", "光伏玻璃", "Photovoltaic glass", "PV-3", nil},
		{"PV-MODULE", "光伏组件", "Photovoltaic module", "PV-3", []string{"PV-CELL", "PV-GLASS"}},
		{"POY", "涤纶预取向丝", "Polyester POY filament", "FIB-1", nil},
	} {
		ids := []string{}
		for _, in := range p.inputs {
			ids = append(ids, gid.Encode(gid.Product, in))
		}
		_, err := cat.UpsertProduct(ctx, chain.Product{Code: p.code, Name: p.name, NameEn: ptr(p.en)}, seg(p.segment), ids)
		must(err)
	}
	must(cat.UpsertParks(ctx, []chain.ParkRecord{
		{Park: chain.Park{Code: "XZ-PV", Name: "秀洲光伏小镇", NameEn: ptr("Xiuzhou PV Town"), DistrictCode: "330411",
			Location: &geo.Point{Latitude: 30.77, Longitude: 120.70}}, FocusChainCodes: []string{"PV"}},
		{Park: chain.Park{Code: "JX-ETDZ", Name: "嘉兴经济技术开发区", NameEn: ptr("Jiaxing ETDZ"), DistrictCode: "330402"}},
	}))
	must(cat.UpsertIncentives(ctx, []chain.Incentive{
		{Code: "LG-AWARD", Name: "小巨人奖励", AmountYuan: 1500000, Designation: ptr(enterprise.NationalLittleGiant), LocalOnly: true},
		{Code: "SC-AWARD", Name: "单项冠军奖励", AmountYuan: 3000000, Designation: ptr(enterprise.SingleChampion), LocalOnly: true},
	}))
}

func productID(c string) string { return gid.Encode(gid.Product, c) }

// firm upserts an enterprise through the service.
func (e *env) firm(in enterprise.Input) string {
	e.t.Helper()
	got, err := e.res.Enterprises.Upsert(e.admin, in)
	if err != nil {
		e.t.Fatalf("upsert %s: %v", in.Name, err)
	}
	return got.USCC
}

// localFirm is a Jiaxing firm in district that makes and needs products.
func localFirm(t *testing.T, serial uint64, name, district string, makes, needs []string) enterprise.Input {
	in := enterprise.Input{USCC: code(t, district, serial), Name: name, IsLocal: true, DistrictCode: ptr(district),
		Products: []enterprise.OfferInput{}, Needs: []enterprise.NeedInput{}, DataSource: "test"}
	for _, m := range makes {
		in.Products = append(in.Products, enterprise.OfferInput{ProductID: productID(m), AnnualCapacity: ptr(1000.0), Unit: ptr("t")})
	}
	for _, n := range needs {
		in.Needs = append(in.Needs, enterprise.NeedInput{ProductID: productID(n)})
	}
	return in
}

// many upserts n local firms named "<prefix> NNN" in Xiuzhou that make PV
// glass, with designations, a park and a location, through one import.
func (e *env) many(n int, prefix string, serial0 uint64) []string {
	e.t.Helper()
	rows := make([]enterprise.Input, n)
	for i := range rows {
		in := localFirm(e.t, serial0+uint64(i), fmt.Sprintf("%s %03d", prefix, i), "330411", []string{"PV-GLASS"}, []string{"PV-CELL"})
		in.ParkID = ptr(gid.Encode(gid.Park, "XZ-PV"))
		in.Location = &geo.Point{Latitude: 30.76 + float64(i)/1000, Longitude: 120.71}
		in.Founded = ptr(1990 + i%30)
		in.Designations = []enterprise.DesignationGrant{{Designation: enterprise.ProvincialSRDI, Year: 2020 + i%4}}
		rows[i] = in
	}
	res, err := e.res.Enterprises.Import(e.admin, rows)
	if err != nil || !res.OK {
		e.t.Fatalf("import: %v %+v", err, res.Errors)
	}
	out := make([]string, n)
	for i, r := range rows {
		out[i] = r.USCC
	}
	return out
}
