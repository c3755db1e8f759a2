package graph_test

import (
	"strings"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/gid"
)

// pageRoundTrips is what a page of enterprises with products{product},
// designations, district and park costs, whatever the page size: the page
// and its counts (2), then one batch each for offers, designations,
// districts and parks (4), then one for the offered products (1).
const pageRoundTrips = 7

func TestEnterprisePageCostsConstantRoundTrips(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.many(50, "乙", 500)
	const q = `query($first: Int) { enterprises(first: $first) { edges { node {
	  name products { annualCapacity product { name } } designations { designation year }
	  district { name } park { name }
	} } } }`
	trips := map[int]int64{}
	for _, n := range []int{10, 50} {
		var resp struct {
			Enterprises struct {
				Edges []struct {
					Node struct {
						Name     string
						Products []struct {
							Product struct{ Name string }
						}
						Designations []struct{ Designation string }
						District     *struct{ Name string }
						Park         *struct{ Name string }
					}
				}
			}
		}
		e.ok(auth.Anonymous, q, map[string]any{"first": n}, &resp)
		trips[n] = e.trips.Load()
		edges := resp.Enterprises.Edges
		if len(edges) != n {
			t.Fatalf("first %d: %d rows", n, len(edges))
		}
		for _, ed := range edges {
			nd := ed.Node
			if len(nd.Products) != 1 || nd.Products[0].Product.Name != "光伏玻璃" || len(nd.Designations) != 1 ||
				nd.District == nil || nd.District.Name != "秀洲区" || nd.Park == nil || nd.Park.Name != "秀洲光伏小镇" {
				t.Fatalf("row %+v", nd)
			}
		}
	}
	if trips[10] != trips[50] || trips[50] != pageRoundTrips {
		t.Fatalf("round trips: 10 rows %d, 50 rows %d; want %d for both", trips[10], trips[50], pageRoundTrips)
	}
}

func TestNodeRefetchesEveryType(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	u := e.firm(localFirm(t, 1, "秀洲光伏玻璃", "330411", []string{"PV-GLASS"}, nil))
	const q = `query($id: ID!) { node(id: $id) { __typename id
	  ... on Enterprise { uscc name }
	  ... on Product { code name }
	  ... on IndustrialChain { code name }
	  ... on ChainSegment { code name }
	  ... on Park { code name }
	  ... on Incentive { code name }
	} }`
	for _, tc := range []struct {
		t    gid.Type
		key  string
		name string
	}{
		{gid.Enterprise, u, "秀洲光伏玻璃"},
		{gid.Product, "PV-GLASS", "光伏玻璃"},
		{gid.Chain, "PV", "光伏"},
		{gid.Segment, "PV-2", "电池片"},
		{gid.Park, "XZ-PV", "秀洲光伏小镇"},
		{gid.Incentive, "LG-AWARD", "小巨人奖励"},
	} {
		id := gid.Encode(tc.t, tc.key)
		var resp struct {
			Node *struct {
				Typename string `json:"__typename"`
				ID       string
				USCC     string
				Code     string
				Name     string
			}
		}
		e.ok(auth.Anonymous, q, map[string]any{"id": id}, &resp)
		n := resp.Node
		if n == nil || n.Typename != string(tc.t) || n.ID != id || n.Name != tc.name || (n.USCC+n.Code) != tc.key {
			t.Errorf("node(%s:%s) = %+v", tc.t, tc.key, n)
		}
		// A well-formed id of a missing object is null, not an error.
		var missing struct{ Node *struct{ ID string } }
		e.ok(auth.Anonymous, q, map[string]any{"id": gid.Encode(tc.t, tc.key+"X")}, &missing)
		if missing.Node != nil {
			t.Errorf("missing %s resolved to %+v", tc.t, missing.Node)
		}
	}
	errs := e.do(auth.Anonymous, q, map[string]any{"id": "not-an-id"}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("bad id: %+v", errs)
	}
}

