package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/matchindex"
)

// The statements behind the in-process match index (package matchindex):
// the head it checks before every match, the catalogue, the firms' match
// facts paged by USCC for a full load, and the same facts of named firms
// for catching up with the change log.
//
// (:MatchIndexEpoch {token}) marks writes that change match facts without
// appending change events: the bulk loader and catalogue writes set a new
// random token; a wipe deletes it. An index that sees another token than
// its snapshot's rebuilds.

const (
	qMatchIndexHead = `OPTIONAL MATCH (k:ChangeCounter {name: 'changes'})
RETURN coalesce(k.seq, 0) AS seq, coalesce(k.purgedThrough, 0) AS purged,
  COLLECT { MATCH (m:MatchIndexEpoch) RETURN m.token AS t ORDER BY t } AS epochs`

	// qBumpMatchEpoch replaces every epoch node by one with a new token.
	qBumpMatchEpoch = `OPTIONAL MATCH (old:MatchIndexEpoch)
DELETE old
WITH count(*) AS n
CREATE (:MatchIndexEpoch {token: $token})`

	qMatchIndexCatalog = `RETURN
  COLLECT { MATCH (p:Product) RETURN {code: p.code, name: p.name, nameEn: p.nameEn,
            segments: [(p)-[:IN_SEGMENT]->(s:ChainSegment) | s.code]} } AS products,
  COLLECT { MATCH (s:ChainSegment) RETURN {code: s.code, position: s.position,
            chains: [(s)-[:PART_OF]->(c:IndustrialChain) | c.code]} } AS segments,
  COLLECT { MATCH (c:IndustrialChain) RETURN c.code } AS chains`

	// matchFirmFacts projects one enterprise e's match facts.
	matchFirmFacts = `RETURN e.uscc AS uscc, coalesce(e.isLocal, false) AS isLocal, e.location AS location,
  [(e)-[:IN_PARK]->(pk:Park) | pk.code][0] AS park,
  [(e)-[:HOLDS]->(d:Designation) | d.code] AS designations,
  [(e)-[r:MAKES]->(p:Product) | {code: p.code, amount: r.annualCapacity, unit: r.unit}] AS makes,
  [(e)-[r:NEEDS]->(p:Product) | {code: p.code, amount: r.annualVolume, unit: r.unit}] AS needs,
  COLLECT { MATCH (e)-[:SUPPLIES]->(x:Enterprise) RETURN DISTINCT x.uscc } AS customers,
  COLLECT { MATCH (e)<-[:SUPPLIES]-(x:Enterprise) RETURN DISTINCT x.uscc } AS suppliers`

	qMatchIndexFirms = `MATCH (e:Enterprise) WHERE e.uscc > $after
WITH e ORDER BY e.uscc LIMIT $limit
` + matchFirmFacts

	qMatchIndexFirmsByUSCC = `UNWIND $usccs AS u
MATCH (e:Enterprise {uscc: u})
` + matchFirmFacts
)

// MatchIndexHead implements matchindex.Source.
func (s *Store) MatchIndexHead(ctx context.Context) (matchindex.Head, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (matchindex.Head, error) {
		var h matchindex.Head
		rec, err := single(ctx, tx, qMatchIndexHead, nil)
		if err != nil || rec == nil {
			return h, err
		}
		if h.Seq, _, err = neo4j.GetRecordValue[int64](rec, "seq"); err != nil {
			return h, err
		}
		if h.Purged, _, err = neo4j.GetRecordValue[int64](rec, "purged"); err != nil {
			return h, err
		}
		epochs, err := recordStrings(rec, "epochs")
		h.Epoch = strings.Join(epochs, ",")
		return h, err
	})
}

// bumpMatchEpoch gives the match epoch a new token in tx (token made
// outside the retried transaction function).
func bumpMatchEpoch(ctx context.Context, tx neo4j.ManagedTransaction, token string) error {
	_, err := run(ctx, tx, qBumpMatchEpoch, map[string]any{"token": token})
	return err
}

