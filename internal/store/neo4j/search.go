package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/chain"
)

const (
	// qSearchNames queries the CJK full-text index over enterprise,
	// product and chain names; $query is escaped Lucene text.
	qSearchNames = `CALL db.index.fulltext.queryNodes('name_search', $query, {limit: $limit}) YIELD node, score
	RETURN CASE WHEN node:Enterprise THEN 'Enterprise' WHEN node:Product THEN 'Product' ELSE 'IndustrialChain' END AS kind,
	       coalesce(node.uscc, node.code) AS key, score`
	// qSearchUSCC uses the unique USCC index for a prefix scan.
	qSearchUSCC = `MATCH (e:Enterprise) WHERE e.uscc STARTS WITH $prefix
	RETURN e.uscc AS key ORDER BY key LIMIT $limit`
)

// Search runs the full-text query (when fulltext is not empty) and the USCC
// prefix scan (when prefix is not empty) in one read transaction.
func (s *Store) Search(ctx context.Context, fulltext, prefix string, limit int) ([]chain.Hit, []string, error) {
	type result struct {
		names []chain.Hit
		usccs []string
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		var out result
		if fulltext != "" {
			recs, err := run(ctx, tx, qSearchNames, map[string]any{"query": fulltext, "limit": limit})
			if err != nil {
				return result{}, err
			}
			for _, rec := range recs {
				r := &row{rec: rec}
				h := chain.Hit{Kind: chain.HitKind(r.str("kind")), Key: r.str("key")}
				h.Score, _ = value[float64](r, "score")
				if r.err != nil {
					return result{}, r.err
				}
				out.names = append(out.names, h)
			}
		}
		if prefix != "" {
			recs, err := run(ctx, tx, qSearchUSCC, map[string]any{"prefix": prefix, "limit": limit})
			if err != nil {
				return result{}, err
			}
			for _, rec := range recs {
				r := &row{rec: rec}
				k := r.str("key")
				if r.err != nil {
					return result{}, r.err
				}
				out.usccs = append(out.usccs, k)
			}
		}
		return out, nil
	})
	return res.names, res.usccs, err
}
