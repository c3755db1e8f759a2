package graph_test

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
)

const pageQuery = `query($first: Int, $after: String, $last: Int, $before: String, $order: EnterpriseOrder, $filter: EnterpriseFilter) {
  enterprises(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { uscc name founded } }
  }
}`

type pageResp struct {
	Enterprises struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				USCC    string
				Name    string
				Founded *int
			}
		}
	}
}

func (p pageResp) usccs() []string {
	var out []string
	for _, e := range p.Enterprises.Edges {
		out = append(out, e.Node.USCC)
	}
	return out
}

func TestEnterprisesPageBothWaysAndStableUnderInserts(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	all := e.many(25, "甲", 100)
	sort.Strings(all)

	// Forwards in pages of 10: 10, 10, 5.
	var got []string
	var after *string
	for page := 0; ; page++ {
		var p pageResp
		e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 10, "after": after}, &p)
		if p.Enterprises.TotalCount != 25 {
			t.Fatalf("totalCount = %d", p.Enterprises.TotalCount)
		}
		if p.Enterprises.PageInfo.HasPreviousPage != (page > 0) {
			t.Fatalf("page %d: hasPreviousPage = %v", page, p.Enterprises.PageInfo.HasPreviousPage)
		}
		got = append(got, p.usccs()...)
		if !p.Enterprises.PageInfo.HasNextPage {
			if page != 2 || len(p.Enterprises.Edges) != 5 {
				t.Fatalf("last page %d has %d rows", page, len(p.Enterprises.Edges))
			}
			break
		}
		after = p.Enterprises.PageInfo.EndCursor
	}
	if !slices.Equal(got, all) {
		t.Fatalf("forward pages = %v\nwant %v", got, all)
	}

	// Backwards from the end: last 10, then the 10 before.
	var last pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"last": 10}, &last)
	if !slices.Equal(last.usccs(), all[15:]) || !last.Enterprises.PageInfo.HasPreviousPage || last.Enterprises.PageInfo.HasNextPage {
		t.Fatalf("last 10 = %v %+v", last.usccs(), last.Enterprises.PageInfo)
	}
	var before pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"last": 10, "before": last.Enterprises.PageInfo.StartCursor}, &before)
	if !slices.Equal(before.usccs(), all[5:15]) || !before.Enterprises.PageInfo.HasNextPage || !before.Enterprises.PageInfo.HasPreviousPage {
		t.Fatalf("10 before = %v %+v", before.usccs(), before.Enterprises.PageInfo)
	}

	// Stable under inserts: a firm that sorts before the cursor does not
	// shift the next page.
	var p1 pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 10}, &p1)
	e.firm(localFirm(t, 1, "插队", "330402", nil, nil)) // division 330402 sorts before 330411
	var p2 pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 10, "after": p1.Enterprises.PageInfo.EndCursor}, &p2)
	if !slices.Equal(p2.usccs(), all[10:20]) || p2.Enterprises.TotalCount != 26 {
		t.Fatalf("page after insert = %v (total %d), want %v", p2.usccs(), p2.Enterprises.TotalCount, all[10:20])
	}

	// Ordered by founding year descending, paged, matches a sort done here.
	order := map[string]any{"field": "FOUNDED", "direction": "DESC"}
	var f1, f2 pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 13, "order": order}, &f1)
	e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 13, "order": order, "after": f1.Enterprises.PageInfo.EndCursor}, &f2)
	var years []int
	for _, p := range []pageResp{f1, f2} {
		for _, ed := range p.Enterprises.Edges {
			y := -1
			if ed.Node.Founded != nil {
				y = *ed.Node.Founded
			}
			years = append(years, y)
		}
	}
	if len(years) != 26 || !sort.SliceIsSorted(years, func(i, j int) bool { return years[i] > years[j] }) || years[25] != -1 {
		t.Fatalf("founded desc = %v (firms without a year must come last)", years)
	}
	// A cursor of one order is refused by another.
	errs := e.do(auth.Anonymous, pageQuery, map[string]any{"first": 5, "after": f1.Enterprises.PageInfo.EndCursor}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "after" {
		t.Fatalf("foreign cursor: %+v", errs)
	}
}

func TestEnterprisesPageSizeLimit(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		vars  map[string]any
		field string
	}{
		{map[string]any{"first": 101}, "first"},
		{map[string]any{"last": 101}, "last"},
		{map[string]any{"first": -1}, "first"},
		{map[string]any{"first": 1, "last": 1}, "last"},
		{map[string]any{"after": "nonsense"}, "after"},
	} {
		errs := e.do(auth.Anonymous, pageQuery, tc.vars, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != tc.field {
			t.Errorf("%v: errors %+v, want BAD_USER_INPUT on %s", tc.vars, errs, tc.field)
		}
	}
	var p pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{"first": 100}, &p)
	if p.Enterprises.TotalCount != 0 || len(p.Enterprises.Edges) != 0 || p.Enterprises.PageInfo.HasNextPage {
		t.Fatalf("empty graph page: %+v", p)
	}
}