// BumpMatchEpoch tells every match index that match facts changed without
// change events (the bulk loader calls it after a load).
func (s *Store) BumpMatchEpoch(ctx context.Context) error {
	token := newChangeIDs(1)[0]
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, bumpMatchEpoch(ctx, tx, token)
	})
	return err
}

// MatchIndexCatalog implements matchindex.Source.
func (s *Store) MatchIndexCatalog(ctx context.Context) (matchindex.Catalog, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (matchindex.Catalog, error) {
		var c matchindex.Catalog
		rec, err := single(ctx, tx, qMatchIndexCatalog, nil)
		if err != nil || rec == nil {
			return c, err
		}
		ps, _, err := neo4j.GetRecordValue[[]any](rec, "products")
		if err != nil {
			return c, err
		}
		for _, p := range ps {
			m, _ := p.(map[string]any)
			ref := productRef(p)
			c.Products = append(c.Products, matchindex.Product{Code: ref.Code, Name: ref.Name, NameEn: ref.NameEn,
				Segments: sortedStrings(m["segments"])})
		}
		ss, _, err := neo4j.GetRecordValue[[]any](rec, "segments")
		if err != nil {
			return c, err
		}
		for _, sg := range ss {
			m, _ := sg.(map[string]any)
			code, _ := mapEntry[string](m, "code")
			c.Segments = append(c.Segments, matchindex.Segment{Code: code, Position: number(m["position"]),
				Chains: sortedStrings(m["chains"])})
		}
		c.Chains, err = recordStrings(rec, "chains")
		return c, err
	})
}

// MatchIndexFirms implements matchindex.Source.
func (s *Store) MatchIndexFirms(ctx context.Context, after string, limit int) ([]matchindex.Firm, error) {
	return s.matchFirms(ctx, qMatchIndexFirms, map[string]any{"after": after, "limit": limit})
}

// MatchIndexFirmsByUSCC implements matchindex.Source.
func (s *Store) MatchIndexFirmsByUSCC(ctx context.Context, usccs []string) ([]matchindex.Firm, error) {
	return s.matchFirms(ctx, qMatchIndexFirmsByUSCC, map[string]any{"usccs": nonNil(usccs)})
}

func (s *Store) matchFirms(ctx context.Context, query string, params map[string]any) ([]matchindex.Firm, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]matchindex.Firm, error) {
		recs, err := run(ctx, tx, query, params)
		if err != nil {
			return nil, err
		}
		out := make([]matchindex.Firm, 0, len(recs))
		for _, rec := range recs {
			var f matchindex.Firm
			if f.USCC, _, err = neo4j.GetRecordValue[string](rec, "uscc"); err != nil {
				return nil, err
			}
			if f.IsLocal, _, err = neo4j.GetRecordValue[bool](rec, "isLocal"); err != nil {
				return nil, err
			}
			if f.Location, err = recordPoint(rec, "location"); err != nil {
				return nil, err
			}
			if f.Park, err = recordString(rec, "park"); err != nil {
				return nil, err
			}
			if f.Designations, err = recordStrings(rec, "designations"); err != nil {
				return nil, err
			}
			for _, key := range []string{"makes", "needs"} {
				vs, _, err := neo4j.GetRecordValue[[]any](rec, key)
				if err != nil {
					return nil, err
				}
				hs := make([]matchindex.Holding, 0, len(vs))
				for _, v := range vs {
					m, _ := v.(map[string]any)
					code, _ := mapEntry[string](m, "code")
					hs = append(hs, matchindex.Holding{Product: code, Amount: number(m["amount"]), Unit: mapString(m, "unit")})
				}
				if key == "makes" {
					f.Makes = hs
				} else {
					f.Needs = hs
				}
			}
			if f.Customers, err = recordStrings(rec, "customers"); err != nil {
				return nil, err
			}
			if f.Suppliers, err = recordStrings(rec, "suppliers"); err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	})
}

// sortedStrings keeps the strings of a Cypher list, sorted.
func sortedStrings(v any) []string {
	vs, _ := v.([]any)
	out := make([]string, 0, len(vs))
	for _, x := range vs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

var _ matchindex.Source = (*Store)(nil)
