package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestDatabaseLabel marks a database as one that tests may wipe: the test
// helper (package neo4jtest) refuses to wipe a database without a node of
// this label, and no delete here removes it.
const TestDatabaseLabel = "ChainmatchTestDatabase"

// Deleting relationships first, then nodes, keeps every batch's
// transaction state small: DETACH DELETE of densely connected nodes would
// pull all their relationships into one batch, and a 1,000,000-relationship
// graph then exceeds a 1 GiB heap's transaction memory pool.
//
// Kept by both: migration records and the test-database marker. Kept by
// the domain wipe too: API keys, the audit trail and the change log with
// its consumers' cursors (so that sequence numbers keep growing and a
// consumer's cursor stays valid across a demo reset), and relationships
// touching them, although the model has none.
const (
	qDeleteAllRelationships = `MATCH ()-[r]->()
	CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS`
	qDeleteAllNodes = `MATCH (n) WHERE NOT n:Migration AND NOT n:ChainmatchTestDatabase
	CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS`
	qDeleteDomainRelationships = `MATCH (a)-[r]->(b)
	WHERE NOT (a:ApiKey OR a:AuditEntry OR a:ChangeEvent OR a:ChangeCounter OR a:ChangeCursor OR
	           b:ApiKey OR b:AuditEntry OR b:ChangeEvent OR b:ChangeCounter OR b:ChangeCursor)
	CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS`
	qDeleteDomainNodes = `MATCH (n)
	WHERE NOT (n:Migration OR n:ChainmatchTestDatabase OR n:ApiKey OR n:AuditEntry OR
	           n:ChangeEvent OR n:ChangeCounter OR n:ChangeCursor)
	CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS`
)

// DeleteAllData empties the graph, keeping only the schema, the migration
// records and the test-database marker: API keys and the audit trail go
// too. It backs `chainmatch demo --reset-all` and the tests' per-test wipe.
func (s *Store) DeleteAllData(ctx context.Context) error {
	return s.runDeletes(ctx, qDeleteAllRelationships, qDeleteAllNodes)
}

// DeleteDomainData empties the business graph (enterprises, catalogue,
// relations) and keeps API keys, the audit trail, the schema and the
// migration records. It backs `chainmatch demo --reset`.
func (s *Store) DeleteDomainData(ctx context.Context) error {
	return s.runDeletes(ctx, qDeleteDomainRelationships, qDeleteDomainNodes)
}

func (s *Store) runDeletes(ctx context.Context, queries ...string) error {
	// CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction;
	// the statements are idempotent, so a failure can simply be retried.
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	for _, q := range queries {
		countRoundTrip(ctx)
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("delete data: %w", translate(err))
		}
	}
	return nil
}

const (
	qTestMarker = `RETURN EXISTS { MATCH (:ChainmatchTestDatabase) } AS marked,
	EXISTS { MATCH (n) WHERE NOT n:Migration AND NOT n:ChainmatchTestDatabase } AS holdsData`
	qMarkTestDatabase = `MERGE (:ChainmatchTestDatabase {marker: 'chainmatch-test'})`
)

// TestMarker reports whether the database carries the test-database marker
// and whether it holds any data besides migration records and the marker.
func (s *Store) TestMarker(ctx context.Context) (marked, holdsData bool, err error) {
	type answer struct{ marked, holdsData bool }
	a, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (answer, error) {
		rec, err := single(ctx, tx, qTestMarker, nil)
		if err != nil || rec == nil {
			return answer{}, err
		}
		m, _, err := neo4j.GetRecordValue[bool](rec, "marked")
		if err != nil {
			return answer{}, err
		}
		h, _, err := neo4j.GetRecordValue[bool](rec, "holdsData")
		return answer{m, h}, err
	})
	if err != nil {
		return false, false, fmt.Errorf("test marker: %w", err)
	}
	return a.marked, a.holdsData, nil
}

// MarkTestDatabase puts the test-database marker into the graph, so that
// tests may wipe it from then on.
func (s *Store) MarkTestDatabase(ctx context.Context) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qMarkTestDatabase, nil)
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("mark test database: %w", err)
	}
	return nil
}
