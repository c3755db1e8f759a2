package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"chainmatch/graph"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
)

// leadEnv is env with the catalogue and the match and lead services, and
// with audit, the audit trail (whose entries count as nodes).
func leadEnv(t *testing.T, audit ...bool) *env {
	t.Helper()
	e := newEnv(t)
	svc, err := match.NewService(e.store, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	e.res.Matches = svc
	e.res.Leads = lead.NewService(e.store, svc)
	if len(audit) > 0 && audit[0] {
		// The audit trail is wired when the handler is built.
		e.res.Access = auth.NewService(e.store, auth.Config{})
		h := graph.NewHandler(e.res, graph.Options{})
		e.c = client.New(graph.LoaderMiddleware(e.res)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if role := r.Header.Get("X-Test-Role"); role != "" && role != string(auth.Anonymous) {
				ctx = auth.WithPrincipal(ctx, auth.Principal{ID: "test-" + role, Name: role, Role: auth.Role(role)})
			}
			h.ServeHTTP(w, r.WithContext(ctx))
		})))
	}
	e.catalogue()
	return e
}

// outsideFirm is a non-local firm (based in Suzhou) that makes and needs
// products.
func outsideFirm(t *testing.T, serial uint64, name string, makes, needs []string) enterprise.Input {
	in := localFirm(t, serial, name, "320500", makes, needs)
	in.IsLocal, in.DistrictCode, in.HomeCity = false, nil, ptr("苏州")
	return in
}

const leadFields = `id stage owner version expectedInvestmentYuan nextActionAt createdAt updatedAt
  enterprise { uscc } targetPark { code } chain { code } products { code }
  stageHistory { from to by note at }`

type leadResp struct {
	ID                     string
	Stage                  string
	Owner                  string
	Version                int
	ExpectedInvestmentYuan *float64
	NextActionAt           *string
	CreatedAt, UpdatedAt   string
	Enterprise             struct{ USCC string }
	TargetPark             *struct{ Code string }
	Chain                  *struct{ Code string }
	Products               []struct{ Code string }
	StageHistory           []struct {
		From   *string
		To, By string
		Note   *string
		At     string
	}
}

func (e *env) createLead(role auth.Role, in map[string]any) (leadResp, []gqlError) {
	e.t.Helper()
	var r struct{ CreateLead leadResp }
	errs := e.do(role, `mutation($in: CreateLeadInput!) { createLead(input: $in) { `+leadFields+` } }`, map[string]any{"in": in}, &r)
	return r.CreateLead, errs
}

func (e *env) moveLead(id, stage string, version int) (leadResp, []gqlError) {
	e.t.Helper()
	var r struct{ MoveLead leadResp }
	errs := e.do(auth.Staff, `mutation($id: ID!, $s: LeadStage!, $v: Int!) { moveLead(id: $id, stage: $s, expectedVersion: $v, note: "moved") { `+leadFields+` } }`,
		map[string]any{"id": id, "s": stage, "v": version}, &r)
	return r.MoveLead, errs
}

func wantCode(t *testing.T, errs []gqlError, code, field string) gqlError {
	t.Helper()
	if len(errs) != 1 || errs[0].Extensions["code"] != code || (field != "" && errs[0].Extensions["field"] != field) {
		t.Fatalf("errors %+v, want one %s on %q", errs, code, field)
	}
	return errs[0]
}

func TestLeadsAreForStaffOnly(t *testing.T) {
	e := leadEnv(t)
	x := e.firm(outsideFirm(t, 1, "苏州玻璃", []string{"PV-GLASS"}, nil))
	l, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, x)})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	missing := gid.Encode(gid.Lead, "0000")
	for _, c := range []struct {
		role auth.Role
		code string
	}{{auth.Partner, "FORBIDDEN"}, {auth.Anonymous, "UNAUTHENTICATED"}} {
		nodes, rels := e.counts()
		for name, q := range map[string]string{
			"leads":    `{ leads { totalCount } }`,
			"pipeline": `{ pipeline { conversionRate } }`,
			"impact":   `{ settlementImpact(enterpriseId: "` + gid.Encode(gid.Enterprise, x) + `", parkId: "` + gid.Encode(gid.Park, "XZ-PV") + `") { gaps { severityAfter } } }`,
			"existing": `{ node(id: "` + l.ID + `") { id } }`,
			"missing":  `{ node(id: "` + missing + `") { id } }`,
			"create":   `mutation { createLead(input: {enterpriseId: "` + gid.Encode(gid.Enterprise, x) + `"}) { id } }`,
			"move":     `mutation { moveLead(id: "` + l.ID + `", stage: CONTACTED, expectedVersion: 1) { id } }`,
			"log":      `mutation { logLeadActivity(leadId: "` + l.ID + `", input: {kind: CALL, note: "hi"}) { id } }`,
		} {
			var out map[string]any
			errs := e.do(c.role, q, nil, &out)
			if len(errs) != 1 || errs[0].Extensions["code"] != c.code {
				t.Errorf("%s as %s: %+v, want %s", name, c.role, errs, c.code)
			}
		}
		// The existing and the missing lead get the same answer, and nothing changed.
		if n, r := e.counts(); n != nodes || r != rels {
			t.Errorf("%s changed the graph: %d/%d nodes %d/%d rels", c.role, n, nodes, r, rels)
		}
	}
	// Staff resolve the lead by node(id:); an admin too.
	for _, role := range []auth.Role{auth.Staff, auth.Admin} {
		var r struct{ Node struct{ ID, Stage string } }
		e.ok(role, `query($id: ID!) { node(id: $id) { id ... on Lead { stage } } }`, map[string]any{"id": l.ID}, &r)
		if r.Node.ID != l.ID || r.Node.Stage != "IDENTIFIED" {
			t.Errorf("node as %s: %+v", role, r.Node)
		}
	}
}

