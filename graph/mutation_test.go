package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
)

const upsertMutation = `mutation($in: EnterpriseInput!) { upsertEnterprise(input: $in) {
  id uscc name nameEn isLocal homeCity founded dataSource
  district { code } park { code } location { latitude longitude }
  designations { designation year }
  products { product { code } annualCapacity unit }
  needs { product { code } annualVolume }
} }`

type upserted struct {
	UpsertEnterprise struct {
		ID, USCC, Name string
		NameEn         *string
		IsLocal        bool
		HomeCity       *string
		Founded        *int
		DataSource     *string
		District       *struct{ Code string }
		Park           *struct{ Code string }
		Location       *struct{ Latitude, Longitude float64 }
		Designations   []struct {
			Designation string
			Year        int
		}
		Products []struct {
			Product        struct{ Code string }
			AnnualCapacity *float64
			Unit           *string
		}
		Needs []struct {
			Product struct{ Code string }
		}
	}
}

func TestUpsertEnterpriseCreatesUpdatesAndKeepsOmittedLists(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	u := code(t, "330411", 7)
	in := map[string]any{
		"uscc": u, "name": "秀洲光伏玻璃有限公司", "nameEn": "Xiuzhou PV Glass", "isLocal": true,
		"districtCode": "330411", "parkId": gid.Encode(gid.Park, "XZ-PV"), "founded": 2008,
		"location":     map[string]any{"latitude": 30.77, "longitude": 120.70},
		"designations": []any{map[string]any{"designation": "NATIONAL_LITTLE_GIANT", "year": 2022}, map[string]any{"designation": "PROVINCIAL_SRDI", "year": 2019}},
		"products":     []any{map[string]any{"productId": productID("PV-GLASS"), "annualCapacity": 5e6, "unit": "m2"}},
		"needs":        []any{map[string]any{"productId": productID("POLYSILICON"), "annualVolume": 10.5}},
		"contact":      map[string]any{"person": "张三", "phone": "0573-1234567", "email": "zs@example.com"},
	}
	var r upserted
	e.ok(auth.Partner, upsertMutation, map[string]any{"in": in}, &r)
	got := r.UpsertEnterprise
	if got.ID != gid.Encode(gid.Enterprise, u) || got.Name != "秀洲光伏玻璃有限公司" || got.District.Code != "330411" ||
		got.Park.Code != "XZ-PV" || got.Location.Latitude != 30.77 || *got.Founded != 2008 ||
		len(got.Designations) != 2 || got.Designations[0].Designation != "NATIONAL_LITTLE_GIANT" ||
		len(got.Products) != 1 || *got.Products[0].AnnualCapacity != 5e6 || *got.Products[0].Unit != "m2" ||
		len(got.Needs) != 1 || *got.DataSource != "api:test-PARTNER" {
		t.Fatalf("created %+v", got)
	}
	nodes, rels := e.counts()

	// The same upsert again changes nothing.
	e.ok(auth.Partner, upsertMutation, map[string]any{"in": in}, &r)
	if n, rl := e.counts(); n != nodes || rl != rels {
		t.Fatalf("repeat upsert: %d/%d nodes, %d/%d rels", n, nodes, rl, rels)
	}

	// Lists left out are kept; given lists (also empty) replace; scalars replace.
	update := map[string]any{"uscc": u, "name": "新名字", "isLocal": true, "districtCode": "330411", "needs": []any{}}
	e.ok(auth.Partner, upsertMutation, map[string]any{"in": update}, &r)
	got = r.UpsertEnterprise
	if got.Name != "新名字" || got.NameEn != nil || got.Park != nil || got.Location != nil ||
		len(got.Designations) != 2 || len(got.Products) != 1 || len(got.Needs) != 0 {
		t.Fatalf("updated %+v", got)
	}

	// Contact: staff only, kept when left out.
	const contactQ = `query($u: String) { enterprise(uscc: $u) { contact { person phone email } } }`
	var c struct {
		Enterprise struct {
			Contact *struct{ Person, Phone, Email string }
		}
	}
	e.ok(auth.Staff, contactQ, map[string]any{"u": u}, &c)
	if c.Enterprise.Contact == nil || c.Enterprise.Contact.Person != "张三" {
		t.Fatalf("staff contact %+v", c.Enterprise.Contact)
	}
	errs := e.do(auth.Partner, contactQ, map[string]any{"u": u}, &c)
	if len(errs) != 1 || errs[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("partner contact: %+v", errs)
	}
	errs = e.do(auth.Anonymous, upsertMutation, map[string]any{"in": in}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("anonymous upsert: %+v", errs)
	}

	// Exactly one of id and uscc.
	errs = e.do(auth.Anonymous, `{ enterprise { name } }`, nil, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("enterprise without args: %+v", errs)
	}
	var byID struct{ Enterprise *struct{ Name string } }
	e.ok(auth.Anonymous, `query($id: ID) { enterprise(id: $id) { name } }`, map[string]any{"id": gid.Encode(gid.Enterprise, u)}, &byID)
	if byID.Enterprise == nil || byID.Enterprise.Name != "新名字" {
		t.Fatalf("by id %+v", byID.Enterprise)
	}
}