func TestEnterpriseFilters(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	glass := localFirm(t, 1, "嘉兴光伏玻璃有限公司", "330411", []string{"PV-GLASS"}, []string{"POLYSILICON"})
	glass.NameEn = ptr("Jiaxing PV Glass Co")
	glass.ParkID = ptr(gid.Encode(gid.Park, "XZ-PV"))
	glass.Location = &geo.Point{Latitude: 30.77, Longitude: 120.70}
	glass.Designations = []enterprise.DesignationGrant{{Designation: enterprise.NationalLittleGiant, Year: 2022}}
	cell := localFirm(t, 2, "南湖电池科技", "330402", []string{"PV-CELL"}, []string{"PV-GLASS"})
	cell.Location = &geo.Point{Latitude: 30.75, Longitude: 120.78}
	cell.Designations = []enterprise.DesignationGrant{{Designation: enterprise.ProvincialSRDI, Year: 2021}}
	fibre := localFirm(t, 3, "桐乡化纤", "330483", []string{"POY"}, nil)
	fibre.Location = &geo.Point{Latitude: 30.63, Longitude: 120.54}
	chengdu := enterprise.Input{USCC: code(t, "510100", 4), Name: "成都硅业", NameEn: ptr("Chengdu Silicon"),
		HomeCity: ptr("成都"), Location: &geo.Point{Latitude: 30.66, Longitude: 104.06},
		Products: []enterprise.OfferInput{{ProductID: productID("POLYSILICON")}}, DataSource: "partner-x"}
	g, c, f, cd := e.firm(glass), e.firm(cell), e.firm(fibre), e.firm(chengdu)

	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"none", map[string]any{}, []string{g, c, f, cd}},
		{"district", map[string]any{"districtCode": "330411"}, []string{g}},
		{"park", map[string]any{"parkId": gid.Encode(gid.Park, "XZ-PV")}, []string{g}},
		{"chain", map[string]any{"chainId": gid.Encode(gid.Chain, "PV")}, []string{g, c, cd}},
		{"segment", map[string]any{"segmentId": gid.Encode(gid.Segment, "PV-3")}, []string{g}},
		{"makes", map[string]any{"makesProductId": productID("PV-CELL")}, []string{c}},
		{"needs", map[string]any{"needsProductId": productID("PV-GLASS")}, []string{c}},
		{"designations", map[string]any{"designations": []string{"NATIONAL_LITTLE_GIANT", "SINGLE_CHAMPION"}}, []string{g}},
		{"isLocal false", map[string]any{"isLocal": false}, []string{cd}},
		{"isLocal true", map[string]any{"isLocal": true}, []string{g, c, f}},
		{"within 10 km of Xiuzhou", map[string]any{"within": map[string]any{"latitude": 30.76, "longitude": 120.71, "radiusKm": 10}}, []string{g, c}},
		{"within 30 km", map[string]any{"within": map[string]any{"latitude": 30.76, "longitude": 120.71, "radiusKm": 30}}, []string{g, c, f}},
		{"name zh", map[string]any{"nameContains": "光伏"}, []string{g}},
		{"name en, any case", map[string]any{"nameContains": "chengdu"}, []string{cd}},
		{"dataSource", map[string]any{"dataSource": "partner-x"}, []string{cd}},
		{"combined", map[string]any{"chainId": gid.Encode(gid.Chain, "PV"), "isLocal": true, "designations": []string{"PROVINCIAL_SRDI"}}, []string{c}},
		{"nothing", map[string]any{"makesProductId": productID("NO-SUCH")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p pageResp
			e.ok(auth.Anonymous, pageQuery, map[string]any{"filter": tc.filter}, &p)
			got := p.usccs()
			want := slices.Clone(tc.want)
			sort.Strings(want)
			if !slices.Equal(got, want) || p.Enterprises.TotalCount != len(want) {
				t.Fatalf("got %v (total %d), want %v", got, p.Enterprises.TotalCount, want)
			}
		})
	}
	errs := e.do(auth.Anonymous, pageQuery, map[string]any{"filter": map[string]any{"parkId": productID("PV-GLASS")}}, nil)
	if len(errs) != 1 || errs[0].Extensions["field"] != "filter.parkId" {
		t.Fatalf("wrong id type in filter: %+v", errs)
	}
	errs = e.do(auth.Anonymous, pageQuery, map[string]any{"filter": map[string]any{"within": map[string]any{"latitude": 30, "longitude": 120, "radiusKm": 0}}}, nil)
	if len(errs) != 1 || errs[0].Extensions["field"] != "filter.within.radiusKm" {
		t.Fatalf("zero radius: %+v", errs)
	}
}

