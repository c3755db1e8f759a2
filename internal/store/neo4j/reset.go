package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Deleting relationships first, then nodes, keeps every batch's
// transaction state small: DETACH DELETE of densely connected nodes would
// pull all their relationships into one batch, and a 1,000,000-relationship
// graph then exceeds a 1 GiB heap's transaction memory pool.
const (
	qDeleteAllRelationships = `MATCH ()-[r]->()
	CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS`
	qDeleteAllNodes = `MATCH (n) WHERE NOT n:Migration
	CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS`
)

// DeleteAllData empties the graph, keeping schema and migration records. It
// backs `chainmatch demo --reset` and the tests' per-test wipe.
func (s *Store) DeleteAllData(ctx context.Context) error {
	// CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction;
	// both statements are idempotent, so a failure can simply be retried.
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	for _, q := range []string{qDeleteAllRelationships, qDeleteAllNodes} {
		countRoundTrip(ctx)
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("delete all data: %w", translate(err))
		}
	}
	return nil
}