func TestCatalogueNestedFields(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	u := e.firm(localFirm(t, 1, "秀洲光伏组件", "330411", []string{"PV-MODULE"}, []string{"PV-GLASS"}))
	var resp struct {
		Chain struct {
			Code     string
			Segments []struct {
				Code     string
				Stage    string
				Position int
				Chain    struct{ Code string }
				Products []struct{ Code string }
			}
		}
		Product struct {
			Segment   *struct{ Code string }
			Inputs    []struct{ Code string }
			UsedIn    []struct{ Code string }
			Producers struct {
				TotalCount int
				Edges      []struct{ Node struct{ USCC string } }
			}
		}
		Districts []struct {
			Code     string
			Location *struct{ Latitude float64 }
			Parks    []struct {
				Code        string
				District    struct{ Code string }
				FocusChains []struct{ Code string }
			}
		}
		Chains     []struct{ Code string }
		Incentives []struct {
			Code        string
			AmountYuan  int
			Designation *string
		}
		Products   struct{ TotalCount int }
		Enterprise struct {
			Chains []struct{ Code string }
			Needs  []struct{ Product struct{ Code string } }
		}
	}
	e.ok(auth.Anonymous, `query($u: String) {
	  chain(code: "PV") { code segments { code stage position chain { code } products { code } } }
	  product(code: "PV-MODULE") { segment { code } inputs { code } usedIn { code } producers { totalCount edges { node { uscc } } } }
	  districts { code location { latitude } parks { code district { code } focusChains { code } } }
	  chains { code }
	  incentives { code amountYuan designation }
	  products(first: 2) { totalCount }
	  enterprise(uscc: $u) { chains { code } needs { product { code } } }
	}`, map[string]any{"u": u}, &resp)
	segs := resp.Chain.Segments
	if len(segs) != 3 || segs[0].Code != "PV-1" || segs[0].Stage != "UPSTREAM" || segs[2].Position != 3 ||
		segs[1].Chain.Code != "PV" || len(segs[2].Products) != 2 {
		t.Fatalf("segments %+v", segs)
	}
	p := resp.Product
	if p.Segment == nil || p.Segment.Code != "PV-3" || len(p.Inputs) != 2 || p.Inputs[0].Code != "PV-CELL" ||
		len(p.UsedIn) != 0 || p.Producers.TotalCount != 1 || p.Producers.Edges[0].Node.USCC != u {
		t.Fatalf("product %+v", p)
	}
	ds := resp.Districts
	if len(ds) != 3 || ds[1].Code != "330411" || ds[1].Location == nil || len(ds[1].Parks) != 1 ||
		ds[1].Parks[0].District.Code != "330411" || ds[1].Parks[0].FocusChains[0].Code != "PV" {
		t.Fatalf("districts %+v", ds)
	}
	if len(resp.Chains) != 2 || resp.Chains[0].Code != "FIBRE" || resp.Incentives[0].Code != "SC-AWARD" ||
		resp.Incentives[0].AmountYuan != 3000000 || resp.Products.TotalCount != 5 {
		t.Fatalf("lists %+v %+v %+v", resp.Chains, resp.Incentives, resp.Products)
	}
	if len(resp.Enterprise.Chains) != 1 || resp.Enterprise.Chains[0].Code != "PV" || resp.Enterprise.Needs[0].Product.Code != "PV-GLASS" {
		t.Fatalf("enterprise %+v", resp.Enterprise)
	}
	// products paging: 5 products in pages of 2.
	var codes []string
	var after *string
	for {
		var pr struct {
			Products struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct{ Node struct{ Code string } }
			}
		}
		e.ok(auth.Anonymous, `query($after: String) { products(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { code } } } }`,
			map[string]any{"after": after}, &pr)
		for _, ed := range pr.Products.Edges {
			codes = append(codes, ed.Node.Code)
		}
		if !pr.Products.PageInfo.HasNextPage {
			break
		}
		after = pr.Products.PageInfo.EndCursor
	}
	if strings.Join(codes, ",") != "POLYSILICON,POY,PV-CELL,PV-GLASS,PV-MODULE" {
		t.Fatalf("product pages %v", codes)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	glass := localFirm(t, 1, "嘉兴福莱特光伏玻璃有限公司", "330411", []string{"PV-GLASS"}, nil)
	glass.NameEn = ptr("Jiaxing Flat Photovoltaic Glass Co")
	g := e.firm(glass)
	f := e.firm(localFirm(t, 2, "桐乡化纤集团", "330483", []string{"POY"}, nil))
	const q = `query($text: String!, $first: Int) { search(text: $text, first: $first) { score node { __typename
	  ... on Enterprise { uscc } ... on Product { code } ... on IndustrialChain { code } } } }`
	type hit struct {
		Score float64
		Node  struct {
			Typename string `json:"__typename"`
			USCC     string
			Code     string
		}
	}
	search := func(text string) []string {
		t.Helper()
		var resp struct{ Search []hit }
		e.ok(auth.Anonymous, q, map[string]any{"text": text, "first": 10}, &resp)
		var out []string
		for i, h := range resp.Search {
			if i > 0 && h.Score > resp.Search[i-1].Score {
				t.Fatalf("%q: hits not sorted by score: %+v", text, resp.Search)
			}
			out = append(out, h.Node.Typename+":"+h.Node.USCC+h.Node.Code)
		}
		return out
	}
	has := func(hits []string, want string) bool {
		for _, h := range hits {
			if h == want {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		text  string
		first string   // the best hit
		also  []string // further hits that must be present
	}{
		{"光伏", "", []string{"IndustrialChain:PV", "Product:PV-GLASS", "Product:PV-MODULE", "Enterprise:" + g}},
		{"光伏玻璃", "Product:PV-GLASS", []string{"Enterprise:" + g}},
		{"photovoltaic glass", "Product:PV-GLASS", []string{"Enterprise:" + g}},
		{"化纤", "IndustrialChain:FIBRE", []string{"Enterprise:" + f}},
		{g[:10], "Enterprise:" + g, nil},
		{strings.ToLower(g), "Enterprise:" + g, nil},
	} {
		hits := search(tc.text)
		if len(hits) == 0 || (tc.first != "" && hits[0] != tc.first) {
			t.Errorf("%q: hits %v, want %s first", tc.text, hits, tc.first)
		}
		for _, w := range tc.also {
			if !has(hits, w) {
				t.Errorf("%q: hits %v lack %s", tc.text, hits, w)
			}
		}
	}
	// Lucene syntax in user text is searched for, never parsed.
	for _, text := range []string{`光伏 AND (`, `"`, `*`, `name:光伏~2`, `\`, `a OR`, `} ] ) /`} {
		if errs := e.do(auth.Anonymous, q, map[string]any{"text": text}, nil); len(errs) > 0 {
			t.Errorf("%q: %+v", text, errs)
		}
	}
	if hits := search("nothing-matches-this"); len(hits) != 0 {
		t.Errorf("unexpected hits %v", hits)
	}
	errs := e.do(auth.Anonymous, q, map[string]any{"text": "光伏", "first": 51}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("first 51: %+v", errs)
	}
}