func TestLeadLifecycle(t *testing.T) {
	e := leadEnv(t, true)
	x := e.firm(outsideFirm(t, 1, "苏州玻璃", []string{"PV-GLASS"}, nil))
	xid := gid.Encode(gid.Enterprise, x)
	next := "2026-12-01T16:30:00+08:00"
	l, errs := e.createLead(auth.Staff, map[string]any{
		"enterpriseId": xid, "targetParkId": gid.Encode(gid.Park, "XZ-PV"), "chainId": gid.Encode(gid.Chain, "PV"),
		"productIds":             []string{productID("PV-GLASS"), productID("PV-GLASS"), productID("PV-MODULE")},
		"expectedInvestmentYuan": 2.5e8, "nextActionAt": next,
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if l.Stage != "IDENTIFIED" || l.Owner != "STAFF" || l.Version != 1 || l.Enterprise.USCC != x ||
		l.TargetPark.Code != "XZ-PV" || l.Chain.Code != "PV" || len(l.Products) != 2 || l.Products[0].Code != "PV-GLASS" ||
		*l.ExpectedInvestmentYuan != 2.5e8 || *l.NextActionAt != "2026-12-01T08:30:00Z" ||
		len(l.StageHistory) != 1 || l.StageHistory[0].From != nil || l.StageHistory[0].To != "IDENTIFIED" || l.StageHistory[0].By != "STAFF" {
		t.Fatalf("created %+v", l)
	}

	// One open lead per enterprise.
	_, errs = e.createLead(auth.Admin, map[string]any{"enterpriseId": xid})
	if ge := wantCode(t, errs, "CONFLICT", "input.enterpriseId"); ge.Extensions["leadId"] != l.ID {
		t.Errorf("conflict names %v, want %s", ge.Extensions["leadId"], l.ID)
	}
	// Bad references change nothing.
	_, errs = e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, code(t, "320500", 99))})
	wantCode(t, errs, "NOT_FOUND", "input.enterpriseId")
	y := e.firm(outsideFirm(t, 2, "苏州电池", []string{"PV-CELL"}, nil))
	_, errs = e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, y), "productIds": []string{productID("NOPE")}})
	wantCode(t, errs, "NOT_FOUND", "input.productIds")
	_, errs = e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, y), "expectedInvestmentYuan": -1})
	wantCode(t, errs, "BAD_USER_INPUT", "input.expectedInvestmentYuan")
	var all struct{ Leads struct{ TotalCount int } }
	if e.ok(auth.Staff, `{ leads { totalCount } }`, nil, &all); all.Leads.TotalCount != 1 {
		t.Errorf("refused creations left %d leads", all.Leads.TotalCount)
	}

	// A stale version is CONFLICT with the current one, and changes nothing.
	const update = `mutation($id: ID!, $v: Int!, $in: UpdateLeadInput!) { updateLead(id: $id, expectedVersion: $v, input: $in) { ` + leadFields + ` } }`
	var u struct{ UpdateLead leadResp }
	errs = e.do(auth.Staff, update, map[string]any{"id": l.ID, "v": 7, "in": map[string]any{"owner": "王芳"}}, &u)
	if ge := wantCode(t, errs, "CONFLICT", "expectedVersion"); ge.Extensions["currentVersion"] != float64(1) {
		t.Errorf("currentVersion %v", ge.Extensions["currentVersion"])
	}
	e.ok(auth.Staff, update, map[string]any{"id": l.ID, "v": 1, "in": map[string]any{
		"owner": "王芳", "targetParkId": gid.Encode(gid.Park, "JX-ETDZ"), "productIds": []string{productID("PV-GLASS")},
		"clear": []string{"NEXT_ACTION", "CHAIN"}}}, &u)
	if g := u.UpdateLead; g.Owner != "王芳" || g.Version != 2 || g.TargetPark.Code != "JX-ETDZ" || len(g.Products) != 1 ||
		g.NextActionAt != nil || g.Chain != nil || *g.ExpectedInvestmentYuan != 2.5e8 || g.Stage != "IDENTIFIED" {
		t.Errorf("updated %+v", g)
	}

	// Stage rules: forward by two, not back, not to SETTLED.
	m, errs := e.moveLead(l.ID, "VISITED", 2)
	if len(errs) > 0 || m.Stage != "VISITED" || m.Version != 3 || len(m.StageHistory) != 2 ||
		*m.StageHistory[1].From != "IDENTIFIED" || *m.StageHistory[1].Note != "moved" {
		t.Fatalf("move: %+v %+v", m, errs)
	}
	for _, to := range []string{"CONTACTED", "VISITED", "SETTLED", "IDENTIFIED"} {
		_, errs = e.moveLead(l.ID, to, 3)
		wantCode(t, errs, "BAD_USER_INPUT", "stage")
	}
	// Activities: newest first, each one a new version.
	const logQ = `mutation($id: ID!, $in: LeadActivityInput!) { logLeadActivity(leadId: $id, input: $in) { id kind at note author } }`
	for i, a := range []map[string]any{
		{"kind": "CALL", "note": "first call", "at": "2026-11-01T09:00:00Z"},
		{"kind": "VISIT", "note": "site visit", "at": "2026-11-20T09:00:00+08:00"},
	} {
		var r struct {
			LogLeadActivity struct{ ID, Kind, At, Note, Author string }
		}
		e.ok(auth.Staff, logQ, map[string]any{"id": l.ID, "in": a}, &r)
		if r.LogLeadActivity.Author != "STAFF" || r.LogLeadActivity.Kind != a["kind"] {
			t.Errorf("activity %d: %+v", i, r.LogLeadActivity)
		}
	}
	errs = e.do(auth.Staff, logQ, map[string]any{"id": l.ID, "in": map[string]any{"kind": "NOTE", "note": "  "}}, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "input.note")
	var got struct {
		Node struct {
			Version    int
			Activities struct {
				Edges []struct {
					Node struct{ Kind, At, Note string }
				}
				PageInfo struct{ HasNextPage bool }
			}
		}
	}
	e.ok(auth.Staff, `query($id: ID!) { node(id: $id) { ... on Lead { version activities(first: 1) { edges { node { kind at note } } pageInfo { hasNextPage } } } } }`,
		map[string]any{"id": l.ID}, &got)
	if got.Node.Version != 5 || len(got.Node.Activities.Edges) != 1 || got.Node.Activities.Edges[0].Node.Kind != "VISIT" ||
		got.Node.Activities.Edges[0].Node.At != "2026-11-20T01:00:00Z" || !got.Node.Activities.PageInfo.HasNextPage {
		t.Errorf("activities %+v", got.Node)
	}

	// LOST closes the lead (a new one may open), reopening then conflicts.
	m, errs = e.moveLead(l.ID, "LOST", 5)
	if len(errs) > 0 || m.Stage != "LOST" {
		t.Fatalf("lost: %+v", errs)
	}
	second, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": xid})
	if len(errs) > 0 {
		t.Fatalf("new lead after LOST: %+v", errs)
	}
	_, errs = e.moveLead(l.ID, "IDENTIFIED", 6)
	wantCode(t, errs, "CONFLICT", "")
	_, errs = e.moveLead(second.ID, "LOST", 1)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m, errs = e.moveLead(l.ID, "IDENTIFIED", 6)
	if len(errs) > 0 || m.Stage != "IDENTIFIED" || m.Version != 7 || len(m.StageHistory) != 4 {
		t.Fatalf("reopen: %+v %+v", m, errs)
	}

	// Every change is in the audit trail.
	var audit struct {
		AuditLog struct {
			Edges []struct {
				Node struct {
					Field string
					OK    bool `json:"ok"`
				}
			}
		}
	}
	e.ok(auth.Admin, `{ auditLog(first: 100) { edges { node { field ok } } } }`, nil, &audit)
	fields := map[string]int{}
	for _, ed := range audit.AuditLog.Edges {
		if ed.Node.OK {
			fields[ed.Node.Field]++
		}
	}
	if fields["createLead"] != 2 || fields["updateLead"] != 1 || fields["moveLead"] != 4 || fields["logLeadActivity"] != 2 {
		t.Errorf("audit %v", fields)
	}
}

