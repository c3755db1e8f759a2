package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// qDeleteAllData removes every node but the migration records, in batches
// so that a large graph does not need one huge transaction.
const qDeleteAllData = `MATCH (n) WHERE NOT n:Migration
	CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`

// DeleteAllData empties the graph, keeping schema and migration records. It
// backs `chainmatch demo --reset` and the tests' per-test wipe.
func (s *Store) DeleteAllData(ctx context.Context) error {
	// CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction.
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	countRoundTrip(ctx)
	res, err := sess.Run(ctx, qDeleteAllData, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("delete all data: %w", translate(err))
	}
	return nil
}
