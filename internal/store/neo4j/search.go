package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/chain"
	"chainmatch/internal/textkey"
)

// The parts of the search statement, one per index; qSearch joins those a
// chain.SearchQuery needs (a part whose parameter is empty is left out of
// the statement, so Neo4j plans and runs only what is used): the CJK name
// index ($names), the firms' search-key index ($firmKeys), the synonyms'
// key query over the same index ($synonyms; the service resolves it from
// its copy of the synonym list), and the USCC prefix scan. The catalogue's
// keys are matched in memory by the service (SearchCatalog).
const (
	qSearchPartName = `
	  CALL db.index.fulltext.queryNodes('name_search', $names, {limit: $limit}) YIELD node
	  RETURN node, 'name' AS via`
	qSearchPartFirmKeys = `
	  CALL db.index.fulltext.queryNodes('search_keys_firm', $firmKeys, {limit: $limit}) YIELD node
	  RETURN node, 'key' AS via`
	qSearchPartSynonyms = `
	  CALL db.index.fulltext.queryNodes('search_keys_firm', $synonyms, {limit: $limit}) YIELD node
	  RETURN node, 'synonym' AS via`
	qSearchPartUSCC = `
	  MATCH (node:Enterprise) WHERE node.uscc STARTS WITH $prefix
	  WITH node ORDER BY node.uscc LIMIT $limit
	  RETURN node, 'uscc' AS via`
)

// qSearchColumns are the columns of a hit (searchHits): each node found
// once, with the parts that found it and the object itself (as the map*
// functions read it), so that showing the hits costs no further
// statement; the objects' places (a relationship read per hit, a tenth of
// the statement's cost) only when places is set.
func qSearchColumns(places bool) string {
	ent, prod := enterpriseUnplacedColumns, productUnplacedColumns
	if places {
		ent, prod = enterpriseColumns, productColumns
	}
	return `	WITH node, via, node AS e, node AS p, node AS c
	RETURN CASE WHEN node:Enterprise THEN 'Enterprise' WHEN node:Product THEN 'Product' ELSE 'IndustrialChain' END AS kind,
	       coalesce(node.uscc, node.code) AS key, via, coalesce(node.searchKeys, '') AS searchKeys,
	       CASE WHEN node:Enterprise THEN ` + asMap(ent) + ` END AS enterprise,
	       CASE WHEN node:Product THEN ` + asMap(prod) + ` END AS product,
	       CASE WHEN node:IndustrialChain THEN ` + asMap(chainColumns) + ` END AS chain`
}

// The hit columns, built once.
var searchColumnsPlaced, searchColumnsUnplaced = qSearchColumns(true), qSearchColumns(false)

// qSearch is the search statement of the parts q needs; "" when it needs
// none.
func qSearch(q chain.SearchQuery) string {
	parts := make([]string, 0, 5)
	for _, p := range []struct {
		on   bool
		part string
	}{{q.Names != "", qSearchPartName}, {q.FirmKeys != "", qSearchPartFirmKeys},
		{q.Synonyms != "", qSearchPartSynonyms}, {q.USCCPrefix != "", qSearchPartUSCC}} {
		if p.on {
			parts = append(parts, p.part)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	cols := searchColumnsUnplaced
	if q.Places {
		cols = searchColumnsPlaced
	}
	return "CALL () {" + strings.Join(parts, "\n\tUNION") + "\n\t}\n\tWITH node, collect(via) AS via\n" + cols
}

// Search runs q in one read transaction and returns every node found, in
// no particular order (the service ranks them).
func (s *Store) Search(ctx context.Context, q chain.SearchQuery) ([]chain.Hit, error) {
	stmt := qSearch(q)
	if stmt == "" {
		return []chain.Hit{}, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]chain.Hit, error) {
		recs, err := run(ctx, tx, stmt, map[string]any{"names": q.Names, "firmKeys": q.FirmKeys, "synonyms": q.Synonyms,
			"prefix": q.USCCPrefix, "limit": q.Limit})
		if err != nil {
			return nil, err
		}
		return searchHits(recs)
	})
}

// searchHits reads the rows of qSearchColumns.
func searchHits(recs []*neo4j.Record) ([]chain.Hit, error) {
	out := make([]chain.Hit, 0, len(recs))
	for _, rec := range recs {
		r := &row{rec: rec}
		h := chain.Hit{Kind: chain.HitKind(r.str("kind")), Key: r.str("key"), SearchKeys: r.str("searchKeys")}
		via, _ := value[[]any](r, "via")
		for _, v := range via {
			if s, ok := v.(string); ok {
				h.Via = append(h.Via, s)
			}
		}
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
			return nil, r.err
		}
		out = append(out, h)
	}
	return out, nil
}

// qSearchCatalog is every chain and product with the columns of a search
// hit, places included (no parts found them: via is empty).
var qSearchCatalog = `MATCH (node:IndustrialChain|Product)
	WITH node, [] AS via
` + searchColumnsPlaced

// SearchCatalog returns every chain and product as a search hit, in one
// read statement (the search service matches key queries against them in
// memory).
func (s *Store) SearchCatalog(ctx context.Context) ([]chain.Hit, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]chain.Hit, error) {
		recs, err := run(ctx, tx, qSearchCatalog, nil)
		if err != nil {
			return nil, err
		}
		return searchHits(recs)
	})
}

