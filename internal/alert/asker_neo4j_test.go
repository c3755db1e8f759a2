package alert_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"chainmatch/internal/alert"
	"chainmatch/internal/apperr"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
	"chainmatch/internal/match/matchtest"
)

// alertedFor returns the candidates the owner's alerts of search id name,
// sorted, and fails on an alert whose cause is not want.
func alertedFor(t *testing.T, f *fixture, owner context.Context, id string, want alert.Change) []string {
	t.Helper()
	p, err := f.svc.Alerts(owner, ptr(100), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range p.Alerts {
		if a.SearchID != id || a.Cause.ID != want.ID {
			continue
		}
		out = append(out, a.Match.CandidateUSCC)
	}
	sort.Strings(out)
	return out
}

// buyer1 is the fixture's Buyer1 (a plant needing modules), km north of
// the base, needing modules and the extra products.
func buyer1(km float64, extra ...string) enterprise.Input {
	in := enterprise.Input{USCC: matchtest.Buyer1, Name: "嘉兴电站一有限公司", IsLocal: true, DistrictCode: ptr("330411"),
		Location: &geo.Point{Latitude: matchtest.Base.Lat + km/111.19508, Longitude: matchtest.Base.Lon},
		Needs:    []enterprise.NeedInput{{ProductID: pid("MODULE"), AnnualVolume: ptr(500.0), Unit: ptr("pcs")}}}
	for _, c := range extra {
		in.Needs = append(in.Needs, enterprise.NeedInput{ProductID: pid(c)})
	}
	return in
}

// A change of the searching firm itself brings new candidates into its own
// searches: when it moves, firms now within the distance; when it gains a
// need, the makers of it. Each raises one alert, caused by that change,
// with the match as the live list scores it; nothing twice.
func TestChangesOfTheSearchingFirmRaiseAlerts(t *testing.T) {
	f := setup(t)
	// Buyer1 (4 km north): its needs (modules), and modules within 1.5 km.
	implicit, err := f.svc.Save(partnerA, alert.SaveInput{Name: "our suppliers", Kind: alert.Supplier, EnterpriseID: eid(matchtest.Buyer1)})
	if err != nil {
		t.Fatal(err)
	}
	near, err := f.svc.Save(partnerA, alert.SaveInput{Name: "module makers nearby", Kind: alert.Supplier,
		EnterpriseID: eid(matchtest.Buyer1), ProductIDs: []string{pid("MODULE")}, MaxDistanceKm: ptr(1.5)})
	if err != nil {
		t.Fatal(err)
	}
	// Known: Module2 (modules, 1 km) and GlassNear (glass, an adjacent
	// segment, 1 km).
	if got, want := sorted(near.Known), sorted([]string{matchtest.Module2, matchtest.GlassNear}); !slices.Equal(got, want) {
		t.Fatalf("nearby search knew %v, want %v", got, want)
	}

	// It moves next to the asker (0.2 km north): the asker (a module maker,
	// 0.2 km) and the old glass maker (0.8 km, an adjacent segment) come
	// within 1.5 km; Module2 (2.8 km) and GlassNear (4.8 km) drop out.
	f.upsert(t, buyer1(0.2))
	moved := f.change(alert.EnterpriseUpdated, matchtest.Buyer1)
	if n, err := f.svc.Handle(context.Background(), moved); err != nil || n != 2 {
		t.Fatalf("move: %d alerts, %v; want 2", n, err)
	}
	if got, want := alertedFor(t, f, partnerA, near.ID, moved), []string{matchtest.Asker, matchtest.GlassOld}; !slices.Equal(got, sorted(want)) {
		t.Fatalf("move alerted %v, want %v", got, sorted(want))
	}
	if got := alertedFor(t, f, partnerA, implicit.ID, moved); len(got) != 0 {
		t.Fatalf("the implicit search knew every firm yet alerted %v", got)
	}

	// It starts needing polysilicon: the local maker enters its implicit
	// search.
	f.upsert(t, buyer1(0.2, "POLY"))
	needs := f.change(alert.EnterpriseUpdated, matchtest.Buyer1)
	if n, err := f.svc.Handle(context.Background(), needs); err != nil || n != 1 {
		t.Fatalf("new need: %d alerts, %v; want 1", n, err)
	}
	if got := alertedFor(t, f, partnerA, implicit.ID, needs); !slices.Equal(got, []string{matchtest.Poly}) {
		t.Fatalf("new need alerted %v, want the polysilicon maker", got)
	}
	// The alert's match is the live list's entry.
	live, err := f.matches.SupplierMatches(match.WithLanguage(context.Background(), match.Chinese),
		match.MatchQuery{EnterpriseID: eid(matchtest.Buyer1)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Alerts(partnerA, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Alerts {
		if a.Match.CandidateUSCC != matchtest.Poly {
			continue
		}
		i := slices.IndexFunc(live, func(m match.Match) bool { return m.CandidateUSCC == matchtest.Poly })
		if i < 0 || live[i].Score != a.Match.Score || !slices.Equal(live[i].Reasons, a.Match.Reasons) ||
			!slices.Equal(live[i].Components, a.Match.Components) || live[i].Fit != a.Match.Fit {
			t.Fatalf("alert match %+v, live list %+v", a.Match, live)
		}
	}

	// Evaluating again, or a later change, raises nothing more.
	for _, ch := range []alert.Change{needs, f.change(alert.EnterpriseUpdated, matchtest.Buyer1)} {
		if n, err := f.svc.Handle(context.Background(), ch); err != nil || n != 0 {
			t.Fatalf("again: %d alerts, %v; want none", n, err)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// Deleting a firm deletes the saved searches for it, with their alerts,
// and the alerts about it as a candidate, in the same transaction; other
// searches and alerts stay.
func TestDeletingAFirmDeletesItsSearchesAndAlertsAboutIt(t *testing.T) {
	f := setup(t)
	glass, err := f.svc.Save(partnerA, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	m1, m2 := newGlassMaker(t, 911, true), newGlassMaker(t, 912, true)
	for _, m := range []enterprise.Input{m1, m2} {
		f.upsert(t, m)
		if n, err := f.svc.Handle(context.Background(), f.change(alert.EnterpriseCreated, m.USCC)); err != nil || n != 1 {
			t.Fatalf("maker %s: %d alerts, %v; want 1", m.USCC, n, err)
		}
	}
	// Partner B watches the customers of the first new maker.
	ofM1, err := f.svc.Save(partnerB, alert.SaveInput{Name: "buyers of our glass", Kind: alert.Customer, EnterpriseID: eid(m1.USCC)})
	if err != nil {
		t.Fatal(err)
	}

	// Deleting the first maker: B's search for it goes, and A's alert
	// about it; A's search and its alert about the second maker stay.
	if ok, err := f.firms.Delete(admin, eid(m1.USCC)); err != nil || !ok {
		t.Fatalf("delete: %v, %v", ok, err)
	}
	if _, err := f.svc.Get(partnerB, ofM1.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("the search for the deleted firm: %v, want NOT_FOUND", err)
	}
	if p, err := f.svc.List(partnerB, nil, nil); err != nil || len(p.Searches) != 0 {
		t.Fatalf("partner B lists %d searches (%v), want none", len(p.Searches), err)
	}
	p, err := f.svc.Alerts(partnerA, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Alerts) != 1 || p.Alerts[0].Match.CandidateUSCC != m2.USCC || p.Alerts[0].SearchID != glass.ID {
		t.Fatalf("partner A's alerts after the delete: %+v; want only the one about the second maker", p.Alerts)
	}
	kept := p.Alerts[0].ID

	// Deleting the asker: A's search goes with its alert.
	if ok, err := f.firms.Delete(admin, eid(matchtest.Asker)); err != nil || !ok {
		t.Fatalf("delete the asker: %v, %v", ok, err)
	}
	if _, err := f.svc.Get(partnerA, glass.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("the asker's search: %v, want NOT_FOUND", err)
	}
	if _, err := f.svc.GetAlert(partnerA, kept); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("the alert of the asker's search: %v, want NOT_FOUND", err)
	}
	if p, err := f.svc.Alerts(partnerA, nil, nil); err != nil || len(p.Alerts) != 0 {
		t.Fatalf("partner A still has %d alerts (%v)", len(p.Alerts), err)
	}
}
