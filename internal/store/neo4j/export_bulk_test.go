package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

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

// RelationshipEnds returns, per relationship type in the graph, the
// distinct "StartLabels->EndLabels" of its relationships (labels joined
// with ":"); test-only.
func RelationshipEnds(ctx context.Context, s *Store) (map[string][]string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]string, error) {
		recs, err := run(ctx, tx, `MATCH (a)-[r]->(b) WITH DISTINCT type(r) AS t, labels(a) AS from, labels(b) AS to
			RETURN t, from, to ORDER BY t`, nil)
		if err != nil {
			return nil, err
		}
		out := map[string][]string{}
		for _, rec := range recs {
			r := &row{rec: rec}
			t, from, to := r.str("t"), strList(r, "from"), strList(r, "to")
			if r.err != nil {
				return nil, r.err
			}
			slices.Sort(from)
			slices.Sort(to)
			out[t] = append(out[t], strings.Join(from, ":")+"->"+strings.Join(to, ":"))
		}
		return out, nil
	})
}
