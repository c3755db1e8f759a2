package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/match"
)

// Scoring known firms for many match requests at once (the alert
// evaluator): one statement for all askers, one for all (request, firm)
// pairs, whatever their number.

// qMatchAskers is qMatchAsker for a list of {i, uscc, codes}; an asker
// that does not exist yields no record.
const qMatchAskers = `
UNWIND $askers AS q
MATCH (a:Enterprise {uscc: q.uscc})
RETURN q.i AS i, a.uscc AS uscc, coalesce(a.isLocal, false) AS isLocal, a.location AS location,
  [(a)-[:IN_PARK]->(pk:Park) | pk.code][0] AS park,
  [(a)-[r:NEEDS]->(p:Product) | {code: p.code, name: p.name, nameEn: p.nameEn, amount: r.annualVolume, unit: r.unit}] AS needs,
  [(a)-[r:MAKES]->(p:Product) | {code: p.code, name: p.name, nameEn: p.nameEn, amount: r.annualCapacity, unit: r.unit}] AS makes,
  COLLECT { MATCH (a)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(s:ChainSegment) RETURN DISTINCT s.code } AS segments,
  COLLECT { UNWIND q.codes AS code MATCH (p:Product {code: code}) RETURN {code: p.code, name: p.name, nameEn: p.nameEn} } AS requested`

// MatchAskers implements match.Storer.
func (s *Store) MatchAskers(ctx context.Context, qs []match.AskerQuery) ([]*match.Asker, error) {
	out := make([]*match.Asker, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	rows := make([]map[string]any, len(qs))
	for i, q := range qs {
		rows[i] = map[string]any{"i": i, "uscc": q.USCC, "codes": nonNil(q.ProductCodes)}
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*match.Asker, error) {
		recs, err := run(ctx, tx, qMatchAskers, map[string]any{"askers": rows})
		if err != nil {
			return nil, err
		}
		return out, byRequest(recs, out, "match askers", askerFromRecord)
	})
}

// askerFromRecord reads the columns of qMatchAsker and qMatchAskers.
func askerFromRecord(rec *neo4j.Record) (match.Asker, error) {
	var a match.Asker
	var err error
	if a.USCC, _, err = neo4j.GetRecordValue[string](rec, "uscc"); err != nil {
		return a, err
	}
	if a.IsLocal, _, err = neo4j.GetRecordValue[bool](rec, "isLocal"); err != nil {
		return a, err
	}
	if a.Location, err = recordPoint(rec, "location"); err != nil {
		return a, err
	}
	if a.ParkCode, err = recordString(rec, "park"); err != nil {
		return a, err
	}
	if a.Needs, err = recordHoldings(rec, "needs"); err != nil {
		return a, err
	}
	if a.Makes, err = recordHoldings(rec, "makes"); err != nil {
		return a, err
	}
	if a.Segments, err = recordStrings(rec, "segments"); err != nil {
		return a, err
	}
	reqs, _, err := neo4j.GetRecordValue[[]any](rec, "requested")
	if err != nil {
		return a, err
	}
	for _, r := range reqs {
		a.Requested = append(a.Requested, productRef(r))
	}
	return a, nil
}