func TestUpsertEnterpriseRejectsBadInputAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	u := e.firm(localFirm(t, 1, "原名", "330411", []string{"PV-GLASS"}, nil))
	valid := func() map[string]any {
		return map[string]any{"uscc": u, "name": "改名", "isLocal": true, "districtCode": "330411",
			"products": []any{map[string]any{"productId": productID("PV-CELL")}}}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	bad := u[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(len(u)+1)%31])
	if bad == u {
		bad = u[:17] + "Y"
	}
	for _, tc := range []struct {
		name  string
		in    map[string]any
		code  string
		field string
	}{
		{"check digit", with("uscc", bad), "BAD_USER_INPUT", "input.uscc"},
		{"short uscc", with("uscc", "9133"), "BAD_USER_INPUT", "input.uscc"},
		{"empty name", with("name", ""), "BAD_USER_INPUT", "input.name"},
		{"long name", with("name", string(make([]rune, 201))), "BAD_USER_INPUT", "input.name"},
		{"local without district", with("districtCode", nil), "BAD_USER_INPUT", "input.districtCode"},
		{"unknown district", with("districtCode", "330499"), "NOT_FOUND", "input.districtCode"},
		{"park elsewhere", with("parkId", gid.Encode(gid.Park, "JX-ETDZ")), "BAD_USER_INPUT", "input.parkId"},
		{"unknown park", with("parkId", gid.Encode(gid.Park, "NOPE")), "NOT_FOUND", "input.parkId"},
		{"park id of a product", with("parkId", productID("PV-CELL")), "BAD_USER_INPUT", "input.parkId"},
		{"non-local with district", func() map[string]any { m := valid(); m["isLocal"] = false; return m }(), "BAD_USER_INPUT", "input.districtCode"},
		{"latitude", with("location", map[string]any{"latitude": 91, "longitude": 120}), "BAD_USER_INPUT", "input.location"},
		{"founded", with("founded", 1899), "BAD_USER_INPUT", "input.founded"},
		{"founded future", with("founded", 3000), "BAD_USER_INPUT", "input.founded"},
		{"grant year", with("designations", []any{map[string]any{"designation": "INNOVATIVE_SME", "year": 1989}}), "BAD_USER_INPUT", "input.designations[0].year"},
		{"grant twice", with("designations", []any{map[string]any{"designation": "INNOVATIVE_SME", "year": 2020}, map[string]any{"designation": "INNOVATIVE_SME", "year": 2021}}), "BAD_USER_INPUT", "input.designations[1].designation"},
		{"unknown product", with("products", []any{map[string]any{"productId": productID("PV-CELL")}, map[string]any{"productId": productID("PV-GLASS")}, map[string]any{"productId": productID("NOPE")}}), "NOT_FOUND", "input.products[2].productId"},
		{"capacity", with("products", []any{map[string]any{"productId": productID("PV-CELL"), "annualCapacity": 0}}), "BAD_USER_INPUT", "input.products[0].annualCapacity"},
		{"volume", with("needs", []any{map[string]any{"productId": productID("PV-CELL"), "annualVolume": -1}}), "BAD_USER_INPUT", "input.needs[0].annualVolume"},
		{"product listed twice", with("products", []any{map[string]any{"productId": productID("PV-CELL")}, map[string]any{"productId": productID("PV-CELL")}}), "BAD_USER_INPUT", "input.products[1].productId"},
	} {
		nodes, rels := e.counts()
		errs := e.do(auth.Admin, upsertMutation, map[string]any{"in": tc.in}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != tc.code || errs[0].Extensions["field"] != tc.field {
			t.Errorf("%s: errors %+v, want %s on %s", tc.name, errs, tc.code, tc.field)
		}
		if n, r := e.counts(); n != nodes || r != rels {
			t.Errorf("%s: graph changed: nodes %d -> %d, rels %d -> %d", tc.name, nodes, n, rels, r)
		}
	}
	var still struct {
		Enterprise struct {
			Name     string
			Products []struct{ Product struct{ Code string } }
		}
	}
	e.ok(auth.Anonymous, `query($u: String) { enterprise(uscc: $u) { name products { product { code } } } }`, map[string]any{"u": u}, &still)
	if still.Enterprise.Name != "原名" || len(still.Enterprise.Products) != 1 || still.Enterprise.Products[0].Product.Code != "PV-GLASS" {
		t.Fatalf("rejected writes changed the enterprise: %+v", still.Enterprise)
	}

	// Cypher-looking text is data.
	evil := `x"}) MATCH (n) DETACH DELETE n //`
	var r upserted
	e.ok(auth.Admin, upsertMutation, map[string]any{"in": with("name", evil)}, &r)
	if r.UpsertEnterprise.Name != evil {
		t.Fatalf("name stored as %q", r.UpsertEnterprise.Name)
	}
	if n, _ := e.counts(); n < 10 {
		t.Fatalf("graph lost nodes: %d", n)
	}
}

