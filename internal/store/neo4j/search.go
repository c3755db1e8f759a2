package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/chain"
)

// The search statements return the objects found with the hits (the
// enterprise, product or chain, as the map* functions read them), so that
// showing the hits' names costs no further statements.
var (
	// qSearchNames queries the CJK full-text index over enterprise,
	// product and chain names; $query is escaped Lucene text.
	qSearchNames = `CALL db.index.fulltext.queryNodes('name_search', $query, {limit: $limit}) YIELD node, score
	WITH node, score, node AS e, node AS p, node AS c
	RETURN CASE WHEN node:Enterprise THEN 'Enterprise' WHEN node:Product THEN 'Product' ELSE 'IndustrialChain' END AS kind,
	       coalesce(node.uscc, node.code) AS key, score,
	       CASE WHEN node:Enterprise THEN ` + asMap(enterpriseColumns) + ` END AS enterprise,
	       CASE WHEN node:Product THEN ` + asMap(productColumns) + ` END AS product,
	       CASE WHEN node:IndustrialChain THEN ` + asMap(chainColumns) + ` END AS chain`
	// qSearchUSCC uses the unique USCC index for a prefix scan.
	qSearchUSCC = `MATCH (e:Enterprise) WHERE e.uscc STARTS WITH $prefix
	WITH e ORDER BY e.uscc LIMIT $limit
	RETURN e.uscc AS key, ` + enterpriseColumns
)

// Search runs the full-text query (when fulltext is not empty) and the USCC
// prefix scan (when prefix is not empty) in one read transaction.
func (s *Store) Search(ctx context.Context, fulltext, prefix string, limit int) ([]chain.Hit, []chain.Hit, error) {
	type result struct {
		names []chain.Hit
		usccs []chain.Hit
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
				if e, ok := mapColumn(r, "enterprise", mapEnterprise); ok {
					h.Enterprise = &e
				}
				if p, ok := mapColumn(r, "product", mapProduct); ok {
					h.Product = &p
				}
				if c, ok := mapColumn(r, "chain", mapChain); ok {
					h.Chain = &c
				}
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
				e := mapEnterprise(r)
				h := chain.Hit{Kind: chain.HitEnterprise, Key: r.str("key"), Enterprise: &e}
				if r.err != nil {
					return result{}, r.err
				}
				out.usccs = append(out.usccs, h)
			}
		}
		return out, nil
	})
	return res.names, res.usccs, err
}
