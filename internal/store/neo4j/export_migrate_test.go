package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DropSchemaAndMigrations drops every constraint and every index except
// Neo4j's own token lookup indexes and deletes the migration records, so the
// next Migrate starts from a database that has never been migrated;
// test-only.
func DropSchemaAndMigrations(ctx context.Context, s *Store) error {
	names := func(q string) ([]string, error) {
		return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
			recs, err := run(ctx, tx, q, nil)
			if err != nil {
				return nil, err
			}
			out := make([]string, 0, len(recs))
			for _, r := range recs {
				n, _, err := neo4j.GetRecordValue[string](r, "name")
				if err != nil {
					return nil, err
				}
				out = append(out, n)
			}
			return out, nil
		})
	}
	constraints, err := names(`SHOW CONSTRAINTS YIELD name RETURN name`)
	if err != nil {
		return err
	}
	for _, n := range constraints {
		if err := s.schemaWrite(ctx, fmt.Sprintf("DROP CONSTRAINT `%s` IF EXISTS", n)); err != nil {
			return err
		}
	}
	indexes, err := names(`SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name`)
	if err != nil {
		return err
	}
	for _, n := range indexes {
		if err := s.schemaWrite(ctx, fmt.Sprintf("DROP INDEX `%s` IF EXISTS", n)); err != nil {
			return err
		}
	}
	return s.schemaWrite(ctx, `MATCH (m:Migration) DETACH DELETE m`)
}

// MigrationRecords counts the (:Migration) records per version; test-only.
func MigrationRecords(ctx context.Context, s *Store) (map[int]int, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[int]int, error) {
		recs, err := run(ctx, tx, `MATCH (m:Migration) RETURN m.version AS version, count(*) AS n`, nil)
		if err != nil {
			return nil, err
		}
		out := map[int]int{}
		for _, r := range recs {
			v, _, _ := neo4j.GetRecordValue[int64](r, "version")
			n, _, _ := neo4j.GetRecordValue[int64](r, "n")
			out[int(v)] = int(n)
		}
		return out, nil
	})
}