func TestConcurrentUpsertsOfOneUSCCYieldOneEnterprise(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	in := localFirm(t, 42, "并发", "330402", []string{"PV-CELL"}, nil)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := in
			x.Name = fmt.Sprintf("并发 %d", i)
			_, errs[i] = e.res.Enterprises.Upsert(e.admin, x)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
	}
	var p pageResp
	e.ok(auth.Anonymous, pageQuery, map[string]any{}, &p)
	if p.Enterprises.TotalCount != 1 || p.Enterprises.Edges[0].Node.USCC != in.USCC {
		t.Fatalf("after 8 concurrent upserts: %+v", p.usccs())
	}
	offers, err := e.res.Enterprises.OffersOf(e.admin, []string{in.USCC})
	if err != nil || len(offers[0]) != 1 {
		t.Fatalf("offers %v %v", offers, err)
	}
}

const importMutation = `mutation($in: [EnterpriseInput!]!) { importEnterprises(input: $in) {
  ok created updated errors { row field message code } } }`

type importResp struct {
	ImportEnterprises struct {
		OK               bool
		Created, Updated int
		Errors           []struct {
			Row         int
			Field, Code string
			Message     string
		}
	}
}

func TestImportEnterprisesIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	row := func(serial uint64, name string) map[string]any {
		return map[string]any{"uscc": code(t, "330483", serial), "name": name, "isLocal": true, "districtCode": "330483",
			"products": []any{map[string]any{"productId": productID("POY")}}}
	}
	var r importResp
	e.ok(auth.Partner, importMutation, map[string]any{"in": []any{row(1, "一"), row(2, "二"), row(3, "三")}}, &r)
	if !r.ImportEnterprises.OK || r.ImportEnterprises.Created != 3 || r.ImportEnterprises.Updated != 0 || len(r.ImportEnterprises.Errors) != 0 {
		t.Fatalf("first import %+v", r)
	}
	e.ok(auth.Partner, importMutation, map[string]any{"in": []any{row(1, "一"), row(4, "四")}}, &r)
	if !r.ImportEnterprises.OK || r.ImportEnterprises.Created != 1 || r.ImportEnterprises.Updated != 1 {
		t.Fatalf("second import %+v", r)
	}

	nodes, rels := e.counts()
	badProduct := row(6, "六")
	badProduct["products"] = []any{map[string]any{"productId": productID("POY")}, map[string]any{"productId": productID("NOPE")}}
	e.ok(auth.Partner, importMutation, map[string]any{"in": []any{row(5, "五"), row(5, "五again"), badProduct, row(7, "")}}, &r)
	res := r.ImportEnterprises
	if res.OK || res.Created != 0 || res.Updated != 0 {
		t.Fatalf("bad import %+v", res)
	}
	want := map[string]string{"1 uscc": "BAD_USER_INPUT", "3 name": "BAD_USER_INPUT"}
	got := map[string]string{}
	for _, e := range res.Errors {
		got[fmt.Sprintf("%d %s", e.Row, e.Field)] = e.Code
	}
	// The missing product is found only once every row passed the static
	// checks, so it is reported when it is the only problem.
	for k, v := range want {
		if got[k] != v {
			t.Errorf("errors %v lack %s=%s", res.Errors, k, v)
		}
	}
	e.ok(auth.Partner, importMutation, map[string]any{"in": []any{row(5, "五"), badProduct}}, &r)
	if r.ImportEnterprises.OK || len(r.ImportEnterprises.Errors) != 1 || r.ImportEnterprises.Errors[0].Row != 1 ||
		r.ImportEnterprises.Errors[0].Field != "products[1].productId" || r.ImportEnterprises.Errors[0].Code != "NOT_FOUND" {
		t.Fatalf("missing product import %+v", r.ImportEnterprises)
	}
	if n, rl := e.counts(); n != nodes || rl != rels {
		t.Fatalf("rejected imports changed the graph: nodes %d -> %d, rels %d -> %d", nodes, n, rels, rl)
	}

	rows := make([]any, enterprise.MaxImportRows+1)
	for i := range rows {
		rows[i] = row(uint64(100+i), "x")
	}
	errs := e.do(auth.Partner, importMutation, map[string]any{"in": rows}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "input" {
		t.Fatalf("1001 rows: %+v", errs)
	}
}

