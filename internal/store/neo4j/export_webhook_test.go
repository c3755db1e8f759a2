package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// AddMatchAlert stores a (:MatchAlert) as saved searches record them, for
// the webhook fan-out tests; test-only.
func AddMatchAlert(ctx context.Context, s *Store, id, ownerID, searchID string, at time.Time) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, `CREATE (:MatchAlert {id: $id, ownerId: $owner, searchId: $search, candidate: '91330400MA2B000001', score: 0.75, causeId: 'ev-9', createdAt: $at})`,
			map[string]any{"id": id, "owner": ownerID, "search": searchID, "at": at})
		return struct{}{}, err
	})
	return err
}

// AlertQueuedAt reads an alert's fan-out marker; test-only.
func AlertQueuedAt(ctx context.Context, s *Store, id string) (*time.Time, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*time.Time, error) {
		rec, err := single(ctx, tx, `MATCH (a:MatchAlert {id: $id}) RETURN a.webhooksQueuedAt AS at`, map[string]any{"id": id})
		if err != nil || rec == nil {
			return nil, err
		}
		t, isNil, err := neo4j.GetRecordValue[time.Time](rec, "at")
		if isNil {
			return nil, nil
		}
		return &t, err
	})
}
