package alert_test

import (
	"context"
	"testing"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/match/matchtest"
)

// logAfter returns the change-log events after seq.
func (f *fixture) logAfter(t *testing.T, seq int64) []changes.Event {
	t.Helper()
	evs, _, err := f.store.ChangesAfter(context.Background(), seq, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// The consumer reads real change-log events: a maker written through the
// enterprise service raises one alert whose cause is the write's event;
// handling the batch again (a retried transaction, a replayed cursor) and
// writing the firm again raise nothing more; a supply relation's event
// evaluates both of its firms.
func TestChangeLogEventsRaiseAlertsOnce(t *testing.T) {
	f := setup(t)
	ss, err := f.svc.Save(partnerA, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	start, err := f.store.LatestChangeSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	maker := newGlassMaker(t, 911, true)
	f.upsert(t, maker)
	evs := f.logAfter(t, start)
	if len(evs) != 1 || evs[0].Kind != changes.EnterpriseCreated || evs[0].EntityID != eid(maker.USCC) {
		t.Fatalf("events after the upsert: %+v", evs)
	}
	for i := 0; i < 2; i++ {
		if err := f.svc.HandleChanges(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
	}
	f.upsert(t, maker) // ENTERPRISE_UPDATED of a firm already alerted
	if err := f.svc.HandleChanges(context.Background(), f.logAfter(t, evs[0].Seq)); err != nil {
		t.Fatal(err)
	}
	page, err := f.svc.Alerts(partnerA, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Alerts) != 1 {
		t.Fatalf("%d alerts, want exactly 1", len(page.Alerts))
	}
	a := page.Alerts[0]
	if a.SearchID != ss.ID || a.Cause.ID != evs[0].ID || a.Cause.Seq != evs[0].Seq || a.Cause.Kind != string(changes.EnterpriseCreated) {
		t.Fatalf("alert %+v, want search %s caused by %+v", a, ss.ID, evs[0])
	}

	// A partner search of the asker: a firm that starts supplying one of
	// the asker's customers shares a customer with it (SUPPLY_ADDED
	// evaluates both ends).
	if _, err := f.svc.Save(partnerB, alert.SaveInput{Name: "partners", Kind: alert.Partner, EnterpriseID: eid(matchtest.Asker),
		LocalOnly: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	newcomer := newGlassMaker(t, 912, true)
	newcomer.Products = []enterprise.OfferInput{{ProductID: pid("POLY")}} // no product link to the asker's modules
	f.upsert(t, newcomer)
	before, _ := f.store.LatestChangeSeq(context.Background())
	if err := f.svc.HandleChanges(context.Background(), f.logAfter(t, start)); err != nil {
		t.Fatal(err)
	}
	if pb, _ := f.svc.Alerts(partnerB, nil, nil); len(pb.Alerts) != 0 {
		t.Fatalf("before the relation: %d partner alerts", len(pb.Alerts))
	}
	if _, err := f.firms.AddSupply(admin, enterprise.SupplyInput{SupplierID: eid(newcomer.USCC), CustomerID: eid(matchtest.Buyer2)}); err != nil {
		t.Fatal(err)
	}
	evs = f.logAfter(t, before)
	if len(evs) != 1 || evs[0].Kind != changes.SupplyAdded {
		t.Fatalf("events after the relation: %+v", evs)
	}
	if err := f.svc.HandleChanges(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	pb, err := f.svc.Alerts(partnerB, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pb.Alerts) != 1 || pb.Alerts[0].Match.CandidateUSCC != newcomer.USCC || pb.Alerts[0].Cause.Kind != string(changes.SupplyAdded) ||
		pb.Alerts[0].Cause.RelatedID != gid.Encode(gid.Enterprise, matchtest.Buyer2) {
		t.Fatalf("partner alerts after the relation: %+v", pb.Alerts)
	}
}

// End to end below GraphQL: the change-log follower runs the evaluator as
// the server does, a subscriber of the hub receives the alert of a maker
// written through the enterprise service, exactly once, and the
// follower's cursor has passed the write's event.
func TestFollowerEvaluatesAndTheHubDelivers(t *testing.T) {
	f := setup(t)
	if _, err := f.svc.Save(partnerA, glassSearch(0)); err != nil {
		t.Fatal(err)
	}
	sig := changes.NewSignal()
	f.store.SetChangeSignal(sig)
	defer f.store.SetChangeSignal(nil)
	ctx, cancel := context.WithCancel(context.Background())
	fl := changes.NewFollower(f.store, changes.FollowerConfig{Name: alert.ConsumerName, Handle: f.svc.HandleChanges,
		FromNow: true, Signal: sig, PollInterval: 50 * time.Millisecond})
	done := make(chan struct{})
	go func() { defer close(done); _ = fl.Run(ctx) }()
	defer func() { cancel(); <-done }()

	hub := alert.NewHub(f.store, 20*time.Millisecond, nil)
	subCtx, stop := context.WithCancel(partnerA)
	defer stop()
	got, err := f.svc.Subscribe(subCtx, hub)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the follower takes its lease and starts from now
	maker := newGlassMaker(t, 921, true)
	f.upsert(t, maker)
	f.upsert(t, maker) // a second write of the same firm: no second alert
	select {
	case a := <-got:
		if a.Match.CandidateUSCC != maker.USCC || a.Cause.Kind != string(changes.EnterpriseCreated) {
			t.Fatalf("delivered %+v", a)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no alert delivered")
	}
	select {
	case a := <-got:
		t.Fatalf("a second alert %+v", a)
	case <-time.After(time.Second):
	}
}
