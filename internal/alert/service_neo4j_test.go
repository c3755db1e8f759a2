package alert_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// fixture is the match fixture with the services over it.
type fixture struct {
	store   *neo4jstore.Store
	matches *match.Service
	firms   *enterprise.Service
	svc     *alert.Service
	seq     int64
}

func setup(t *testing.T) *fixture {
	t.Helper()
	s := neo4jtest.Open(t)
	matchtest.Load(t, s)
	m, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: s, matches: m, firms: enterprise.NewService(s), svc: alert.NewService(s, m)}
}

func as(id string, role auth.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{ID: id, Name: id, Role: role})
}

var (
	partnerA = as("partner-a", auth.Partner)
	partnerB = as("partner-b", auth.Partner)
	staff    = as("staff-1", auth.Staff)
	admin    = as("admin", auth.Admin)
)

func eid(u string) string { return gid.Encode(gid.Enterprise, u) }
func pid(c string) string { return gid.Encode(gid.Product, c) }
func ptr[T any](v T) *T   { return &v }

// glassSearch is a supplier search of the fixture's asker for PV glass,
// local firms only.
func glassSearch(minScore float64) alert.SaveInput {
	return alert.SaveInput{Name: "本地光伏玻璃", Kind: alert.Supplier, EnterpriseID: eid(matchtest.Asker),
		ProductIDs: []string{pid("GLASS")}, MinScore: &minScore}
}

// upsert writes a firm through the enterprise service, as a client would.
func (f *fixture) upsert(t *testing.T, in enterprise.Input) {
	t.Helper()
	if _, err := f.firms.Upsert(admin, in); err != nil {
		t.Fatalf("upsert %s: %v", in.USCC, err)
	}
}

// change is the change-log entry the write would have appended.
func (f *fixture) change(kind string, firms ...string) alert.Change {
	f.seq++
	return alert.Change{ID: "ev-" + time.Now().Format("150405.000000"), Seq: f.seq, Kind: kind,
		EntityID: eid(firms[0]), Firms: firms, At: time.Now().UTC().Truncate(time.Millisecond)}
}

func newGlassMaker(t *testing.T, serial uint64, local bool) enterprise.Input {
	t.Helper()
	u, err := uscc.Make("330411", serial)
	if err != nil {
		t.Fatal(err)
	}
	in := enterprise.Input{USCC: u, Name: "嘉兴新玻璃有限公司", IsLocal: local,
		Location: &geo.Point{Latitude: matchtest.Base.Lat + 0.01, Longitude: matchtest.Base.Lon},
		Products: []enterprise.OfferInput{{ProductID: pid("GLASS"), AnnualCapacity: ptr(150.0), Unit: ptr("t")}}}
	if local {
		in.DistrictCode = ptr("330411")
	} else {
		in.HomeCity = ptr("Hefei")
	}
	return in
}

func code(err error) (apperr.Code, string) {
	if e, ok := apperr.As(err); ok {
		return e.Code, e.Field
	}
	return apperr.CodeOf(err), ""
}

func TestSaveRejectsBadInputAndWritesNothing(t *testing.T) {
	f := setup(t)
	bad := func(mut func(*alert.SaveInput)) alert.SaveInput {
		in := glassSearch(0.5)
		mut(&in)
		return in
	}
	cases := []struct {
		name  string
		in    alert.SaveInput
		field string
	}{
		{"empty name", bad(func(in *alert.SaveInput) { in.Name = "  " }), "input.name"},
		{"kind", bad(func(in *alert.SaveInput) { in.Kind = "VENDOR" }), "input.kind"},
		{"enterprise id", bad(func(in *alert.SaveInput) { in.EnterpriseID = pid("GLASS") }), "input.enterpriseId"},
		{"unknown enterprise", bad(func(in *alert.SaveInput) { in.EnterpriseID = eid(matchtest.Asker[:17] + "X") }), "input.enterpriseId"},
		{"unknown product", bad(func(in *alert.SaveInput) { in.ProductIDs = []string{pid("GLASS"), pid("NOPE")} }), "input.productIds[1]"},
		{"min score", bad(func(in *alert.SaveInput) { in.MinScore = ptr(1.5) }), "input.minScore"},
		{"distance", bad(func(in *alert.SaveInput) { in.MaxDistanceKm = ptr(-1.0) }), "input.maxDistanceKm"},
		{"designation", bad(func(in *alert.SaveInput) { in.Designations = []enterprise.Designation{"GIANT"} }), "input.designations[0]"},
	}
	for _, c := range cases {
		_, err := f.svc.Save(partnerA, c.in)
		if got, field := code(err); got != apperr.BadUserInput || field != c.field {
			t.Errorf("%s: got %s on %q (%v), want BAD_USER_INPUT on %q", c.name, got, field, err, c.field)
		}
	}
	if _, err := f.svc.Save(context.Background(), glassSearch(0)); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("anonymous save: %v, want UNAUTHENTICATED", err)
	}
	p, err := f.svc.List(admin, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Searches) != 0 {
		t.Fatalf("bad input wrote %d saved searches", len(p.Searches))
	}
}