// enterprise(id|uscc) reads the enterprise with its selected parts in one
// statement; an unknown key is null, bad arguments are BAD_USER_INPUT
// naming the argument, before any statement.
func TestEnterpriseLookup(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	firms := e.many(2, "丙", 700)
	type firm struct {
		Enterprise *struct {
			ID, USCC, Name string
			District       *struct{ Code string }
			Designations   []struct{ Designation string }
			Products       []struct{ Product struct{ Code, Name string } }
		}
	}
	const byUSCC = `query($u: String!) { enterprise(uscc: $u) { id uscc name district { code } designations { designation } products { product { code name } } } }`
	var got firm
	e.ok(auth.Anonymous, byUSCC, map[string]any{"u": strings.ToLower(firms[1])}, &got)
	en := got.Enterprise
	if en == nil || en.USCC != firms[1] || en.Name != "丙 001" || en.District == nil || en.District.Code != "330411" ||
		len(en.Designations) != 1 || len(en.Products) != 1 || en.Products[0].Product.Name != "光伏玻璃" {
		t.Fatalf("by USCC: %+v", en)
	}
	// The firm and its selected parts come from one read, not a statement
	// per part.
	if n := e.trips.Load(); n > 1 {
		t.Fatalf("enterprise with district, designations and products: %d statements, want at most 1", n)
	}
	var byID firm
	e.ok(auth.Anonymous, `query($id: ID!) { enterprise(id: $id) { id uscc name district { code } designations { designation } products { product { code name } } } }`,
		map[string]any{"id": en.ID}, &byID)
	if !reflect.DeepEqual(byID, got) {
		t.Fatalf("by id %+v, by USCC %+v", byID.Enterprise, en)
	}

	var none firm
	e.ok(auth.Anonymous, byUSCC, map[string]any{"u": "911111111111111111"}, &none)
	if none.Enterprise != nil || e.trips.Load() > 1 {
		t.Fatalf("unknown USCC: %+v after %d statements", none.Enterprise, e.trips.Load())
	}

	for _, tc := range []struct{ query, field string }{
		{`{ enterprise { name } }`, "id"},
		{`{ enterprise(id: "x", uscc: "y") { name } }`, "id"},
		{`{ enterprise(id: "not-a-global-id") { name } }`, "id"},
		{`{ enterprise(id: "` + gid.Encode(gid.Product, "PV-GLASS") + `") { name } }`, "id"},
	} {
		errs := e.do(auth.Anonymous, tc.query, nil, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != tc.field || e.trips.Load() != 0 {
			t.Errorf("%s: %+v after %d statements", tc.query, errs, e.trips.Load())
		}
	}
}

// A bad page argument below a page of firms is an error naming the
// argument, not a silent skip of the page's batched read.
func TestBadArgumentsBelowAPageAreErrors(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.many(2, "丁", 900)
	for _, q := range []string{
		`{ enterprises(first: 2) { edges { node { uscc suppliers(first: 1000) { totalCount } } } } }`,
		`{ enterprises(first: 2) { edges { node { uscc customers(first: -1) { totalCount } } } } }`,
		`{ products(first: 2) { edges { node { code producers(first: 101) { totalCount } } } } }`,
	} {
		errs := e.do(auth.Anonymous, q, nil, nil)
		if len(errs) == 0 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "first" {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT on first", q, errs)
		}
	}
}

// Query.changes pages up to changes.MaxPage (a feed is read in bulk); a
// larger page, and any other page above MaxFirst, is BAD_USER_INPUT on
// first with its max.
func TestChangesPagesUpToItsOwnMaximum(t *testing.T) {
	e := newEnv(t)
	e.res.Changes = changes.NewService(e.store, changes.Config{})
	var out struct {
		Changes struct{ Edges []struct{ Cursor string } }
	}
	if errs := e.do(auth.Staff, `{ changes(first: 1000) { edges { cursor } } }`, nil, &out); len(errs) != 0 {
		t.Fatalf("changes(first: 1000): %+v", errs)
	}
	for q, most := range map[string]string{
		`{ changes(first: 1001) { edges { cursor } } }`:    "1000",
		`{ enterprises(first: 101) { edges { cursor } } }`: "100",
	} {
		errs := e.do(auth.Staff, q, nil, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "first" ||
			fmt.Sprint(errs[0].Extensions["max"]) != most {
			t.Errorf("%s: %+v, want BAD_USER_INPUT on first with max %s", q, errs, most)
		}
	}
}