func TestSupplyRelations(t *testing.T) {
	// Staff may change any record (partners only those they submitted; the
	// fixtures are the admin's).
	e := newEnv(t)
	e.catalogue()
	glass := e.firm(localFirm(t, 1, "玻璃厂", "330411", []string{"PV-GLASS"}, nil))
	module := e.firm(localFirm(t, 2, "组件厂", "330402", []string{"PV-MODULE"}, []string{"PV-GLASS"}))
	cell := e.firm(localFirm(t, 3, "电池厂", "330402", []string{"PV-CELL"}, nil))
	id := func(u string) string { return gid.Encode(gid.Enterprise, u) }
	const add = `mutation($in: SupplyRelationInput!) { addSupplyRelation(input: $in) {
	  supplier { uscc } customer { uscc } product { code } since } }`
	var r struct {
		AddSupplyRelation struct {
			Supplier, Customer struct{ USCC string }
			Product            *struct{ Code string }
			Since              *int
		}
	}
	for i := 0; i < 2; i++ { // idempotent
		e.ok(auth.Staff, add, map[string]any{"in": map[string]any{"supplierId": id(glass), "customerId": id(module), "productId": productID("PV-GLASS"), "since": 2019}}, &r)
	}
	if r.AddSupplyRelation.Supplier.USCC != glass || r.AddSupplyRelation.Customer.USCC != module ||
		r.AddSupplyRelation.Product.Code != "PV-GLASS" || *r.AddSupplyRelation.Since != 2019 {
		t.Fatalf("added %+v", r)
	}
	e.ok(auth.Staff, add, map[string]any{"in": map[string]any{"supplierId": id(cell), "customerId": id(module), "since": 2021}}, &r)
	if r.AddSupplyRelation.Product != nil {
		t.Fatalf("relation without product has one: %+v", r)
	}
	var s struct {
		Enterprise struct {
			Suppliers struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    *string
				}
				Edges []struct {
					Node struct {
						Supplier struct{ USCC string }
						Since    *int
					}
				}
			}
		}
	}
	const suppliers = `query($u: String, $after: String) { enterprise(uscc: $u) { suppliers(first: 1, after: $after) {
	  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { supplier { uscc } since } } } } }`
	e.ok(auth.Anonymous, suppliers, map[string]any{"u": module}, &s)
	sp := s.Enterprise.Suppliers
	if sp.TotalCount != 2 || !sp.PageInfo.HasNextPage || sp.PageInfo.HasPreviousPage || sp.Edges[0].Node.Supplier.USCC != cell {
		t.Fatalf("newest supplier first: %+v", sp)
	}
	e.ok(auth.Anonymous, suppliers, map[string]any{"u": module, "after": sp.PageInfo.EndCursor}, &s)
	if sp := s.Enterprise.Suppliers; sp.PageInfo.HasNextPage || !sp.PageInfo.HasPreviousPage || len(sp.Edges) != 1 || sp.Edges[0].Node.Supplier.USCC != glass {
		t.Fatalf("second supplier page: %+v", sp)
	}
	var c struct {
		Enterprise struct{ Customers struct{ TotalCount int } }
	}
	e.ok(auth.Anonymous, `query($u: String) { enterprise(uscc: $u) { customers { totalCount } } }`, map[string]any{"u": glass}, &c)
	if c.Enterprise.Customers.TotalCount != 1 {
		t.Fatalf("customers %+v", c)
	}

	nodes, rels := e.counts()
	for _, tc := range []struct {
		in          map[string]any
		code, field string
	}{
		{map[string]any{"supplierId": id(glass), "customerId": id(glass)}, "BAD_USER_INPUT", "input.customerId"},
		{map[string]any{"supplierId": id(glass), "customerId": id(module), "since": 1949}, "BAD_USER_INPUT", "input.since"},
		{map[string]any{"supplierId": id(glass), "customerId": id(module), "productId": productID("NOPE")}, "NOT_FOUND", "input.productId"},
		{map[string]any{"supplierId": id(code(t, "330411", 99)), "customerId": id(module)}, "NOT_FOUND", "input.supplierId"},
		{map[string]any{"supplierId": productID("PV-GLASS"), "customerId": id(module)}, "BAD_USER_INPUT", "input.supplierId"},
	} {
		errs := e.do(auth.Staff, add, map[string]any{"in": tc.in}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != tc.code || errs[0].Extensions["field"] != tc.field {
			t.Errorf("%v: %+v, want %s on %s", tc.in, errs, tc.code, tc.field)
		}
	}
	if n, rl := e.counts(); n != nodes || rl != rels {
		t.Fatalf("rejected relations changed the graph")
	}

	const remove = `mutation($s: ID!, $c: ID!, $p: ID) { removeSupplyRelation(supplierId: $s, customerId: $c, productId: $p) }`
	var rm struct{ RemoveSupplyRelation bool }
	e.ok(auth.Staff, remove, map[string]any{"s": id(glass), "c": id(module), "p": productID("PV-GLASS")}, &rm)
	if !rm.RemoveSupplyRelation {
		t.Fatal("remove existing relation returned false")
	}
	e.ok(auth.Staff, remove, map[string]any{"s": id(glass), "c": id(module), "p": productID("PV-GLASS")}, &rm)
	if rm.RemoveSupplyRelation {
		t.Fatal("second remove returned true")
	}
	if _, rl := e.counts(); rl != rels-1 {
		t.Fatalf("rels %d, want %d", rl, rels-1)
	}

	const del = `mutation($id: ID!) { deleteEnterprise(id: $id) }`
	var d struct{ DeleteEnterprise bool }
	e.ok(auth.Staff, del, map[string]any{"id": id(module)}, &d)
	if !d.DeleteEnterprise {
		t.Fatal("delete returned false")
	}
	e.ok(auth.Staff, del, map[string]any{"id": id(module)}, &d)
	if d.DeleteEnterprise {
		t.Fatal("second delete returned true")
	}
	var gone struct{ Enterprise *struct{ Name string } }
	e.ok(auth.Anonymous, `query($u: String) { enterprise(uscc: $u) { name } }`, map[string]any{"u": module}, &gone)
	if gone.Enterprise != nil {
		t.Fatal("deleted enterprise still readable")
	}
}