// A new local glass maker enters the asker's saved supplier search: one
// alert, with the match exactly as supplierMatches lists the firm and the
// change as its cause; evaluating the same change (or a later one) again
// records no second alert; the firms already in the results when the
// search was saved raise none.
func TestNewMakerRaisesExactlyOneAlert(t *testing.T) {
	f := setup(t)
	ss, err := f.svc.Save(partnerA, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{matchtest.GlassNear, matchtest.GlassOld, matchtest.NoPlace} {
		if !slices.Contains(ss.Known, u) {
			t.Errorf("known firms %v miss %s, a result when saved", ss.Known, u)
		}
	}
	// A change of a firm that was already a result raises nothing.
	if n, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseUpdated, matchtest.GlassNear)); err != nil || n != 0 {
		t.Fatalf("known firm: %d alerts, %v", n, err)
	}

	maker := newGlassMaker(t, 901, true)
	f.upsert(t, maker)
	ch := f.change(alert.EnterpriseCreated, maker.USCC)
	n, err := f.svc.Handle(context.Background(), ch)
	if err != nil || n != 1 {
		t.Fatalf("new maker: %d alerts, %v; want 1", n, err)
	}
	for i := 0; i < 2; i++ { // the same change again, then a later one
		again := ch
		if i == 1 {
			again = f.change(alert.EnterpriseUpdated, maker.USCC)
		}
		if n, err := f.svc.Handle(context.Background(), again); err != nil || n != 0 {
			t.Fatalf("repeat %d: %d alerts, %v; want none", i, n, err)
		}
	}

	page, err := f.svc.Alerts(partnerA, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Alerts) != 1 {
		t.Fatalf("partner A has %d alerts, want 1", len(page.Alerts))
	}
	a := page.Alerts[0]
	if a.SearchID != ss.ID || a.Cause.ID != ch.ID || a.Cause.Seq != ch.Seq || a.Cause.Kind != ch.Kind ||
		a.Cause.EntityID != eid(maker.USCC) || !a.Cause.At.Equal(ch.At) || a.Match.CandidateUSCC != maker.USCC {
		t.Fatalf("alert %+v: want search %s, cause %s/%d, candidate %s", a, ss.ID, ch.ID, ch.Seq, maker.USCC)
	}
	// The persisted match is the live list's entry for the firm.
	live, err := f.matches.SupplierMatches(match.WithLanguage(context.Background(), match.Chinese),
		match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS")}})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(live, func(m match.Match) bool { return m.CandidateUSCC == maker.USCC })
	if i < 0 {
		t.Fatalf("the new maker is not in the live list")
	}
	want := live[i]
	got := a.Match
	if got.Score != want.Score || got.Fit != want.Fit || *got.ProductCode != *want.ProductCode ||
		!slices.Equal(got.Reasons, want.Reasons) || !slices.Equal(got.Components, want.Components) ||
		(got.DistanceKm == nil) != (want.DistanceKm == nil) || got.ExistingRelation != want.ExistingRelation {
		t.Fatalf("alert match %+v\nlive match  %+v", got, want)
	}
	got2, err := f.svc.GetAlert(partnerA, a.ID)
	if err != nil || got2.ID != a.ID || got2.Search == nil || got2.Search.ID != ss.ID {
		t.Fatalf("GetAlert: %+v, %v", got2, err)
	}
}

