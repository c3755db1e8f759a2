package neo4jstore

import "context"

// NameSearchState returns the state of the full-text index ("" when it is
// missing); test-only.
func NameSearchState(ctx context.Context, s *Store) (string, error) {
	return s.indexState(ctx, nameSearchIndex)
}

// DropNameSearch drops the full-text index, as a fresh bulk load killed
// before rebuilding it would leave the schema; test-only.
func DropNameSearch(ctx context.Context, s *Store) error {
	return s.schemaWrite(ctx, qDropNameSearchIndex)
}