// qMatchCandidatesOf gathers, for each request {i, asker, only, codes,
// rel, kind, partners, localOnly, maxMeters, designations,
// askerSegments}, the one firm `only` as a candidate, with the very
// branches, filters and counts of the candidate statements (candidateQuery)
// restricted to that firm, every fit at once and without the per-fit cap
// (a single firm is never cut by it). The service keeps the fits the
// request's gathering would have kept (match.Service.CandidateMatches).
// rel is MAKES or NEEDS, from the service's fixed table, compared with
// type(r), never spliced into the statement. A request whose firm is no
// candidate yields no record.
const qMatchCandidatesOf = `
UNWIND $requests AS q
MATCH (a:Enterprise {uscc: q.asker})
MATCH (c:Enterprise {uscc: q.only})
WHERE c <> a
  AND (q.localOnly = false OR c.isLocal = true)
  AND (q.maxMeters IS NULL OR point.distance(c.location, a.location) <= q.maxMeters)
  AND (size(q.designations) = 0 OR EXISTS { MATCH (c)-[:HOLDS]->(d) WHERE d.code IN q.designations })
  AND NOT (q.partners AND EXISTS { MATCH (c)-[:SUPPLIES]-(a) })
CALL (q, a, c) {
  // PRODUCT: the firm trades the very product.
  UNWIND q.codes AS code
  MATCH (c)-[r:MAKES|NEEDS]->(want:Product {code: code})
  WHERE type(r) = q.rel
  WITH want, collect(r)[0] AS r
  RETURN r, want, want AS via, 'PRODUCT' AS fit
  UNION
  // SEGMENT: another product of the wanted product's segments, the
  // lowest-coded one.
  UNWIND q.codes AS code
  MATCH (want:Product {code: code})-[:IN_SEGMENT]->(:ChainSegment)<-[:IN_SEGMENT]-(via:Product)<-[r:MAKES|NEEDS]-(c)
  WHERE type(r) = q.rel AND via <> want
  WITH want, collect({r: r, via: via}) AS hs
  WITH want, reduce(b = head(hs), h IN tail(hs) | CASE WHEN h.via.code < b.via.code THEN h ELSE b END) AS h
  RETURN h.r AS r, want, h.via AS via, 'SEGMENT' AS fit
  UNION
  // ADJACENT: a product of a neighbouring segment, for the lowest-coded
  // wanted product of each set of segments (as adjacentBranch).
  UNWIND q.codes AS code
  MATCH (want:Product {code: code})
  WITH q, c, want, COLLECT { MATCH (want)-[:IN_SEGMENT]->(s:ChainSegment) RETURN s.code AS s ORDER BY s } AS segs
  WITH q, c, segs, min(want.code) AS lowest
  MATCH (want:Product {code: lowest})-[:IN_SEGMENT]->(s:ChainSegment)-[:PART_OF]->(:IndustrialChain)<-[:PART_OF]-(s2:ChainSegment)<-[:IN_SEGMENT]-(via:Product)<-[r:MAKES|NEEDS]-(c)
  WHERE type(r) = q.rel AND abs(s2.position - s.position) = 1
  WITH want, collect({r: r, via: via}) AS hs
  WITH want, reduce(b = head(hs), h IN tail(hs) | CASE WHEN h.via.code < b.via.code THEN h ELSE b END) AS h
  RETURN h.r AS r, want, h.via AS via, 'ADJACENT' AS fit
  UNION
  // SHARED (partner requests): a customer or a supplier in common.
  MATCH (a)-[:SUPPLIES]->(:Enterprise)<-[:SUPPLIES]-(c)
  WHERE q.partners
  RETURN DISTINCT null AS r, null AS want, null AS via, 'SHARED' AS fit
  UNION
  MATCH (a)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(c)
  WHERE q.partners
  RETURN DISTINCT null AS r, null AS want, null AS via, 'SHARED' AS fit
}
WITH q, a, c, collect({fit: fit,
  wanted: want.code, wantedName: want.name, wantedNameEn: want.nameEn,
  via: via.code, viaName: via.name, viaNameEn: via.nameEn,
  amount: coalesce(r.annualCapacity, r.annualVolume), unit: r.unit}) AS hits
RETURN q.i AS i, c.uscc AS uscc, coalesce(c.isLocal, false) AS isLocal,
  point.distance(c.location, a.location) / 1000.0 AS distanceKm,
  [(c)-[:IN_PARK]->(pk:Park) | pk.code][0] AS park,
  [(c)-[:HOLDS]->(d:Designation) | d.code] AS designations,
  hits,
  CASE WHEN q.kind = 'CUSTOMERS'
    THEN COUNT { MATCH (c)<-[:SUPPLIES]-(x:Enterprise)
      WHERE x <> a AND EXISTS { MATCH (x)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(sg:ChainSegment) WHERE sg.code IN q.askerSegments }
      RETURN DISTINCT x }
    ELSE COUNT { MATCH (c)-[:SUPPLIES]->(x:Enterprise)
      WHERE x <> a AND EXISTS { MATCH (x)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(sg:ChainSegment) WHERE sg.code IN q.askerSegments }
      RETURN DISTINCT x }
  END AS peers,
  COUNT { MATCH (c)-[:SUPPLIES]->(x:Enterprise)<-[:SUPPLIES]-(a) RETURN DISTINCT x }
    + COUNT { MATCH (c)<-[:SUPPLIES]-(x:Enterprise)-[:SUPPLIES]->(a) RETURN DISTINCT x } AS shared,
  CASE q.kind
    WHEN 'SUPPLIERS' THEN EXISTS { MATCH (c)-[:SUPPLIES]->(a) }
    WHEN 'CUSTOMERS' THEN EXISTS { MATCH (a)-[:SUPPLIES]->(c) }
    ELSE false
  END AS existing,
  ` + rankKey + ` AS rankKey`

