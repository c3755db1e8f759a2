package changes_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

var (
	staff   = auth.WithPrincipal(context.Background(), auth.Principal{ID: "staff-1", Role: auth.Staff})
	partner = auth.WithPrincipal(context.Background(), auth.Principal{ID: "key-1", Role: auth.Partner})
)

func firm(t testing.TB, serial uint64) enterprise.Record {
	t.Helper()
	c, err := uscc.Make("330411", serial)
	if err != nil {
		t.Fatal(err)
	}
	return enterprise.Record{Enterprise: enterprise.Enterprise{USCC: c, Name: fmt.Sprintf("企业%d", serial), IsLocal: true}}
}

// readAll pages the log from cursor with page size n until it is empty.
func readAll(t *testing.T, svc *changes.Service, ctx context.Context, cursor string, n int) ([]changes.Event, string) {
	t.Helper()
	var out []changes.Event
	for {
		c, err := changes.ParseCursor(cursor, "after")
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.After(ctx, c, nil, n, "after")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Events...)
		cursor = p.End.String()
		if !p.HasMore {
			return out, cursor
		}
	}
}

// Four writers append events concurrently while a consumer pages the log
// by cursor, stops, and resumes with a new service from its last cursor:
// it sees every event exactly once, in seq order, and the seqs leave no
// gap.
func TestConcurrentWritersAndAResumingConsumerSeeEveryEventOnceInOrder(t *testing.T) {
	s := neo4jtest.Open(t)
	const writers, perWriter = 4, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				rec := firm(t, uint64(1000*(w+1)+i/2)) // each firm twice: CREATED then UPDATED
				if err := s.UpsertEnterprises(partner, []enterprise.Record{rec}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	var seen []changes.Event
	cursor := ""
	svc := changes.NewService(s, changes.Config{})
	for stop := 0; ; stop++ {
		finished := false
		select {
		case <-done:
			finished = true
		default:
		}
		page, next := readAll(t, svc, staff, cursor, 7)
		seen = append(seen, page...)
		cursor = next
		if finished {
			break
		}
		if stop%3 == 2 {
			// The consumer stops; a new one resumes from the saved cursor.
			svc = changes.NewService(s, changes.Config{})
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != writers*perWriter {
		t.Fatalf("consumer saw %d events, want %d", len(seen), writers*perWriter)
	}
	ids := map[string]bool{}
	state := map[string]changes.Kind{}
	for i, e := range seen {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: want 1..%d without gaps, in order", i, e.Seq, len(seen))
		}
		if ids[e.ID] {
			t.Fatalf("event %s seen twice", e.ID)
		}
		ids[e.ID] = true
		want := changes.EnterpriseCreated
		if _, ok := state[e.EntityID]; ok {
			want = changes.EnterpriseUpdated
		}
		if e.Kind != want {
			t.Fatalf("event %d for %s is %s, want %s", i, e.EntityID, e.Kind, want)
		}
		state[e.EntityID] = e.Kind
		if e.ActorID != "key-1" || e.ActorRole != auth.Partner || e.At.IsZero() {
			t.Fatalf("event %d: actor %q %q at %v", i, e.ActorID, e.ActorRole, e.At)
		}
	}
	if len(state) != writers*perWriter/2 {
		t.Fatalf("%d firms in the events, want %d", len(state), writers*perWriter/2)
	}
}

// A write that fails leaves no event, and a write that changes nothing
// (deleting what is not there) appends none.
func TestAFailedWriteLeavesNoEvent(t *testing.T) {
	s := neo4jtest.Open(t)
	svc := changes.NewService(s, changes.Config{})
	ok := firm(t, 1)
	if err := s.UpsertEnterprises(staff, []enterprise.Record{ok}); err != nil {
		t.Fatal(err)
	}
	bad := firm(t, 2)
	bad.Products = []enterprise.ProductOffer{{ProductCode: "NO-SUCH-PRODUCT"}}
	var refErr *enterprise.ReferenceError
	if err := s.UpsertEnterprises(staff, []enterprise.Record{firm(t, 3), bad}); !errors.As(err, &refErr) {
		t.Fatalf("upsert with a missing product: %v", err)
	}
	if deleted, err := s.DeleteEnterprise(staff, firm(t, 4).Enterprise.USCC); err != nil || deleted {
		t.Fatalf("delete of a missing firm: %v %v", deleted, err)
	}
	if removed, err := s.RemoveSupplyRelation(staff, ok.Enterprise.USCC, firm(t, 3).Enterprise.USCC, nil); err != nil || removed {
		t.Fatalf("remove of a missing relation: %v %v", removed, err)
	}
	evs, _ := readAll(t, svc, staff, "", 100)
	if len(evs) != 1 || evs[0].Kind != changes.EnterpriseCreated || evs[0].Seq != 1 {
		t.Fatalf("events %+v, want the one creation", evs)
	}
	// The next successful write takes the next seq: the failed one used none.
	if err := s.UpsertEnterprises(staff, []enterprise.Record{firm(t, 3)}); err != nil {
		t.Fatal(err)
	}
	if deleted, err := s.DeleteEnterprise(staff, ok.Enterprise.USCC); err != nil || !deleted {
		t.Fatalf("delete: %v %v", deleted, err)
	}
	evs, _ = readAll(t, svc, staff, "", 100)
	if len(evs) != 3 || evs[1].Seq != 2 || evs[2].Kind != changes.EnterpriseDeleted ||
		evs[2].EntityID != gid.Encode(gid.Enterprise, ok.Enterprise.USCC) {
		t.Fatalf("events %+v", evs)
	}
}

// Supply relations and leads append their kinds; partners do not see
// LEAD_CHANGED, neither in pages nor by id; anonymous callers see nothing.
func TestKindsAndWhoSeesThem(t *testing.T) {
	s := neo4jtest.Open(t)
	svc := changes.NewService(s, changes.Config{})
	a, b := firm(t, 1), firm(t, 2)
	if err := s.UpsertEnterprises(staff, []enterprise.Record{a, b}); err != nil {
		t.Fatal(err)
	}
	rel := enterprise.SupplyRelation{SupplierUSCC: a.Enterprise.USCC, CustomerUSCC: b.Enterprise.USCC}
	if err := s.AddSupplyRelation(partner, rel); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	l := lead.Lead{ID: "lead-1", EnterpriseUSCC: b.Enterprise.USCC, Stage: lead.Identified, Owner: "staff-1",
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := s.CreateLead(staff, l, lead.StageChange{ID: "sc-1", To: lead.Identified, At: now, By: "staff-1", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if removed, err := s.RemoveSupplyRelation(partner, a.Enterprise.USCC, b.Enterprise.USCC, nil); err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	kinds := func(evs []changes.Event) []changes.Kind {
		out := []changes.Kind{}
		for _, e := range evs {
			out = append(out, e.Kind)
		}
		return out
	}
	all, _ := readAll(t, svc, staff, "", 100)
	want := []changes.Kind{changes.EnterpriseCreated, changes.EnterpriseCreated, changes.SupplyAdded, changes.LeadChanged, changes.SupplyRemoved}
	if fmt.Sprint(kinds(all)) != fmt.Sprint(want) {
		t.Fatalf("staff sees %v, want %v", kinds(all), want)
	}
	if sup := all[2]; sup.EntityID != gid.Encode(gid.Enterprise, a.Enterprise.USCC) ||
		sup.RelatedID != gid.Encode(gid.Enterprise, b.Enterprise.USCC) || sup.ProductID != "" {
		t.Fatalf("supply event %+v", sup)
	}
	if all[3].EntityID != gid.Encode(gid.Lead, "lead-1") || all[3].ActorRole != auth.Staff {
		t.Fatalf("lead event %+v", all[3])
	}
	seen, _ := readAll(t, svc, partner, "", 2)
	if len(seen) != 4 || seen[3].Kind != changes.SupplyRemoved {
		t.Fatalf("partner sees %v", kinds(seen))
	}
	if _, err := svc.Event(partner, all[3].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("partner reads the lead event by id: %v", err)
	}
	if e, err := svc.Event(staff, all[3].ID); err != nil || e.Seq != 4 {
		t.Fatalf("staff reads the lead event by id: %+v %v", e, err)
	}
	only, _ := svc.After(partner, 0, []changes.Kind{changes.SupplyAdded, changes.LeadChanged}, 10, "after")
	if len(only.Events) != 1 || only.Events[0].Kind != changes.SupplyAdded {
		t.Fatalf("partner asking for SUPPLY_ADDED and LEAD_CHANGED gets %v", kinds(only.Events))
	}
	if _, err := svc.After(context.Background(), 0, nil, 10, "after"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous: %v", err)
	}
	if _, err := svc.Event(context.Background(), all[0].ID); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous by id: %v", err)
	}
}

// Purged events are gone; a cursor before them is refused with a clear
// reason, a cursor at or after the purge point still works.
func TestPurgeAndExpiredCursor(t *testing.T) {
	s := neo4jtest.Open(t)
	svc := changes.NewService(s, changes.Config{})
	for i := range 3 {
		if err := s.UpsertEnterprises(staff, []enterprise.Record{firm(t, uint64(i+1))}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeChangesBefore(context.Background(), time.Now().Add(time.Hour), 2)
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v", n, err)
	}
	_, err = svc.After(staff, 0, nil, 10, "after")
	ae, ok := apperr.As(err)
	if !ok || ae.Code != apperr.BadUserInput || ae.Field != "after" || ae.Extensions["reason"] != changes.ReasonCursorExpired ||
		!errors.Is(err, changes.ErrCursorExpired) {
		t.Fatalf("cursor before the purge: %v", err)
	}
	p, err := svc.After(staff, 2, nil, 10, "after")
	if err != nil || len(p.Events) != 1 || p.Events[0].Seq != 3 {
		t.Fatalf("cursor at the purge point: %+v %v", p, err)
	}
	// Nothing is as old as the default retention.
	if n, err := svc.Purge(context.Background()); err != nil || n != 0 {
		t.Fatalf("retention purge: %d %v", n, err)
	}
}

func TestCursorRoundTripAndBadCursors(t *testing.T) {
	for _, c := range []changes.Cursor{0, 1, 1 << 40} {
		got, err := changes.ParseCursor(c.String(), "after")
		if err != nil || got != c {
			t.Fatalf("%d: %d %v", c, got, err)
		}
	}
	for _, bad := range []string{"x", gid.Encode(gid.Enterprise, "1"), "Y2hhbmdlczotMQ"} {
		if _, err := changes.ParseCursor(bad, "after"); apperr.CodeOf(err) != apperr.BadUserInput {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

var _ changes.Storer = (*neo4jstore.Store)(nil)
