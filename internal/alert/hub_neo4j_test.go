package alert_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
)

// countingReads counts the hub's reads of alerts.
type countingReads struct {
	alert.Storer
	n atomic.Int64
}

func (c *countingReads) AlertsAfter(ctx context.Context, after alert.Position, limit int) ([]alert.Alert, error) {
	c.n.Add(1)
	return c.Storer.AlertsAfter(ctx, after, limit)
}

// A subscriber that does not read while its alerts come loses none: the
// others get theirs meanwhile, and once it reads it gets every one of its
// alerts exactly once, in order, then the next ones as they come. The
// alerts of one change share its position in the log, and statement
// batches end inside such a group (batch 3, groups of 5), so a position
// that counted the change alone would skip the rest of the group.
func TestHubSlowSubscriberLosesNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	sa, err := f.svc.Save(partnerA, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := f.svc.Save(partnerB, glassSearch(0))
	if err != nil {
		t.Fatal(err)
	}
	reads := &countingReads{Storer: f.store}
	hub := alert.NewHub(reads, 20*time.Millisecond, nil)
	alert.SetHubLimits(hub, 2, 3)
	subA, stopA := context.WithCancel(partnerA)
	defer stopA()
	subB, stopB := context.WithCancel(partnerB)
	defer stopB()
	chA, err := f.svc.Subscribe(subA, hub)
	if err != nil {
		t.Fatal(err)
	}
	chB, err := f.svc.Subscribe(subB, hub)
	if err != nil {
		t.Fatal(err)
	}
	last, err := f.store.LastAlertSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// record writes `changes` changes of 5 alerts each (3 for A, 2 for B,
	// ids not in owner order) and returns the ids per owner in position
	// order.
	n := 0
	record := func(changes int) (forA, forB []string) {
		t.Helper()
		for range changes {
			last++
			var as []alert.Alert
			for k := range 5 {
				n++
				a := alert.Alert{ID: fmt.Sprintf("hub-%d-%d", last, (k*3)%5), SearchID: sa.ID, OwnerID: "partner-a",
					Match:     match.Match{CandidateUSCC: fmt.Sprintf("C%05d", n), Fit: match.FitProduct},
					Cause:     alert.Change{ID: fmt.Sprintf("cause-%d", last), Seq: last, Kind: "ENTERPRISE_CREATED", At: time.Now()},
					CreatedAt: time.Now()}
				if k%5 >= 3 {
					a.SearchID, a.OwnerID = sb.ID, "partner-b"
				}
				as = append(as, a)
			}
			if got, err := f.store.RecordAlerts(ctx, as); err != nil || got != 5 {
				t.Fatalf("record: %d, %v", got, err)
			}
			// Position order within the change: by id.
			for _, id := range []string{"0", "1", "2", "3", "4"} {
				for _, a := range as {
					if a.ID == fmt.Sprintf("hub-%d-%s", last, id) {
						if a.OwnerID == "partner-a" {
							forA = append(forA, a.ID)
						} else {
							forB = append(forB, a.ID)
						}
					}
				}
			}
		}
		return forA, forB
	}
	receive := func(ch <-chan alert.Alert, want []string, who string) {
		t.Helper()
		for i, id := range want {
			select {
			case a, ok := <-ch:
				if !ok {
					t.Fatalf("%s: subscription ended at %d of %d", who, i, len(want))
				}
				if a.ID != id {
					t.Fatalf("%s: alert %d is %s, want %s (lost, repeated or out of order)", who, i, a.ID, id)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: only %d of %d alerts arrived", who, i, len(want))
			}
		}
	}
	quiet := func(ch <-chan alert.Alert, who string) {
		t.Helper()
		select {
		case a := <-ch:
			t.Fatalf("%s: unexpected alert %s (a repeat)", who, a.ID)
		case <-time.After(300 * time.Millisecond):
		}
	}

	// A does not read while 8 changes come (24 alerts for it, buffer 2);
	// B reads along, then deletes its search, and with it its alerts: the
	// newest alert the poller read is gone before A catches up.
	forA, forB := record(8)
	receive(chB, forB, "B")
	if ok, err := f.svc.Delete(partnerB, gid.Encode(gid.SavedSearch, sb.ID)); err != nil || !ok {
		t.Fatalf("delete B's search: %v %v", ok, err)
	}
	if sb, err = f.svc.Save(partnerB, glassSearch(0)); err != nil {
		t.Fatal(err)
	}
	receive(chA, forA, "A (behind)")
	quiet(chA, "A")
	// Caught up, A reads no more than the poller does (a catch-up that
	// waited for the deleted alert would read the store without pause).
	before := reads.n.Load()
	time.Sleep(time.Second)
	if n := reads.n.Load() - before; n > 100 {
		t.Fatalf("%d reads of alerts in 1 s with nothing new (the poller makes about 50)", n)
	}
	// A has caught up: the next alerts come through the poller again.
	forA, forB = record(3)
	receive(chA, forA, "A (rejoined)")
	receive(chB, forB, "B")
	quiet(chA, "A")
	quiet(chB, "B")
}