// candidateKinds is the fixed table of the relationship a candidate of
// each kind trades the products through, and the kind's name in
// qMatchCandidatesOf.
var candidateKinds = map[match.Kind][2]string{
	match.Suppliers: {"MAKES", "SUPPLIERS"},
	match.Customers: {"NEEDS", "CUSTOMERS"},
	match.Partners:  {"MAKES", "PARTNERS"},
}

// MatchCandidatesOf implements match.Storer.
func (s *Store) MatchCandidatesOf(ctx context.Context, qs []match.CandidateQuery) ([]*match.Candidate, error) {
	out := make([]*match.Candidate, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	rows := make([]map[string]any, len(qs))
	var rank match.RankKey
	for i, q := range qs {
		k, ok := candidateKinds[q.Kind]
		if !ok || q.OnlyUSCC == nil {
			return nil, fmt.Errorf("match candidates of: request %d needs a known kind and a firm", i)
		}
		var maxMeters any
		if q.MaxDistanceKm != nil {
			maxMeters = *q.MaxDistanceKm * 1000
		}
		rows[i] = map[string]any{
			"i": i, "asker": q.AskerUSCC, "only": *q.OnlyUSCC, "codes": nonNil(q.ProductCodes),
			"rel": k[0], "kind": k[1], "partners": q.Kind == match.Partners,
			"localOnly": q.LocalOnly, "maxMeters": maxMeters, "designations": nonNil(q.Designations),
			"askerSegments": nonNil(q.AskerSegments),
		}
		rank = q.Rank
	}
	params := map[string]any{"requests": rows, "rank": map[string]any{
		"proximity": rank.Proximity, "qualification": rank.Qualification,
		"scaleKm": rank.ProximityScaleKm, "unknownProximity": rank.UnknownProximity,
		"ladder": ladder(rank.Ladder),
	}}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*match.Candidate, error) {
		recs, err := run(ctx, tx, qMatchCandidatesOf, params)
		if err != nil {
			return nil, err
		}
		return out, byRequest(recs, out, "match candidates of", candidate)
	})
}

// byRequest reads records that each answer the request at their column
// "i" (a batched statement's row number) into out[i]; requests without a
// record stay nil.
func byRequest[T any](recs []*neo4j.Record, out []*T, what string, read func(*neo4j.Record) (T, error)) error {
	for _, rec := range recs {
		i, _, err := neo4j.GetRecordValue[int64](rec, "i")
		if err != nil {
			return err
		}
		if i < 0 || int(i) >= len(out) {
			return fmt.Errorf("%s: record for request %d of %d", what, i, len(out))
		}
		v, err := read(rec)
		if err != nil {
			return err
		}
		out[i] = &v
	}
	return nil
}