// Synonym groups are SearchSynonym nodes, one per term of a group: term
// (normalised), group (the group's name) and keys (the Lucene query over
// searchKeys that finds the term, chain.SynonymGroup.Keys).
const (
	qDeleteSynonyms = `MATCH (s:SearchSynonym) DETACH DELETE s`
	qCreateSynonyms = `UNWIND $rows AS r
	CREATE (:SearchSynonym {term: r.term, group: r.group, keys: r.keys})`
)

// qSynonyms reads the synonym list: groups by name, their terms in order.
const qSynonyms = `MATCH (s:SearchSynonym) WITH s ORDER BY s.group, s.term
	RETURN s.group AS group, collect(s.term) AS terms, collect(s.keys) AS keys ORDER BY group`

// Synonyms returns every synonym group (chain.SynonymGroup), by name.
func (s *Store) Synonyms(ctx context.Context) ([]chain.SynonymGroup, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]chain.SynonymGroup, error) {
		recs, err := run(ctx, tx, qSynonyms, nil)
		if err != nil {
			return nil, err
		}
		groups := make([]chain.SynonymGroup, 0, len(recs))
		for _, rec := range recs {
			r := &row{rec: rec}
			g := chain.SynonymGroup{Name: r.str("group"), Terms: strList(r, "terms"), Keys: strList(r, "keys")}
			if r.err != nil {
				return nil, r.err
			}
			groups = append(groups, g)
		}
		return groups, nil
	})
	if err != nil {
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	return out, nil
}

// strList reads a list of strings.
func strList(r *row, key string) []string {
	vs, _ := value[[]any](r, key)
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ReplaceSynonyms replaces every synonym group in one write transaction.
func (s *Store) ReplaceSynonyms(ctx context.Context, groups []chain.SynonymGroup) error {
	var rows []map[string]any
	for _, g := range groups {
		for i, t := range g.Terms {
			rows = append(rows, map[string]any{"term": t, "group": g.Name, "keys": g.Keys[i]})
		}
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := run(ctx, tx, qDeleteSynonyms, nil); err != nil {
			return struct{}{}, err
		}
		_, err := run(ctx, tx, qCreateSynonyms, map[string]any{"rows": rows})
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("replace synonyms: %w", err)
	}
	return nil
}

// Re-keying: nodes whose searchKeys were written by other keying rules
// (or before there were any) get them again, in batches.
const (
	rekeyBatch      = 2000
	qStaleChainKeys = `MATCH (n:IndustrialChain) WHERE n.searchKeysVersion IS NULL OR n.searchKeysVersion <> $version
	RETURN n.code AS key, n.name AS name, coalesce(n.nameEn, '') AS nameEn LIMIT $limit`
	qStaleProductKeys = `MATCH (n:Product) WHERE n.searchKeysVersion IS NULL OR n.searchKeysVersion <> $version
	RETURN n.code AS key, n.name AS name, coalesce(n.nameEn, '') AS nameEn LIMIT $limit`
	qStaleEnterpriseKeys = `MATCH (n:Enterprise) WHERE n.searchKeysVersion IS NULL OR n.searchKeysVersion <> $version
	RETURN n.uscc AS key, n.name AS name, coalesce(n.nameEn, '') AS nameEn LIMIT $limit`
	qSetChainKeys = `UNWIND $rows AS r MATCH (n:IndustrialChain {code: r.key})
	SET n.searchKeys = r.keys, n.searchKeysVersion = $version`
	qSetProductKeys = `UNWIND $rows AS r MATCH (n:Product {code: r.key})
	SET n.searchKeys = r.keys, n.searchKeysVersion = $version`
	qSetEnterpriseKeys = `UNWIND $rows AS r MATCH (n:Enterprise {uscc: r.key})
	SET n.searchKeys = r.keys, n.searchKeysVersion = $version`
)

// RekeyNames writes the search keys (textkey.Keys) of every chain, product
// and enterprise whose keys are missing or from another textkey.Version,
// and returns how many it wrote. Migrate runs it, so that graphs written
// before the keys existed become searchable by pinyin and the rest.
func (s *Store) RekeyNames(ctx context.Context) (int, error) {
	total := 0
	for _, q := range [][2]string{{qStaleChainKeys, qSetChainKeys}, {qStaleProductKeys, qSetProductKeys},
		{qStaleEnterpriseKeys, qSetEnterpriseKeys}} {
		for {
			n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
				recs, err := run(ctx, tx, q[0], map[string]any{"version": textkey.Version, "limit": rekeyBatch})
				if err != nil || len(recs) == 0 {
					return 0, err
				}
				rows := make([]map[string]any, 0, len(recs))
				for _, rec := range recs {
					r := &row{rec: rec}
					k, name, nameEn := r.str("key"), r.str("name"), r.str("nameEn")
					if r.err != nil {
						return 0, r.err
					}
					rows = append(rows, map[string]any{"key": k, "keys": textkey.Keys(name, nameEn)})
				}
				_, err = run(ctx, tx, q[1], map[string]any{"rows": rows, "version": textkey.Version})
				return len(rows), err
			})
			if err != nil {
				return total, fmt.Errorf("re-key names: %w", err)
			}
			total += n
			if n < rekeyBatch {
				break
			}
		}
	}
	return total, nil
}
