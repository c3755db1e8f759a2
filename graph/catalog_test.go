package graph_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
)

// TestPagesCostConstantRoundTrips counts the Cypher statements of pages
// of 10 and 50 rows (5 repetitions each, so that a batch split by timing
// would show): nested fields are prefetched for the whole page, the
// enterprises' own parts (designations, district, park, chains, offers and
// needs with their products) in one statement, every other field one
// statement per level, whatever the page size.
func TestPagesCostConstantRoundTrips(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	firms := e.many(50, "乙", 500)
	// A ring: firm i supplies i+1 (PV glass) and i+2 (no product), so
	// every firm has two suppliers and two customers.
	for i, u := range firms {
		for step, product := range map[int]*string{1: ptr("PV-GLASS"), 2: nil} {
			rel := enterprise.SupplyInput{SupplierID: gid.Encode(gid.Enterprise, u),
				CustomerID: gid.Encode(gid.Enterprise, firms[(i+step)%len(firms)]), Since: ptr(2000 + i%20)}
			if product != nil {
				rel.ProductID = ptr(productID(*product))
			}
			if _, err := e.res.Enterprises.AddSupply(e.admin, rel); err != nil {
				t.Fatal(err)
			}
		}
	}
	type node struct {
		Name     string
		Products []struct {
			Product struct{ Name string }
		}
		Designations []struct{ Designation string }
		District     *struct{ Name string }
		Park         *struct{ Name string }
		Suppliers    *struct {
			TotalCount int
			PageInfo   struct{ HasPreviousPage bool }
			Edges      []struct {
				Node struct {
					Supplier struct{ Name string }
					Product  *struct{ Name string }
				}
			}
		}
		Customers *struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Customer struct{ Name string } }
			}
		}
	}
	checkRow := func(t *testing.T, nd node) {
		t.Helper()
		if len(nd.Products) != 1 || nd.Products[0].Product.Name != "光伏玻璃" || len(nd.Designations) != 1 ||
			nd.District == nil || nd.District.Name != "秀洲区" || nd.Park == nil || nd.Park.Name != "秀洲光伏小镇" {
			t.Fatalf("row %+v", nd)
		}
		if s := nd.Suppliers; s != nil {
			products := 0
			for _, ed := range s.Edges {
				if !strings.HasPrefix(ed.Node.Supplier.Name, "乙 ") {
					t.Fatalf("supplier %+v", ed)
				}
				if ed.Node.Product != nil && ed.Node.Product.Name == "光伏玻璃" {
					products++
				}
			}
			if s.TotalCount != 2 || len(s.Edges) != 2 || products != 1 || s.PageInfo.HasPreviousPage {
				t.Fatalf("suppliers %+v", s)
			}
		}
		if c := nd.Customers; c != nil && (c.TotalCount != 2 || len(c.Edges) != 2 || c.Edges[0].Node.Customer.Name == "") {
			t.Fatalf("customers %+v", c)
		}
	}
	for _, tc := range []struct {
		name, query string
		// the most statements the query may cost, whatever the page size:
		// a page must not cost a statement per row
		trips int64
	}{
		// The page (1: totalCount is not selected, so nothing is
		// counted); offers with their products, designations, districts
		// and parks, together (1).
		{"catalogue fields", `query($first: Int) { enterprises(first: $first) { edges { node {
		  name products { annualCapacity product { name } } designations { designation year }
		  district { name } park { name }
		} } } }`, 2},
		// As above, with the supplier and customer pages of every row
		// and their partner enterprises in the same statement (2); the
		// supplied products (1).
		{"with suppliers and customers", `query($first: Int) { enterprises(first: $first) { edges { node {
		  name products { annualCapacity product { name } } designations { designation year }
		  district { name } park { name }
		  suppliers(first: 10) { totalCount pageInfo { hasPreviousPage } edges { node { supplier { name } product { name } } } }
		  customers(first: 5) { totalCount edges { node { customer { name } } } }
		} } } }`, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for rep := 0; rep < 5; rep++ {
				for _, n := range []int{10, 50} {
					var resp struct {
						Enterprises struct{ Edges []struct{ Node node } }
					}
					// A partner: the anonymous cost limit refuses 50 rows with two connections each.
					e.ok(auth.Partner, tc.query, map[string]any{"first": n}, &resp)
					if got := e.trips.Load(); got > tc.trips {
						t.Fatalf("first %d (repetition %d): %d statements, want at most %d", n, rep, got, tc.trips)
					}
					if len(resp.Enterprises.Edges) != n {
						t.Fatalf("first %d: %d rows", n, len(resp.Enterprises.Edges))
					}
					for _, ed := range resp.Enterprises.Edges {
						checkRow(t, ed.Node)
					}
				}
			}
		})
	}

	// With totalCount and a cursor the page and its counts still come
	// from one statement.
	var counted struct {
		Enterprises struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    string
			}
			Edges []struct{ Node struct{ Name string } }
		}
	}
	const countedPage = `query($after: String) { enterprises(first: 20, after: $after) {
	  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { name } } } }`
	e.ok(auth.Anonymous, countedPage, map[string]any{"after": nil}, &counted)
	if got, c := e.trips.Load(), counted.Enterprises; got > 1 || c.TotalCount != 50 || len(c.Edges) != 20 ||
		!c.PageInfo.HasNextPage || c.PageInfo.HasPreviousPage {
		t.Fatalf("first page with totalCount: %d statements (want at most 1: the count rides with the page), %+v", got, c)
	}
	e.ok(auth.Anonymous, countedPage, map[string]any{"after": counted.Enterprises.PageInfo.EndCursor}, &counted)
	if got, c := e.trips.Load(), counted.Enterprises; got > 1 || c.TotalCount != 50 || len(c.Edges) != 20 ||
		!c.PageInfo.HasNextPage || !c.PageInfo.HasPreviousPage {
		t.Fatalf("second page with totalCount: %d statements (want at most 1), %+v", got, c)
	}

	// A single enterprise is read like a page row, never a statement per
	// part or row: at most the enterprise with its district, designations,
	// offers with their products and supplier pages with the suppliers (1);
	// the offered products' producer pages (1); the supplied products (1).
	var one struct {
		Enterprise struct {
			Name     string
			District struct{ Name string }
			Products []struct {
				Product struct {
					Name      string
					Producers struct {
						Edges []struct{ Node struct{ Name string } }
					}
				}
			}
			Suppliers struct {
				Edges []struct {
					Node struct{ Supplier struct{ Name string } }
				}
			}
		}
	}
	for rep := 0; rep < 5; rep++ {
		e.ok(auth.Anonymous, `query($uscc: String!) { enterprise(uscc: $uscc) { name district { name } designations { designation }
		  products { product { name producers(first: 10) { edges { node { name } } } } }
		  suppliers(first: 10) { edges { node { supplier { name } product { name } } } } } }`, map[string]any{"uscc": firms[0]}, &one)
		if got, en := e.trips.Load(), one.Enterprise; got > 3 || en.District.Name == "" || len(en.Products) != 1 ||
			len(en.Products[0].Product.Producers.Edges) != 10 || len(en.Suppliers.Edges) != 2 || en.Suppliers.Edges[0].Node.Supplier.Name == "" {
			t.Fatalf("enterprise with products, producers and suppliers: %d statements, want at most 3; %+v", got, en)
		}
	}

	// A supplied product asked for only by what its code gives (code, id)
	// is answered from the relation: one statement fewer, and the same
	// answer as a read of the product; another alias of the same field
	// that asks for more still reads it.
	var keyed struct {
		Enterprise struct {
			Suppliers struct {
				Edges []struct {
					Node struct {
						Product *struct{ Code, ID string }
						Full    *struct{ Code, ID, Name string }
					}
				}
			}
		}
	}
	e.ok(auth.Anonymous, `query($uscc: String!) { enterprise(uscc: $uscc) {
	  suppliers(first: 10) { edges { node { product { code id } } } } } }`, map[string]any{"uscc": firms[0]}, &keyed)
	// The relation carries the product code: no product read.
	if got := e.trips.Load(); got > 1 {
		t.Fatalf("suppliers with product { code id }: %d statements, want at most 1 (the enterprise with its supplier page)", got)
	}
	codes := 0
	for _, ed := range keyed.Enterprise.Suppliers.Edges {
		if p := ed.Node.Product; p != nil {
			codes++
			if p.Code != "PV-GLASS" || p.ID != productID("PV-GLASS") {
				t.Fatalf("key-only product %+v", p)
			}
		}
	}
	if codes != 1 {
		t.Fatalf("want one supplier with a product: %+v", keyed)
	}
	e.ok(auth.Anonymous, `query($uscc: String!) { enterprise(uscc: $uscc) {
	  suppliers(first: 10) { edges { node { product { code id } full: product { code id name } } } } } }`, map[string]any{"uscc": firms[0]}, &keyed)
	// Plus one batch of products for the full alias, not one per row.
	if got := e.trips.Load(); got > 2 {
		t.Fatalf("with a full alias: %d statements, want at most 2", got)
	}
	for _, ed := range keyed.Enterprise.Suppliers.Edges {
		if p, f := ed.Node.Product, ed.Node.Full; (p == nil) != (f == nil) || p != nil && (p.Code != f.Code || p.ID != f.ID || f.Name != "光伏玻璃") {
			t.Fatalf("key-only %+v and full %+v disagree", p, f)
		}
	}

	// Product.producers: one statement for the producer pages of every
	// product on the page, one for the producers' districts, one for their
	// parks.
	const producers = `query($first: Int) { products(first: $first) { edges { node { code
	  producers(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { name district { name } park { code } } } }
	} } } }`
	for _, n := range []int{4, 5} { // both pages hold PV-GLASS, the product the firms make
		var resp struct {
			Products struct {
				Edges []struct {
					Node struct {
						Code      string
						Producers struct {
							TotalCount int
							PageInfo   struct{ HasNextPage, HasPreviousPage bool }
							Edges      []struct {
								Node struct {
									Name     string
									District struct{ Name string }
									Park     *struct{ Code string }
								}
							}
						}
					}
				}
			}
		}
		e.ok(auth.Anonymous, producers, map[string]any{"first": n}, &resp)
		// Constant in the page size: never a statement per product or
		// producer.
		if got := e.trips.Load(); got > 5 {
			t.Fatalf("products(first: %d) with producers: %d statements, want at most 5", n, got)
		}
		for _, ed := range resp.Products.Edges {
			p := ed.Node.Producers
			want := 0
			if ed.Node.Code == "PV-GLASS" {
				want = 50
			}
			if p.TotalCount != want || len(p.Edges) != min(want, 3) || p.PageInfo.HasNextPage != (want > 3) || p.PageInfo.HasPreviousPage {
				t.Fatalf("%s producers %+v", ed.Node.Code, p)
			}
			for _, pe := range p.Edges {
				if pe.Node.District.Name != "秀洲区" || pe.Node.Park == nil || pe.Node.Park.Code != "XZ-PV" {
					t.Fatalf("producer %+v", pe)
				}
			}
		}
	}

	// Paging through one product's producers: every page knows the total
	// and whether there are pages before and after it; the pages cover the
	// 50 producers once each, in USCC order.
	const producerPages = `query($after: String) { product(code: "PV-GLASS") { producers(first: 7, after: $after) {
	  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { uscc } } } } }`
	var seen []string
	var after any
	for page := 0; ; page++ {
		var resp struct {
			Product struct {
				Producers struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage, HasPreviousPage bool
						EndCursor                    string
					}
					Edges []struct{ Node struct{ USCC string } }
				}
			}
		}
		e.ok(auth.Anonymous, producerPages, map[string]any{"after": after}, &resp)
		p := resp.Product.Producers
		if p.TotalCount != 50 || p.PageInfo.HasPreviousPage != (page > 0) || len(p.Edges) != min(7, 50-len(seen)) ||
			p.PageInfo.HasNextPage != (len(seen)+len(p.Edges) < 50) {
			t.Fatalf("producers page %d: %+v", page, p)
		}
		for _, ed := range p.Edges {
			seen = append(seen, ed.Node.USCC)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
	}
	if want := slices.Sorted(slices.Values(firms)); !slices.Equal(seen, want) {
		t.Fatalf("producers paged as %v, want %v", seen, want)
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
	  ... on District { code name }
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
		{gid.District, "330411", "秀洲区"},
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
					HasNextPage, HasPreviousPage bool
					EndCursor                    *string
				}
				Edges []struct{ Node struct{ Code string } }
			}
		}
		e.ok(auth.Anonymous, `query($after: String) { products(first: 2, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { code } } } }`,
			map[string]any{"after": after}, &pr)
		if pr.Products.PageInfo.HasPreviousPage != (after != nil) {
			t.Fatalf("after %v: hasPreviousPage %v", after, pr.Products.PageInfo.HasPreviousPage)
		}
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
	// hasPreviousPage is exact: a cursor before every product (code "A")
	// has nothing before it.
	var pr struct {
		Products struct {
			PageInfo struct{ HasPreviousPage bool }
			Edges    []struct{ Node struct{ Code string } }
		}
	}
	e.ok(auth.Anonymous, `query($after: String) { products(first: 1, after: $after) { pageInfo { hasPreviousPage } edges { node { code } } } }`,
		map[string]any{"after": base64.RawURLEncoding.EncodeToString([]byte("p:A"))}, &pr)
	if pr.Products.PageInfo.HasPreviousPage || pr.Products.Edges[0].Node.Code != "POLYSILICON" {
		t.Fatalf("cursor before the first product: %+v", pr.Products)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	glass := localFirm(t, 1, "嘉兴福莱特光伏玻璃有限公司", "330411", []string{"PV-GLASS"}, nil)
	glass.NameEn = ptr("Jiaxing Flat Photovoltaic Glass Co")
	glass.ParkID = ptr(gid.Encode(gid.Park, "XZ-PV"))
	g := e.firm(glass)
	f := e.firm(localFirm(t, 2, "桐乡化纤集团", "330483", []string{"POY"}, nil))
	if _, err := e.res.Enterprises.AddSupply(e.admin, enterprise.SupplyInput{SupplierID: gid.Encode(gid.Enterprise, f),
		CustomerID: gid.Encode(gid.Enterprise, g)}); err != nil {
		t.Fatal(err)
	}
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
		// keys written by the API's upserts: pinyin, initials, one
		// character, traditional characters, singular
		{"guangfu", "IndustrialChain:PV", nil},
		{"gf", "IndustrialChain:PV", nil},
		{"jiaxingfulaite", "Enterprise:" + g, nil},
		{"光", "IndustrialChain:PV", []string{"Enterprise:" + g}},
		{"化纖", "IndustrialChain:FIBRE", []string{"Enterprise:" + f}},
		{"photovoltaic", "IndustrialChain:PV", nil},
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
	// The hits' objects come with the search statement: names of all
	// three kinds cost no further statement, and a USCC-like text runs
	// its prefix scan in that same statement.
	var named struct {
		Search []struct {
			Node struct {
				Name   string
				NameEn *string
			}
		}
	}
	const qNames = `query($text: String!) { search(text: $text, first: 10) { node { ... on Enterprise { name nameEn }
	  ... on Product { name nameEn } ... on IndustrialChain { name nameEn } } } }`
	for text, trips := range map[string]int64{"光伏": 1, g[:10]: 1} {
		e.ok(auth.Anonymous, qNames, map[string]any{"text": text}, &named)
		if got := e.trips.Load(); got != trips || len(named.Search) == 0 {
			t.Errorf("%q with names: %d statements (want %d), %d hits", text, got, trips, len(named.Search))
		}
		for _, h := range named.Search {
			if h.Node.Name == "" {
				t.Errorf("%q: hit without a name: %+v", text, named.Search)
			}
		}
	}
	// The places of the objects found (an enterprise's district and park,
	// a product's segment) are read with the hits only when the selection
	// asks for them; a search that does not ask leaves every other field
	// of the request whole, even the same enterprise below its own hit
	// (the customer of its supplier relation, through the request's
	// loader).
	type placed struct {
		Typename string `json:"__typename"`
		USCC     string
		Code     string
		District *struct{ Code string }
		Park     *struct{ Code string }
		Segment  *struct{ Code string }
	}
	var places struct {
		Search []struct{ Node placed }
		Names  []struct {
			Node struct {
				placed
				Suppliers struct {
					Edges []struct{ Node struct{ Customer placed } }
				}
			}
		}
		Firm placed
	}
	e.ok(auth.Anonymous, `query {
	  search(text: "光伏玻璃", first: 10) { node { __typename ... on Enterprise { uscc district { code } park { code } } ... on Product { code segment { code } } } }
	}`, nil, &places)
	e.ok(auth.Anonymous, `query($uscc: String!) {
	  names: search(text: "光伏玻璃", first: 10) { node { __typename ... on Product { code }
	    ... on Enterprise { uscc suppliers { edges { node { customer { uscc district { code } park { code } } } } } } } }
	  firm: enterprise(uscc: $uscc) { uscc district { code } park { code } }
	}`, map[string]any{"uscc": g}, &places)
	sawFirm, sawProduct := false, false
	for _, h := range places.Search {
		switch n := h.Node; {
		case n.USCC == g:
			sawFirm = true
			if n.District == nil || n.District.Code != "330411" || n.Park == nil || n.Park.Code != "XZ-PV" {
				t.Errorf("search with places: firm %+v", n)
			}
		case n.Code == "PV-GLASS":
			sawProduct = true
			if n.Segment == nil || n.Segment.Code == "" {
				t.Errorf("search with places: product %+v", n)
			}
		}
	}
	if !sawFirm || !sawProduct || len(places.Names) != len(places.Search) {
		t.Errorf("search with places found firm %v, product %v; %d hits beside %d without places", sawFirm, sawProduct,
			len(places.Search), len(places.Names))
	}
	sawFirm = false
	for _, h := range places.Names {
		if h.Node.USCC != g {
			continue
		}
		for _, r := range h.Node.Suppliers.Edges {
			sawFirm = true
			if c := r.Node.Customer; c.USCC != g || c.District == nil || c.District.Code != "330411" || c.Park == nil || c.Park.Code != "XZ-PV" {
				t.Errorf("customer below a search hit without places: %+v", c)
			}
		}
	}
	if !sawFirm {
		t.Errorf("search without places did not show the firm's supplier relation: %+v", places.Names)
	}
	if f := places.Firm; f.USCC != g || f.District == nil || f.District.Code != "330411" || f.Park == nil || f.Park.Code != "XZ-PV" {
		t.Errorf("enterprise beside a search without places: %+v", f)
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