// A firm that does not qualify raises nothing: a non-local maker for a
// local-only search, a firm making something unrelated, a firm below the
// minimum score.
func TestFirmsThatDoNotQualifyRaiseNothing(t *testing.T) {
	f := setup(t)
	if _, err := f.svc.Save(partnerA, glassSearch(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Save(partnerA, glassSearch(0.99)); err != nil {
		t.Fatal(err)
	}
	outsider := newGlassMaker(t, 902, false)
	f.upsert(t, outsider)
	unrelated := newGlassMaker(t, 903, true)
	unrelated.Products = []enterprise.OfferInput{{ProductID: pid("POLY")}}
	f.upsert(t, unrelated)
	for _, u := range []string{outsider.USCC, unrelated.USCC} {
		if n, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseCreated, u)); err != nil || n != 0 {
			t.Fatalf("%s: %d alerts, %v; want none", u, n, err)
		}
	}
	// A qualifying maker alerts the minScore-0 search only, not the 0.99 one.
	maker := newGlassMaker(t, 904, true)
	f.upsert(t, maker)
	alerts, err := f.svc.Evaluate(context.Background(), f.change(alert.EnterpriseCreated, maker.USCC))
	if err != nil || len(alerts) != 1 {
		t.Fatalf("maker: %d alerts, %v; want 1 (below 0.99)", len(alerts), err)
	}
}

// A new designation pushes a firm that was a result below the minimum
// score above it: an alert.
func TestNewDesignationPushesAboveMinScore(t *testing.T) {
	f := setup(t)
	// Film makes another product of glass's segment: a SEGMENT fit.
	before, err := f.matches.SupplierMatches(context.Background(),
		match.MatchQuery{EnterpriseID: eid(matchtest.Asker), ProductIDs: []string{pid("GLASS")}})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(before, func(m match.Match) bool { return m.CandidateUSCC == matchtest.Film })
	if i < 0 {
		t.Fatal("Film is no candidate for glass")
	}
	min := before[i].Score + 0.05
	if _, err := f.svc.Save(partnerA, glassSearch(min)); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseUpdated, matchtest.Film)); err != nil || n != 0 {
		t.Fatalf("unchanged Film: %d alerts, %v", n, err)
	}
	film := enterprise.Input{USCC: matchtest.Film, Name: "嘉兴胶膜有限公司", IsLocal: true, DistrictCode: ptr("330411"),
		Location:     &geo.Point{Latitude: matchtest.Base.Lat + 2/111.19508, Longitude: matchtest.Base.Lon},
		Designations: []enterprise.DesignationGrant{{Designation: enterprise.SingleChampion, Year: 2024}},
		Products:     []enterprise.OfferInput{{ProductID: pid("FILM"), AnnualCapacity: ptr(80.0), Unit: ptr("t")}}}
	f.upsert(t, film)
	alerts, err := f.svc.Evaluate(context.Background(), f.change(alert.EnterpriseUpdated, matchtest.Film))
	if err != nil || len(alerts) != 1 {
		t.Fatalf("Film as single champion: %d alerts, %v; want 1", len(alerts), err)
	}
	if a := alerts[0]; a.Match.Score < min || a.Match.Fit != match.FitSegment {
		t.Fatalf("alert match %+v: want score >= %.3f and fit SEGMENT", a.Match, min)
	}
}

