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

// FollowerBatch is the evaluator's batch: up to this many events per
// transaction. The follower hands over what is waiting, so a quiet log
// still gets one event per transaction (its alerts readable at once);
// under a burst a batch costs about as many statements as one event
// (EvaluateBatch), and alerts become readable batch by batch, when each
// transaction commits.
const FollowerBatch = 20

// HandleChanges is the change-log follower's handler: it evaluates the
// batch's events together (EvaluateBatch) and records all their alerts in
// one statement. ctx carries the follower's transaction, so the alerts of
// the batch commit together with the cursor's advance past it, or not at
// all (then the batch is evaluated again; the alerts' uniqueness key keeps
// a retry from doubling any).
func (s *Service) HandleChanges(ctx context.Context, events []changes.Event) error {
	var chs []Change
	for _, ev := range events {
		if ch, ok := changeOf(ev); ok {
			chs = append(chs, ch)
		}
	}
	if len(chs) == 0 {
		return nil
	}
	alerts, err := s.EvaluateBatch(ctx, chs)
	if err != nil {
		return fmt.Errorf("evaluate changes %d..%d: %w", chs[0].Seq, chs[len(chs)-1].Seq, err)
	}
	if len(alerts) == 0 {
		return nil
	}
	if _, err := s.store.RecordAlerts(ctx, alerts); err != nil {
		return fmt.Errorf("record the alerts of changes %d..%d: %w", chs[0].Seq, chs[len(chs)-1].Seq, err)
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