func TestCatalogueMutations(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.firm(localFirm(t, 1, "玻璃厂", "330411", []string{"PV-GLASS"}, nil))
	const upsertProduct = `mutation($in: ProductInput!) { upsertProduct(input: $in) { id code name segment { code } inputs { code } } }`
	var p struct {
		UpsertProduct struct {
			ID, Code, Name string
			Segment        *struct{ Code string }
			Inputs         []struct{ Code string }
		}
	}
	in := map[string]any{"code": "PV-FRAME", "name": "铝边框", "nameEn": "Aluminium frame",
		"segmentId": gid.Encode(gid.Segment, "PV-3"), "inputIds": []any{}}
	errs := e.do(auth.Partner, upsertProduct, map[string]any{"in": in}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("partner upsertProduct: %+v", errs)
	}
	e.ok(auth.Staff, upsertProduct, map[string]any{"in": in}, &p)
	if p.UpsertProduct.Code != "PV-FRAME" || p.UpsertProduct.Segment.Code != "PV-3" || len(p.UpsertProduct.Inputs) != 0 {
		t.Fatalf("product %+v", p)
	}
	in["inputIds"] = []any{productID("PV-MODULE")}
	e.ok(auth.Staff, upsertProduct, map[string]any{"in": in}, &p)
	if len(p.UpsertProduct.Inputs) != 1 {
		t.Fatalf("inputs %+v", p)
	}
	for _, tc := range []struct {
		in          map[string]any
		code, field string
	}{
		{map[string]any{"code": "bad code", "name": "x"}, "BAD_USER_INPUT", "input.code"},
		{map[string]any{"code": "OK-1", "name": ""}, "BAD_USER_INPUT", "input.name"},
		{map[string]any{"code": "OK-1", "name": "x", "segmentId": gid.Encode(gid.Segment, "NOPE")}, "NOT_FOUND", "input.segmentId"},
		{map[string]any{"code": "OK-1", "name": "x", "inputIds": []any{productID("NOPE")}}, "NOT_FOUND", "input.inputIds[0]"},
		{map[string]any{"code": "OK-1", "name": "x", "inputIds": []any{productID("OK-1")}}, "BAD_USER_INPUT", "input.inputIds[0]"},
	} {
		errs := e.do(auth.Staff, upsertProduct, map[string]any{"in": tc.in}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != tc.code || errs[0].Extensions["field"] != tc.field {
			t.Errorf("%v: %+v, want %s on %s", tc.in, errs, tc.code, tc.field)
		}
	}

	const deleteProduct = `mutation($id: ID!) { deleteProduct(id: $id) }`
	errs = e.do(auth.Staff, deleteProduct, map[string]any{"id": productID("PV-GLASS")}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("delete product in use: %+v", errs)
	}
	var d struct{ DeleteProduct bool }
	e.ok(auth.Staff, deleteProduct, map[string]any{"id": productID("PV-FRAME")}, &d)
	if !d.DeleteProduct {
		t.Fatal("delete unused product returned false")
	}

	const upsertChain = `mutation($in: ChainInput!) { upsertChain(input: $in) { code name segments { code position stage } } }`
	var c struct {
		UpsertChain struct {
			Code     string
			Segments []struct {
				Code     string
				Position int
				Stage    string
			}
		}
	}
	e.ok(auth.Staff, upsertChain, map[string]any{"in": map[string]any{"code": "H2", "name": "氢能", "segments": []any{
		map[string]any{"code": "H2-1", "name": "制氢", "stage": "UPSTREAM"},
		map[string]any{"code": "H2-2", "name": "燃料电池", "stage": "DOWNSTREAM"}}}}, &c)
	if len(c.UpsertChain.Segments) != 2 || c.UpsertChain.Segments[1].Position != 2 || c.UpsertChain.Segments[1].Code != "H2-2" {
		t.Fatalf("chain %+v", c)
	}
	// Dropping a segment that holds products is refused; taking another chain's segment too.
	errs = e.do(auth.Staff, upsertChain, map[string]any{"in": map[string]any{"code": "PV", "name": "光伏", "segments": []any{
		map[string]any{"code": "PV-1", "name": "多晶硅", "stage": "UPSTREAM"}}}}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("drop used segment: %+v", errs)
	}
	errs = e.do(auth.Staff, upsertChain, map[string]any{"in": map[string]any{"code": "H2", "name": "氢能", "segments": []any{
		map[string]any{"code": "PV-1", "name": "x", "stage": "UPSTREAM"}}}}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("take foreign segment: %+v", errs)
	}
	const deleteChain = `mutation($id: ID!) { deleteChain(id: $id) }`
	errs = e.do(auth.Staff, deleteChain, map[string]any{"id": gid.Encode(gid.Chain, "PV")}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("delete used chain: %+v", errs)
	}
	var dc struct{ DeleteChain bool }
	e.ok(auth.Staff, deleteChain, map[string]any{"id": gid.Encode(gid.Chain, "H2")}, &dc)
	if !dc.DeleteChain {
		t.Fatal("delete unused chain returned false")
	}
	segs, err := e.res.Catalog.SegmentsByCode(e.admin, []string{"H2-1", "H2-2"})
	if err != nil || segs[0] != nil || segs[1] != nil {
		t.Fatalf("segments of deleted chain remain: %v %v", segs, err)
	}
}