// Partners see, page and delete only their own searches and alerts; staff
// and admins see every search; another's id is NOT_FOUND.
func TestPartnersSeeOnlyTheirOwn(t *testing.T) {
	f := setup(t)
	a1, err := f.svc.Save(partnerA, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	b1, err := f.svc.Save(partnerB, alert.SaveInput{Name: "customers", Kind: alert.Customer, EnterpriseID: eid(matchtest.Asker)})
	if err != nil {
		t.Fatal(err)
	}
	if b1.ProductCodes != nil || !b1.LocalOnly || b1.OwnerID != "partner-b" {
		t.Fatalf("defaults: %+v", b1)
	}
	ids := func(ctx context.Context) []string {
		t.Helper()
		p, err := f.svc.List(ctx, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range p.Searches {
			out = append(out, s.ID)
		}
		return out
	}
	if got := ids(partnerA); !slices.Equal(got, []string{a1.ID}) {
		t.Fatalf("partner A lists %v", got)
	}
	if got := ids(staff); len(got) != 2 || got[0] != b1.ID { // newest first
		t.Fatalf("staff lists %v, want both, newest first", got)
	}
	if _, err := f.svc.Get(partnerA, b1.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("partner A reads B's search: %v", err)
	}
	if _, err := f.svc.Delete(partnerA, gid.Encode(gid.SavedSearch, b1.ID)); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("partner A deletes B's search: %v", err)
	}
	maker := newGlassMaker(t, 905, true)
	f.upsert(t, maker)
	if _, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseCreated, maker.USCC)); err != nil {
		t.Fatal(err)
	}
	pa, _ := f.svc.Alerts(partnerA, nil, nil)
	pb, _ := f.svc.Alerts(partnerB, nil, nil)
	if len(pa.Alerts) != 1 || len(pb.Alerts) != 0 {
		t.Fatalf("alerts: A %d, B %d; want 1, 0", len(pa.Alerts), len(pb.Alerts))
	}
	if _, err := f.svc.GetAlert(partnerB, pa.Alerts[0].ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("partner B reads A's alert: %v", err)
	}
	if _, err := f.svc.Alerts(context.Background(), nil, nil); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous alerts: %v", err)
	}
	// Deleting a search deletes its alerts.
	if ok, err := f.svc.Delete(partnerA, gid.Encode(gid.SavedSearch, a1.ID)); err != nil || !ok {
		t.Fatalf("delete own: %v, %v", ok, err)
	}
	if pa, _ := f.svc.Alerts(partnerA, nil, nil); len(pa.Alerts) != 0 {
		t.Fatalf("%d alerts left after the search was deleted", len(pa.Alerts))
	}
	if got := ids(admin); !slices.Equal(got, []string{b1.ID}) {
		t.Fatalf("after delete admin lists %v", got)
	}
}

func TestSavedSearchesPageWithCursors(t *testing.T) {
	f := setup(t)
	var saved []string
	for i := 0; i < 5; i++ {
		ss, err := f.svc.Save(partnerA, glassSearch(0))
		if err != nil {
			t.Fatal(err)
		}
		saved = append([]string{ss.ID}, saved...) // newest first
	}
	var got []string
	var after *string
	for {
		p, err := f.svc.List(partnerA, ptr(2), after)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Searches {
			got = append(got, s.ID)
		}
		if !p.HasNextPage {
			break
		}
		last := p.Searches[len(p.Searches)-1]
		after = ptr(alert.EncodeCursor(alert.Cursor{At: last.CreatedAt, ID: last.ID}))
	}
	// Saved within the same millisecond, searches tie on createdAt and are
	// ordered by id; compare as sets, then check the order is strict.
	if len(got) != 5 {
		t.Fatalf("paged %d searches, want 5: %v", len(got), got)
	}
	for _, id := range saved {
		if !slices.Contains(got, id) {
			t.Fatalf("paging lost %s", id)
		}
	}
	if _, err := f.svc.List(partnerA, ptr(0), nil); apperr.CodeOf(err) != apperr.BadUserInput {
		t.Fatalf("first 0: %v", err)
	}
	if _, err := f.svc.List(partnerA, nil, ptr("nonsense")); apperr.CodeOf(err) != apperr.BadUserInput {
		t.Fatalf("bad cursor: %v", err)
	}
}

// The hub streams a subscriber its own new alerts and nobody else's.
func TestHubDeliversOwnAlerts(t *testing.T) {
	f := setup(t)
	if _, err := f.svc.Save(partnerA, glassSearch(0)); err != nil {
		t.Fatal(err)
	}
	hub := alert.NewHub(f.store, 20*time.Millisecond, nil)
	subCtx, stop := context.WithCancel(partnerA)
	defer stop()
	chA, err := f.svc.Subscribe(subCtx, hub)
	if err != nil {
		t.Fatal(err)
	}
	chB, err := f.svc.Subscribe(partnerB, hub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Subscribe(context.Background(), hub); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous subscribe: %v", err)
	}
	maker := newGlassMaker(t, 906, true)
	f.upsert(t, maker)
	if n, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseCreated, maker.USCC)); err != nil || n != 1 {
		t.Fatalf("handle: %d, %v", n, err)
	}
	select {
	case a := <-chA:
		if a.Match.CandidateUSCC != maker.USCC {
			t.Fatalf("delivered %+v", a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no alert delivered")
	}
	select {
	case a := <-chB:
		t.Fatalf("partner B received A's alert %+v", a)
	case <-time.After(200 * time.Millisecond):
	}
}