func TestLeadsConnectionFiltersAndPages(t *testing.T) {
	e := leadEnv(t)
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	now := base
	svc := e.res.Leads.WithClock(func() time.Time { return now })
	e.res.Leads = svc
	staff := auth.WithPrincipal(context.Background(), auth.Principal{ID: "k1", Name: "李雷", Role: auth.Staff})
	ids := make([]string, 7)
	for i := range ids {
		x := e.firm(outsideFirm(t, uint64(10+i), fmt.Sprintf("外地企业 %d", i), []string{"PV-GLASS"}, nil))
		in := lead.CreateInput{EnterpriseID: gid.Encode(gid.Enterprise, x)}
		if i%2 == 0 {
			in.TargetParkID, in.ChainID = ptr(gid.Encode(gid.Park, "XZ-PV")), ptr(gid.Encode(gid.Chain, "PV"))
		} else {
			in.TargetParkID = ptr(gid.Encode(gid.Park, "JX-ETDZ"))
		}
		if i < 3 {
			// Due two days and a day ago (overdue; the second is then LOST),
			// and tomorrow.
			in.NextActionAt = ptr(base.Add(time.Duration([]int{-2, -1, 1}[i]) * 24 * time.Hour))
		}
		if i == 6 {
			in.Owner = ptr("韩梅梅")
		}
		l, err := svc.Create(staff, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = gid.Encode(gid.Lead, l.ID)
		now = now.Add(time.Minute)
	}
	if _, err := svc.Move(staff, ids[1], lead.Lost, 1, nil); err != nil { // closed: no longer overdue
		t.Fatal(err)
	}
	const q = `query($f: LeadFilter, $first: Int, $after: String) { leads(filter: $f, first: $first, after: $after) {
	  totalCount edges { cursor node { id owner } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
	type page struct {
		Leads struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ ID, Owner string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    *string
			}
		}
	}
	idsOf := func(p page) []string {
		var out []string
		for _, ed := range p.Leads.Edges {
			out = append(out, ed.Node.ID)
		}
		return out
	}
	for name, c := range map[string]struct {
		f    map[string]any
		want []int // newest first
	}{
		"all":         {nil, []int{6, 5, 4, 3, 2, 1, 0}},
		"stage":       {map[string]any{"stage": []string{"LOST"}}, []int{1}},
		"open stages": {map[string]any{"stage": []string{"IDENTIFIED", "CONTACTED"}}, []int{6, 5, 4, 3, 2, 0}},
		"owner":       {map[string]any{"owner": "韩梅梅"}, []int{6}},
		"chain":       {map[string]any{"chainId": gid.Encode(gid.Chain, "PV")}, []int{6, 4, 2, 0}},
		"district":    {map[string]any{"districtCode": "330402"}, []int{5, 3, 1}},
		"park":        {map[string]any{"parkId": gid.Encode(gid.Park, "XZ-PV"), "owner": "李雷"}, []int{4, 2, 0}},
		"overdue":     {map[string]any{"nextActionOverdue": true}, []int{0}},
		"not overdue": {map[string]any{"nextActionOverdue": false}, []int{6, 5, 4, 3, 2, 1}},
	} {
		var p page
		e.ok(auth.Staff, q, map[string]any{"f": c.f}, &p)
		got := idsOf(p)
		want := []string{}
		for _, i := range c.want {
			want = append(want, ids[i])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || p.Leads.TotalCount != len(want) {
			t.Errorf("%s: %d leads %v, want %v", name, p.Leads.TotalCount, got, want)
		}
	}
	// Paging by 3 walks all seven once, in order.
	var walked []string
	var after any
	for i := 0; i < 3; i++ {
		var p page
		e.ok(auth.Staff, q, map[string]any{"first": 3, "after": after}, &p)
		walked = append(walked, idsOf(p)...)
		if p.Leads.TotalCount != 7 || p.Leads.PageInfo.HasNextPage != (i < 2) || p.Leads.PageInfo.HasPreviousPage != (i > 0) {
			t.Errorf("page %d: %+v", i, p.Leads.PageInfo)
		}
		after = *p.Leads.PageInfo.EndCursor
	}
	if fmt.Sprint(walked) != fmt.Sprint([]string{ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}) {
		t.Errorf("walked %v", walked)
	}
	errs := e.do(auth.Staff, q, map[string]any{"after": "nope!"}, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "after")
	errs = e.do(auth.Staff, q, map[string]any{"first": 101}, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "first")
}

// Two staff members move the same lead at the same time with the same
// expectedVersion: exactly one wins, the other gets CONFLICT naming the
// winner's version, and the history has one change per round.
func TestConcurrentMovesOneWins(t *testing.T) {
	e := leadEnv(t)
	x := e.firm(outsideFirm(t, 1, "苏州玻璃", []string{"PV-GLASS"}, nil))
	staff := func(name string) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{ID: name, Name: name, Role: auth.Staff})
	}
	l, err := e.res.Leads.Create(staff("a"), lead.CreateInput{EnterpriseID: gid.Encode(gid.Enterprise, x)})
	if err != nil {
		t.Fatal(err)
	}
	id := gid.Encode(gid.Lead, l.ID)
	version := 1
	// Each round: two moves from the same version to different stages.
	rounds := [][2]lead.Stage{{lead.Contacted, lead.Visited}, {lead.Negotiating, lead.Lost}}
	for r, targets := range rounds {
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = e.res.Leads.Move(staff(fmt.Sprintf("s%d", i)), id, targets[i], version, nil)
			}()
		}
		close(start)
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range results {
			var ae *apperr.Error
			switch {
			case err == nil:
				wins++
			case errors.As(err, &ae) && ae.Code == apperr.Conflict && ae.Extensions["currentVersion"] == version+1:
				conflicts++
			default:
				t.Errorf("round %d: %v", r, err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d wins, %d conflicts (%v)", r, wins, conflicts, results)
		}
		version++
	}
	h, err := e.res.Leads.History(staff("a"), l.ID)
	if err != nil || len(h) != 3 || h[2].Version != 3 {
		t.Fatalf("history %+v %v", h, err)
	}
}

// Settling a lead makes its firm local at once, and everything the what-if
// predicted is then what chainGaps, incentivesFor, cultivationProgress and
// supplierMatches answer.
func TestSettleLeadClosesTheGapAsTheWhatIfSaid(t *testing.T) {
	e := leadEnv(t)
	a := localFirm(t, 1, "嘉兴组件", "330411", []string{"PV-MODULE"}, []string{"PV-GLASS", "PV-CELL"})
	a.Designations = []enterprise.DesignationGrant{{Designation: enterprise.NationalLittleGiant, Year: 2020}}
	A := e.firm(a)
	B := e.firm(localFirm(t, 2, "南湖组件", "330402", nil, []string{"PV-GLASS"}))
	e.firm(localFirm(t, 3, "秀洲玻璃", "330411", []string{"PV-GLASS"}, nil))
	D := e.firm(localFirm(t, 4, "嘉兴电池", "330411", []string{"PV-CELL"}, nil))
	x := outsideFirm(t, 5, "苏州光伏玻璃", []string{"PV-GLASS"}, []string{"PV-CELL"})
	x.Designations = []enterprise.DesignationGrant{{Designation: enterprise.NationalLittleGiant, Year: 2021}, {Designation: enterprise.ProvincialSRDI, Year: 2019}}
	X := e.firm(x)
	xid := gid.Encode(gid.Enterprise, X)
	// X already supplies B: B gains no new supplier.
	if _, err := e.res.Enterprises.AddSupply(e.admin, enterprise.SupplyInput{SupplierID: xid, CustomerID: gid.Encode(gid.Enterprise, B)}); err != nil {
		t.Fatal(err)
	}

	type gap struct {
		Product     struct{ Code string }
		Severity    float64
		LocalSupply int
	}
	type incentive struct {
		Incentive struct{ ID string }
		Eligible  bool
		Reason    string
	}
	var live struct {
		ChainGaps           []gap
		IncentivesFor       []incentive
		CultivationProgress struct{ NationalLittleGiants, ProvincialSRDI int }
		Enterprise          struct {
			IsLocal  bool
			District *struct{ Code string }
			Park     *struct{ Code string }
			Location *struct{ Latitude, Longitude float64 }
		}
		SupplierMatches []struct{ Candidate struct{ USCC string } }
	}
	const liveQ = `query($chain: ID!, $x: ID!, $a: ID!, $glass: ID!) {
	  chainGaps(chainId: $chain) { product { code } severity localSupply }
	  incentivesFor(enterpriseId: $x) { incentive { id } eligible reason }
	  cultivationProgress { nationalLittleGiants provincialSRDI }
	  enterprise(id: $x) { isLocal district { code } park { code } location { latitude longitude } }
	  supplierMatches(input: {enterpriseId: $a, productIds: [$glass]}) { candidate { uscc } } }`
	liveVars := map[string]any{"chain": gid.Encode(gid.Chain, "PV"), "x": xid, "a": gid.Encode(gid.Enterprise, A), "glass": productID("PV-GLASS")}
	glass := func() gap {
		for _, g := range live.ChainGaps {
			if g.Product.Code == "PV-GLASS" {
				return g
			}
		}
		t.Fatalf("no PV-GLASS gap in %+v", live.ChainGaps)
		return gap{}
	}
	e.ok(auth.Staff, liveQ, liveVars, &live)
	before := glass()
	if before.Severity != 2.0/3 || before.LocalSupply != 1 || live.Enterprise.IsLocal || live.CultivationProgress.NationalLittleGiants != 1 {
		t.Fatalf("before: %+v %+v", before, live)
	}
	for _, m := range live.SupplierMatches {
		if m.Candidate.USCC == X {
			t.Fatal("X is a local supplier before it settles")
		}
	}

	// The what-if writes nothing.
	nodes, rels := e.counts()
	var wi struct {
		SettlementImpact struct {
			Enterprise struct{ USCC string }
			Park       struct{ Code string }
			Gaps       []struct {
				Product                             struct{ Code string }
				SeverityBefore, SeverityAfter       float64
				LocalSupplyBefore, LocalSupplyAfter int
			}
			NewSupplierFor, NewCustomerFor []struct{ USCC string }
			Incentives                     []incentive
			NationalLittleGiantsAfter      int
			ProvincialSRDIAfter            int
		}
	}
	e.ok(auth.Staff, `query($x: ID!, $p: ID!) { settlementImpact(enterpriseId: $x, parkId: $p) {
	  enterprise { uscc } park { code }
	  gaps { product { code } severityBefore severityAfter localSupplyBefore localSupplyAfter }
	  newSupplierFor { uscc } newCustomerFor { uscc }
	  incentives { incentive { id } eligible reason }
	  nationalLittleGiantsAfter provincialSRDIAfter } }`, map[string]any{"x": xid, "p": gid.Encode(gid.Park, "XZ-PV")}, &wi)
	im := wi.SettlementImpact
	if n, r := e.counts(); n != nodes || r != rels {
		t.Fatalf("the what-if wrote: %d/%d nodes, %d/%d rels", n, nodes, r, rels)
	}
	if im.Enterprise.USCC != X || im.Park.Code != "XZ-PV" || len(im.Gaps) != 1 || im.Gaps[0].Product.Code != "PV-GLASS" ||
		im.Gaps[0].SeverityBefore != before.Severity || im.Gaps[0].SeverityAfter != 0.5 ||
		im.Gaps[0].LocalSupplyBefore != 1 || im.Gaps[0].LocalSupplyAfter != 2 ||
		len(im.NewSupplierFor) != 1 || im.NewSupplierFor[0].USCC != A || len(im.NewCustomerFor) != 1 || im.NewCustomerFor[0].USCC != D ||
		im.NationalLittleGiantsAfter != 2 || im.ProvincialSRDIAfter != 1 {
		t.Fatalf("what-if %+v", im)
	}
	eligible := 0
	for _, in := range im.Incentives {
		if in.Eligible {
			eligible++
		}
	}
	if eligible != 1 {
		t.Errorf("what-if incentives %+v", im.Incentives)
	}

	// The lead goes to SIGNED, then settles.
	l, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": xid, "productIds": []string{productID("PV-GLASS")}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const settle = `mutation($id: ID!, $v: Int!, $p: ID!) { settleLead(id: $id, expectedVersion: $v, parkId: $p) { ` + leadFields + ` } }`
	park := gid.Encode(gid.Park, "XZ-PV")
	wantCode(t, e.do(auth.Staff, settle, map[string]any{"id": l.ID, "v": 1, "p": park}, nil), "BAD_USER_INPUT", "id")
	if _, errs := e.moveLead(l.ID, "SIGNED", 1); len(errs) > 0 {
		t.Fatal(errs)
	}
	nodes, rels = e.counts()
	wantCode(t, e.do(auth.Staff, settle, map[string]any{"id": l.ID, "v": 1, "p": park}, nil), "CONFLICT", "expectedVersion")
	wantCode(t, e.do(auth.Staff, settle, map[string]any{"id": l.ID, "v": 2, "p": gid.Encode(gid.Park, "NOPE")}, nil), "NOT_FOUND", "parkId")
	wantCode(t, e.do(auth.Partner, settle, map[string]any{"id": l.ID, "v": 2, "p": park}, nil), "FORBIDDEN", "")
	if n, r := e.counts(); n != nodes || r != rels {
		t.Fatalf("refused settlements wrote")
	}
	var s struct{ SettleLead leadResp }
	e.ok(auth.Staff, settle, map[string]any{"id": l.ID, "v": 2, "p": park}, &s)
	if s.SettleLead.Stage != "SETTLED" || s.SettleLead.Version != 3 || s.SettleLead.TargetPark.Code != "XZ-PV" ||
		len(s.SettleLead.StageHistory) != 3 || *s.SettleLead.StageHistory[2].From != "SIGNED" {
		t.Fatalf("settled %+v", s.SettleLead)
	}

	// Now the live operations answer what the what-if said.
	e.ok(auth.Staff, liveQ, liveVars, &live)
	after := glass()
	if after.Severity != im.Gaps[0].SeverityAfter || after.LocalSupply != im.Gaps[0].LocalSupplyAfter || after.Severity >= before.Severity {
		t.Errorf("gap after settling %+v, what-if %+v", after, im.Gaps[0])
	}
	if fmt.Sprint(live.IncentivesFor) != fmt.Sprint(im.Incentives) {
		t.Errorf("incentives after settling %+v, what-if %+v", live.IncentivesFor, im.Incentives)
	}
	if live.CultivationProgress.NationalLittleGiants != im.NationalLittleGiantsAfter || live.CultivationProgress.ProvincialSRDI != im.ProvincialSRDIAfter {
		t.Errorf("cultivation after %+v, what-if %d/%d", live.CultivationProgress, im.NationalLittleGiantsAfter, im.ProvincialSRDIAfter)
	}
	if en := live.Enterprise; !en.IsLocal || en.District.Code != "330411" || en.Park.Code != "XZ-PV" ||
		en.Location == nil || en.Location.Latitude != 30.77 || en.Location.Longitude != 120.70 {
		t.Errorf("enterprise after settling %+v", en)
	}
	found := false
	for _, m := range live.SupplierMatches {
		found = found || m.Candidate.USCC == X
	}
	if !found {
		t.Errorf("X is not a local supplier for A (newSupplierFor) after settling: %+v", live.SupplierMatches)
	}
	// A settled lead is closed: the firm may get a new lead, this one moves no more.
	wantCode(t, e.do(auth.Staff, settle, map[string]any{"id": l.ID, "v": 3, "p": park}, nil), "BAD_USER_INPUT", "id")
	_, errs = e.moveLead(l.ID, "LOST", 3)
	wantCode(t, errs, "BAD_USER_INPUT", "stage")
}

// The pipeline of four leads with a known history (the figures worked out
// by hand in the comments).
func TestPipelineFigures(t *testing.T) {
	e := leadEnv(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	svc := e.res.Leads.WithClock(func() time.Time { return now })
	e.res.Leads = svc
	staff := auth.WithPrincipal(context.Background(), auth.Principal{ID: "k", Name: "李雷", Role: auth.Staff})
	at := func(days int) { now = t0.Add(time.Duration(days) * 24 * time.Hour) }
	newLead := func(serial uint64, chainCode, park string) (string, int) {
		x := e.firm(outsideFirm(t, serial, fmt.Sprintf("外地 %d", serial), []string{"PV-GLASS"}, nil))
		in := lead.CreateInput{EnterpriseID: gid.Encode(gid.Enterprise, x)}
		if chainCode != "" {
			in.ChainID = ptr(gid.Encode(gid.Chain, chainCode))
		}
		if park != "" {
			in.TargetParkID = ptr(gid.Encode(gid.Park, park))
		}
		at(0)
		l, err := svc.Create(staff, in)
		if err != nil {
			t.Fatal(err)
		}
		return gid.Encode(gid.Lead, l.ID), 1
	}
	move := func(id string, v *int, day int, to lead.Stage) {
		t.Helper()
		at(day)
		if _, err := svc.Move(staff, id, to, *v, nil); err != nil {
			t.Fatal(err)
		}
		*v++
	}
	// L1 PV, Xiuzhou: IDENTIFIED 2 days, CONTACTED 4, VISITED 4, SIGNED 1, SETTLED.
	l1, v1 := newLead(1, "PV", "XZ-PV")
	move(l1, &v1, 2, lead.Contacted)
	move(l1, &v1, 6, lead.Visited)
	move(l1, &v1, 10, lead.Signed)
	at(11)
	if _, err := svc.Settle(staff, l1, v1, gid.Encode(gid.Park, "XZ-PV")); err != nil {
		t.Fatal(err)
	}
	// L2 PV, Nanhu: IDENTIFIED 4 days, CONTACTED 1, LOST.
	l2, v2 := newLead(2, "PV", "JX-ETDZ")
	move(l2, &v2, 4, lead.Contacted)
	move(l2, &v2, 5, lead.Lost)
	// L3 FIBRE, Xiuzhou: still IDENTIFIED.
	newLead(3, "FIBRE", "XZ-PV")
	// L4 no chain, no park: IDENTIFIED 1 day, LOST 2 days, IDENTIFIED again.
	l4, v4 := newLead(4, "", "")
	move(l4, &v4, 1, lead.Lost)
	move(l4, &v4, 3, lead.Identified)

	type counts []struct {
		Stage string
		Count int
	}
	var r struct {
		Pipeline struct {
			ByStage counts
			ByChain []struct {
				Chain   struct{ Code string }
				ByStage counts
			}
			MedianDaysInStage []struct {
				Stage string
				Days  *float64
			}
			ConversionRate float64
		}
	}
	const q = `query($c: ID, $d: String) { pipeline(chainId: $c, districtCode: $d) {
	  byStage { stage count } byChain { chain { code } byStage { stage count } }
	  medianDaysInStage { stage days } conversionRate } }`
	str := func(c counts) string {
		s := ""
		for _, x := range c {
			s += fmt.Sprintf("%s:%d ", x.Stage, x.Count)
		}
		return s
	}
	e.ok(auth.Staff, q, nil, &r)
	p := r.Pipeline
	if got := str(p.ByStage); got != "IDENTIFIED:2 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:1 LOST:1 " {
		t.Errorf("byStage %s", got)
	}
	if len(p.ByChain) != 2 || p.ByChain[0].Chain.Code != "FIBRE" || str(p.ByChain[0].ByStage) != "IDENTIFIED:1 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:0 LOST:0 " ||
		p.ByChain[1].Chain.Code != "PV" || str(p.ByChain[1].ByStage) != "IDENTIFIED:0 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:1 LOST:1 " {
		t.Errorf("byChain %+v", p.ByChain)
	}
	// IDENTIFIED: 2, 4, 1 -> 2; CONTACTED: 4, 1 -> 2.5; VISITED 4; NEGOTIATING none;
	// SIGNED 1; SETTLED none; LOST 2 (L2 is still LOST).
	days := ""
	for _, d := range p.MedianDaysInStage {
		if d.Days == nil {
			days += d.Stage + ":- "
		} else {
			days += fmt.Sprintf("%s:%g ", d.Stage, *d.Days)
		}
	}
	if days != "IDENTIFIED:2 CONTACTED:2.5 VISITED:4 NEGOTIATING:- SIGNED:1 SETTLED:- LOST:2 " {
		t.Errorf("median days %s", days)
	}
	// One SETTLED of three that left IDENTIFIED (L1, L2, L4).
	if p.ConversionRate != 1.0/3 {
		t.Errorf("conversion %v", p.ConversionRate)
	}
	// PV only: L1 and L2, both left IDENTIFIED, one settled.
	e.ok(auth.Staff, q, map[string]any{"c": gid.Encode(gid.Chain, "PV")}, &r)
	if str(r.Pipeline.ByStage) != "IDENTIFIED:0 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:1 LOST:1 " || r.Pipeline.ConversionRate != 0.5 {
		t.Errorf("PV %+v", r.Pipeline)
	}
	// Xiuzhou (target park's district): L1 and L3; one left IDENTIFIED and settled.
	e.ok(auth.Staff, q, map[string]any{"d": "330411"}, &r)
	if str(r.Pipeline.ByStage) != "IDENTIFIED:1 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:1 LOST:0 " || r.Pipeline.ConversionRate != 1 {
		t.Errorf("Xiuzhou %+v", r.Pipeline)
	}
	// Both filters, nothing matches: every stage still listed, rate 0.
	e.ok(auth.Staff, q, map[string]any{"c": gid.Encode(gid.Chain, "FIBRE"), "d": "330402"}, &r)
	if str(r.Pipeline.ByStage) != "IDENTIFIED:0 CONTACTED:0 VISITED:0 NEGOTIATING:0 SIGNED:0 SETTLED:0 LOST:0 " || r.Pipeline.ConversionRate != 0 || len(r.Pipeline.ByChain) != 0 {
		t.Errorf("empty %+v", r.Pipeline)
	}
}

// A page of leads with their firms, parks, chains, products and stage
// histories costs the same number of statements for 2 leads as for 8.
func TestLeadsPageCostsConstantRoundTrips(t *testing.T) {
	e := leadEnv(t)
	const q = `{ leads(first: 20) { totalCount edges { node { id stage owner version
	  enterprise { name } targetPark { name } chain { name } products { name } stageHistory { from to by } } } } }`
	trips := func(n int) int64 {
		t.Helper()
		var r struct{ Leads struct{ TotalCount int } }
		e.ok(auth.Staff, q, nil, &r)
		if r.Leads.TotalCount != n {
			t.Fatalf("%d leads, want %d", r.Leads.TotalCount, n)
		}
		return e.trips.Load()
	}
	add := func(from, to int) {
		for i := from; i < to; i++ {
			x := e.firm(outsideFirm(t, uint64(100+i), fmt.Sprintf("外地 %d", i), []string{"PV-GLASS"}, nil))
			l, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, x),
				"targetParkId": gid.Encode(gid.Park, "XZ-PV"), "chainId": gid.Encode(gid.Chain, "PV"),
				"productIds": []string{productID("PV-GLASS"), productID("PV-MODULE")}})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if _, errs := e.moveLead(l.ID, "CONTACTED", 1); len(errs) > 0 {
				t.Fatal(errs)
			}
		}
	}
	add(0, 2)
	few := trips(2)
	add(2, 8)
	if many := trips(8); many != few {
		t.Errorf("2 leads: %d statements, 8 leads: %d", few, many)
	}
	t.Logf("a page of leads with nested fields: %d statements", few)
}

// Lead.activities selected across a page of leads is read for the whole
// page with one statement (primed by the leads resolver), and each lead
// still gets its own newest-first page with its own hasNextPage.
func TestLeadActivitiesAcrossAPageCostOneStatement(t *testing.T) {
	e := leadEnv(t)
	const q = `{ leads(first: 20) { totalCount edges { node { id
	  activities(first: 2) { edges { node { kind note } } pageInfo { hasNextPage } } } } } }`
	const logQ = `mutation($id: ID!, $in: LeadActivityInput!) { logLeadActivity(leadId: $id, input: $in) { id } }`
	type page struct {
		Leads struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID         string
					Activities struct {
						Edges []struct {
							Node struct{ Kind, Note string }
						}
						PageInfo struct{ HasNextPage bool }
					}
				}
			}
		}
	}
	notes := map[string]int{} // lead id -> activities logged
	trips := func(n int) (int64, page) {
		t.Helper()
		var r page
		e.trips.Store(0)
		e.ok(auth.Staff, q, nil, &r)
		if r.Leads.TotalCount != n {
			t.Fatalf("%d leads, want %d", r.Leads.TotalCount, n)
		}
		return e.trips.Load(), r
	}
	add := func(from, to int) {
		for i := from; i < to; i++ {
			x := e.firm(outsideFirm(t, uint64(100+i), fmt.Sprintf("外地 %d", i), []string{"PV-GLASS"}, nil))
			l, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, x)})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			// Lead i gets i%4 activities: none, one, two (a full page), three (a next page).
			for k := 0; k < i%4; k++ {
				at := fmt.Sprintf("2026-11-%02dT09:00:00Z", 1+k)
				e.ok(auth.Staff, logQ, map[string]any{"id": l.ID, "in": map[string]any{"kind": "CALL", "note": fmt.Sprintf("%d-%d", i, k), "at": at}}, nil)
			}
			notes[l.ID] = i % 4
		}
	}
	add(0, 2)
	few, _ := trips(2)
	add(2, 8)
	many, r := trips(8)
	if many != few {
		t.Errorf("activities of 2 leads: %d statements, of 8 leads: %d", few, many)
	}
	for _, edge := range r.Leads.Edges {
		n, acts := notes[edge.Node.ID], edge.Node.Activities
		want := min(n, 2)
		if len(acts.Edges) != want || acts.PageInfo.HasNextPage != (n > 2) {
			t.Errorf("lead with %d activities: got %d, hasNextPage %v", n, len(acts.Edges), acts.PageInfo.HasNextPage)
			continue
		}
		// Newest first: the last logged (latest at) comes first.
		if want > 0 && acts.Edges[0].Node.Note[len(acts.Edges[0].Node.Note)-1] != byte('0'+n-1) {
			t.Errorf("lead with %d activities: first is %q, want the newest", n, acts.Edges[0].Node.Note)
		}
	}
	// Without activities selected, the page costs fewer statements: the
	// activities are one statement, not one per lead.
	var bare struct{ Leads struct{ TotalCount int } }
	e.trips.Store(0)
	e.ok(auth.Staff, `{ leads(first: 20) { totalCount edges { node { id } } } }`, nil, &bare)
	if without := e.trips.Load(); many != without+1 {
		t.Errorf("activities across 8 leads cost %d statements more, want 1", many-without)
	}
	t.Logf("a page of leads with their activities: %d statements for 2 leads, %d for 8", few, many)
}

// deleteEnterprise refuses a firm that has a lead, open or closed (CONFLICT
// on id, nothing deleted): staff learn which lead, partners only that staff
// records refer to the firm. A firm without leads is deleted as before.
func TestDeleteEnterpriseWithLeadsIsRefused(t *testing.T) {
	e := leadEnv(t)
	const del = `mutation($id: ID!) { deleteEnterprise(id: $id) }`
	// Owned by the test partner, so that the partner may delete it.
	partner := auth.WithPrincipal(context.Background(), auth.Principal{ID: "test-PARTNER", Name: "PARTNER", Role: auth.Partner})
	owned, err := e.res.Enterprises.Upsert(partner, outsideFirm(t, 1, "苏州玻璃", []string{"PV-GLASS"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	x := gid.Encode(gid.Enterprise, owned.USCC)
	l, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": x})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	still := func() {
		t.Helper()
		var r struct {
			Node struct {
				Stage      string
				Enterprise struct{ Uscc string }
			}
		}
		e.ok(auth.Staff, `query($id: ID!) { node(id: $id) { ... on Lead { stage enterprise { uscc } } } }`, map[string]any{"id": l.ID}, &r)
		if r.Node.Enterprise.Uscc != owned.USCC {
			t.Fatalf("the lead lost its firm: %+v", r.Node)
		}
	}
	// Staff: CONFLICT naming the lead.
	got := wantCode(t, e.do(auth.Staff, del, map[string]any{"id": x}, nil), "CONFLICT", "id")
	if got.Extensions["leadId"] != l.ID {
		t.Errorf("staff: extensions %+v, want leadId %s", got.Extensions, l.ID)
	}
	still()
	// The owning partner: CONFLICT that says nothing of leads.
	got = wantCode(t, e.do(auth.Partner, del, map[string]any{"id": x}, nil), "CONFLICT", "id")
	if _, ok := got.Extensions["leadId"]; ok || strings.Contains(strings.ToLower(got.Message), "lead") {
		t.Errorf("partner learns of the lead: %+v", got)
	}
	still()
	// A closed (LOST) lead still needs its firm.
	if _, errs := e.moveLead(l.ID, "LOST", 1); len(errs) > 0 {
		t.Fatal(errs)
	}
	wantCode(t, e.do(auth.Admin, del, map[string]any{"id": x}, nil), "CONFLICT", "id")
	still()
	// A firm without leads goes.
	y := e.firm(outsideFirm(t, 2, "无锡玻璃", []string{"PV-GLASS"}, nil))
	var d struct{ DeleteEnterprise bool }
	e.ok(auth.Staff, del, map[string]any{"id": gid.Encode(gid.Enterprise, y)}, &d)
	if !d.DeleteEnterprise {
		t.Error("a firm without leads was not deleted")
	}
}

// A DateTime that is not RFC 3339 is BAD_USER_INPUT on its input field.
func TestBadDateTimeIsBadUserInput(t *testing.T) {
	e := leadEnv(t)
	x := e.firm(outsideFirm(t, 1, "苏州玻璃", []string{"PV-GLASS"}, nil))
	for _, v := range []any{"tomorrow", "2026-12-01 08:30", 20261201} {
		_, errs := e.createLead(auth.Staff, map[string]any{"enterpriseId": gid.Encode(gid.Enterprise, x), "nextActionAt": v})
		wantCode(t, errs, "BAD_USER_INPUT", "input.nextActionAt")
	}
	var r struct{ Leads struct{ TotalCount int } }
	if e.ok(auth.Staff, `{ leads { totalCount } }`, nil, &r); r.Leads.TotalCount != 0 {
		t.Errorf("a refused lead was written")
	}
}
