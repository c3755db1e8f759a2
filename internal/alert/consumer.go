package alert

import (
	"context"
	"fmt"

	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
)

// ConsumerName is the change-log consumer that evaluates alerts: one
// cursor and lease shared by every replica, so each change is evaluated
// once, by one replica at a time.
const ConsumerName = "match-alerts"

// FollowerBatch is the evaluator's batch: one event per transaction, so
// that each event's alerts are readable as soon as it is evaluated (a
// batch's alerts become visible together, when its transaction commits;
// the cursor's own statements are few next to an evaluation's).
const FollowerBatch = 1

// HandleChanges is the change-log follower's handler: it evaluates each
// event in log order and records its alerts. ctx carries the follower's
// transaction, so the alerts of the batch commit together with the
// cursor's advance past it, or not at all (then the batch is evaluated
// again; the alerts' uniqueness key keeps a retry from doubling any).
func (s *Service) HandleChanges(ctx context.Context, events []changes.Event) error {
	for _, ev := range events {
		ch, ok := changeOf(ev)
		if !ok {
			continue
		}
		alerts, err := s.Evaluate(ctx, ch)
		if err != nil {
			return fmt.Errorf("evaluate change %d: %w", ev.Seq, err)
		}
		if len(alerts) == 0 {
			continue
		}
		if _, err := s.store.RecordAlerts(ctx, alerts); err != nil {
			return fmt.Errorf("record the alerts of change %d: %w", ev.Seq, err)
		}
	}
	return nil
}

// changeOf reads the firms an event touched: the enterprise of an
// enterprise change, both ends of a supply relation; ok is false for
// events that cannot bring a candidate in.
func changeOf(ev changes.Event) (Change, bool) {
	switch string(ev.Kind) {
	case EnterpriseCreated, EnterpriseUpdated, SupplyAdded, SupplyRemoved:
	default:
		return Change{}, false
	}
	ch := Change{ID: ev.ID, Seq: ev.Seq, Kind: string(ev.Kind), EntityID: ev.EntityID,
		RelatedID: ev.RelatedID, ProductID: ev.ProductID, At: ev.At}
	for _, id := range []string{ev.EntityID, ev.RelatedID} {
		if t, key, ok := gid.Decode(id); ok && t == gid.Enterprise {
			ch.Firms = append(ch.Firms, key)
		}
	}
	return ch, len(ch.Firms) > 0
}
