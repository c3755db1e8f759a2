package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/apperr"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// The match store: one statement for the asker, one for all candidates of
// a match request (see docs/matching.md for the round-trip budget).

const qMatchAsker = `
MATCH (a:Enterprise {uscc: $uscc})
RETURN a.uscc AS uscc, coalesce(a.isLocal, false) AS isLocal, a.location AS location,
  [(a)-[:IN_PARK]->(pk:Park) | pk.code][0] AS park,
  [(a)-[r:NEEDS]->(p:Product) | {code: p.code, name: p.name, nameEn: p.nameEn, amount: r.annualVolume, unit: r.unit}] AS needs,
  [(a)-[r:MAKES]->(p:Product) | {code: p.code, name: p.name, nameEn: p.nameEn, amount: r.annualCapacity, unit: r.unit}] AS makes,
  COLLECT { MATCH (a)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(s:ChainSegment) RETURN DISTINCT s.code } AS segments,
  COLLECT { UNWIND $codes AS code MATCH (p:Product {code: code}) RETURN {code: p.code, name: p.name, nameEn: p.nameEn} } AS requested`

// MatchAsker implements match.Storer.
func (s *Store) MatchAsker(ctx context.Context, uscc string, productCodes []string) (match.Asker, error) {
	if productCodes == nil {
		productCodes = []string{}
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (match.Asker, error) {
		rec, err := single(ctx, tx, qMatchAsker, map[string]any{"uscc": uscc, "codes": productCodes})
		if err != nil {
			return match.Asker{}, err
		}
		if rec == nil {
			return match.Asker{}, fmt.Errorf("enterprise %s: %w", uscc, apperr.ErrNotFound)
		}
		return askerFromRecord(rec)
	})
}

// candidateFilter keeps candidates that pass the request's filters; c is
// the candidate, a the asker (designations as fDesignations: no label
// check on HOLDS' far end).
const candidateFilter = `c <> a
      AND ($only IS NULL OR c.uscc = $only)
      AND ($localOnly = false OR c.isLocal = true)
      AND ($maxMeters IS NULL OR point.distance(c.location, a.location) <= $maxMeters)
      AND (size($designations) = 0 OR EXISTS { MATCH (c)-[:HOLDS]->(d) WHERE d.code IN $designations })
      AND NOT ($excludeTrading AND EXISTS { MATCH (c)-[:SUPPLIES]-(a) })`

// rankKey is the weighted proximity + qualification of candidate c for
// asker a (match.RankKey): the cap keeps the highest.
const rankKey = `$rank.proximity * coalesce(exp(-point.distance(c.location, a.location) / 1000.0 / $rank.scaleKm), $rank.unknownProximity)
      + $rank.qualification * reduce(q = 0.0, d IN [(c)-[:HOLDS]->(x:Designation) | x.code] | CASE WHEN coalesce($rank.ladder[d], 0.0) > q THEN $rank.ladder[d] ELSE q END)`

// candidateBranch gathers candidates through relationship rel (MAKES or
// NEEDS, from the allow-list below) for one fit; pattern binds via. The cap
// counts firms, not rows (a firm making five products of the segment is one
// candidate), and keeps each firm's lowest via product code: the hit the
// service would pick among hits of the same fit anyway (bestHit).
func candidateBranch(rel, pattern, extra, via, fit string) string {
	return fmt.Sprintf(`
    MATCH %s
    WHERE %s%s
    WITH a, c, collect({r: r, via: %s}) AS hs
    WITH a, c, hs, `+rankKey+` AS key ORDER BY key DESC, c.uscc LIMIT $perKind
    WITH c, reduce(b = head(hs), h IN tail(hs) | CASE WHEN h.via.code < b.via.code THEN h ELSE b END) AS h
    RETURN c, h.r AS r, h.via AS via, '%s' AS fit`, fmt.Sprintf(pattern, rel), candidateFilter, extra, via, fit)
}

// candidateQuery builds the candidate statement for relationship rel and
// the branches (fits) wanted. Every branch is capped at $perKind firms
// (highest rank key first) before the network counts are computed, so
// their cost is bounded by products x fits x $perKind.
func candidateQuery(rel string, peers, existing string, fits []match.Fit) string {
	var branches []string
	for _, f := range fits {
		switch f {
		case match.FitProduct:
			branches = append(branches, exactBranch(rel))
		case match.FitSegment:
			branches = append(branches, segmentBranch(rel))
		case match.FitAdjacent:
			branches = append(branches, adjacentBranch(rel))
		case match.FitShared:
			branches = append(branches, sharedBranches)
		}
	}
	return `
MATCH (a:Enterprise {uscc: $uscc})
// What the network counts compare every candidate with, collected once:
// the asker's customers and suppliers, and the products of its segments.
WITH a,
  COLLECT { MATCH (a)-[:SUPPLIES]->(x:Enterprise) RETURN DISTINCT x } AS askerCustomers,
  COLLECT { MATCH (a)<-[:SUPPLIES]-(x:Enterprise) RETURN DISTINCT x } AS askerSuppliers,
  COLLECT { MATCH (s:ChainSegment)<-[:IN_SEGMENT]-(p:Product) WHERE s.code IN $askerSegments RETURN DISTINCT p } AS segmentProducts
CALL (a) {` + strings.Join(branches, `
  UNION`) + `
}` + candidateReturn(peers, existing)
}

func exactBranch(rel string) string {
	return `
  UNWIND $codes AS code
  MATCH (want:Product {code: code})
  CALL (a, want) {` +
		candidateBranch(rel, `(c:Enterprise)-[r:%s]->(want)`, "", "want", string(match.FitProduct)) + `
  }
  RETURN c, r, want, via, fit`
}

func segmentBranch(rel string) string {
	return `
  // The same-segment fit: the makers of the segments' products are
  // gathered and ranked once per set of segments; each wanted product then
  // keeps, in memory, the best $perKind firms with another product than
  // itself (as if gathered per product).
  UNWIND $codes AS code
  MATCH (want:Product {code: code})
  WITH a, want, COLLECT { MATCH (want)-[:IN_SEGMENT]->(s:ChainSegment) RETURN s.code AS s ORDER BY s } AS segs
  WITH a, segs, collect(want) AS wants
  CALL (a, wants) {
    WITH a, wants, head(wants) AS w0
    // Two MATCH clauses: in one pattern, w0 itself could not be a via
    // (the same IN_SEGMENT edge twice), yet it is one for the others.
    MATCH (w0)-[:IN_SEGMENT]->(seg:ChainSegment)
    MATCH (seg)<-[:IN_SEGMENT]-(via:Product)<-[r:` + rel + `]-(c:Enterprise)
    WHERE ` + candidateFilter + `
    WITH a, wants, c, collect({r: r, via: via}) AS hs
    WITH wants, c, hs, ` + rankKey + ` AS key
    UNWIND wants AS want
    WITH want, c, key, [h IN hs WHERE h.via <> want] AS hs
    WHERE size(hs) > 0
    WITH want, c, hs ORDER BY key DESC, c.uscc
    WITH want, collect({c: c, hs: hs})[..$perKind] AS top
    UNWIND top AS t
    WITH want, t.c AS c, reduce(b = head(t.hs), h IN tail(t.hs) | CASE WHEN h.via.code < b.via.code THEN h ELSE b END) AS h
    RETURN c, h.r AS r, want, h.via AS via, '` + string(match.FitSegment) + `' AS fit
  }
  RETURN c, r, want, via, fit`
}

func adjacentBranch(rel string) string {
	return `
  // The adjacent-segment fit depends only on the wanted product's segments:
  // gathered once per set of segments, for its lowest-coded wanted product
  // (the hit the ranking picks among equal ones), not once per product.
  UNWIND $codes AS code
  MATCH (want:Product {code: code})
  WITH a, want, COLLECT { MATCH (want)-[:IN_SEGMENT]->(s:ChainSegment) RETURN s.code AS s ORDER BY s } AS segs
  WITH a, segs, min(want.code) AS lowest
  MATCH (want:Product {code: lowest})
  CALL (a, want) {` +
		candidateBranch(rel, `(want)-[:IN_SEGMENT]->(s:ChainSegment)-[:PART_OF]->(:IndustrialChain)<-[:PART_OF]-(s2:ChainSegment)<-[:IN_SEGMENT]-(via:Product)<-[r:%s]-(c:Enterprise)`, " AND abs(s2.position - s.position) = 1", "via", string(match.FitAdjacent)) + `
  }
  RETURN c, r, want, via, fit`
}

// sharedBranches gather firms sharing a customer or a supplier with the
// asker (partner matches only: $sharedPartners).
var sharedBranches = `
  MATCH (a)-[:SUPPLIES]->(:Enterprise)<-[:SUPPLIES]-(c:Enterprise)
  WHERE $sharedPartners AND ` + candidateFilter + `
  WITH DISTINCT a, c
  WITH a, c, ` + rankKey + ` AS key ORDER BY key DESC, c.uscc LIMIT $perKind
  RETURN c, null AS r, null AS want, null AS via, '` + string(match.FitShared) + `' AS fit
  UNION
  MATCH (a)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(c:Enterprise)
  WHERE $sharedPartners AND ` + candidateFilter + `
  WITH DISTINCT a, c
  WITH a, c, ` + rankKey + ` AS key ORDER BY key DESC, c.uscc LIMIT $perKind
  RETURN c, null AS r, null AS want, null AS via, '` + string(match.FitShared) + `' AS fit`

// candidateReturn is the tail of every candidate statement: one record per
// firm with its hits, network counts and rank key.
func candidateReturn(peers, existing string) string {
	return `
WITH a, askerCustomers, askerSuppliers, segmentProducts, c, collect({fit: fit,
  wanted: want.code, wantedName: want.name, wantedNameEn: want.nameEn,
  via: via.code, viaName: via.name, viaNameEn: via.nameEn,
  amount: coalesce(r.annualCapacity, r.annualVolume), unit: r.unit}) AS hits
RETURN c.uscc AS uscc, coalesce(c.isLocal, false) AS isLocal,
  point.distance(c.location, a.location) / 1000.0 AS distanceKm,
  [(c)-[:IN_PARK]->(pk:Park) | pk.code][0] AS park,
  [(c)-[:HOLDS]->(d:Designation) | d.code] AS designations,
  hits,
  ` + peers + ` AS peers,
  COUNT { MATCH (c)-[:SUPPLIES]->(x:Enterprise) WHERE x IN askerCustomers RETURN DISTINCT x }
    + COUNT { MATCH (c)<-[:SUPPLIES]-(x:Enterprise) WHERE x IN askerSuppliers RETURN DISTINCT x } AS shared,
  ` + existing + ` AS existing,
  ` + rankKey + ` AS rankKey`
}

// peersSupplied counts firms in the asker's segments the candidate supplies;
// peersSupplying those it buys from. A firm is in the asker's segments when
// it makes one of segmentProducts (the products of $askerSegments,
// collected once per statement, not walked per candidate's partner).
const (
	peersSupplied = `COUNT { MATCH (c)-[:SUPPLIES]->(x:Enterprise)
    WHERE x <> a AND EXISTS { MATCH (x)-[:MAKES]->(p:Product) WHERE p IN segmentProducts }
    RETURN DISTINCT x }`
	peersSupplying = `COUNT { MATCH (c)<-[:SUPPLIES]-(x:Enterprise)
    WHERE x <> a AND EXISTS { MATCH (x)-[:MAKES]->(p:Product) WHERE p IN segmentProducts }
    RETURN DISTINCT x }`
)

// The candidate statements per kind of match and set of fits (a bit mask
// over match.Fits), built once. Relationship types come from this fixed
// table, never from input.
var candidateStatements = func() map[match.Kind][]string {
	kinds := map[match.Kind][3]string{
		match.Suppliers: {"MAKES", peersSupplied, `EXISTS { MATCH (c)-[:SUPPLIES]->(a) }`},
		match.Customers: {"NEEDS", peersSupplying, `EXISTS { MATCH (a)-[:SUPPLIES]->(c) }`},
		match.Partners:  {"MAKES", peersSupplied, `false`},
	}
	out := map[match.Kind][]string{}
	for k, def := range kinds {
		qs := make([]string, 1<<len(match.Fits))
		for mask := 1; mask < len(qs); mask++ {
			var fits []match.Fit
			for i, f := range match.Fits {
				if mask&(1<<i) != 0 {
					fits = append(fits, f)
				}
			}
			qs[mask] = candidateQuery(def[0], def[1], def[2], fits)
		}
		out[k] = qs
	}
	return out
}()

// candidateStatement returns the statement gathering the fits wanted (all
// when none are named).
func candidateStatement(k match.Kind, fits []match.Fit) string {
	mask := 0
	for i, f := range match.Fits {
		if len(fits) == 0 || slices.Contains(fits, f) {
			mask |= 1 << i
		}
	}
	return candidateStatements[k][mask]
}

// MatchCandidates implements match.Storer.
func (s *Store) MatchCandidates(ctx context.Context, q match.CandidateQuery) ([]match.Candidate, error) {
	query := candidateStatement(q.Kind, q.Fits)
	var maxMeters any
	if q.MaxDistanceKm != nil {
		maxMeters = *q.MaxDistanceKm * 1000
	}
	params := map[string]any{
		"uscc":           q.AskerUSCC,
		"codes":          nonNil(q.ProductCodes),
		"localOnly":      q.LocalOnly,
		"maxMeters":      maxMeters,
		"designations":   nonNil(q.Designations),
		"excludeTrading": q.Kind == match.Partners,
		"sharedPartners": q.Kind == match.Partners,
		"askerSegments":  nonNil(q.AskerSegments),
		"perKind":        q.PerKind,
		"only":           optString(q.OnlyUSCC),
		"rank": map[string]any{
			"proximity": q.Rank.Proximity, "qualification": q.Rank.Qualification,
			"scaleKm": q.Rank.ProximityScaleKm, "unknownProximity": q.Rank.UnknownProximity,
			"ladder": ladder(q.Rank.Ladder),
		},
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]match.Candidate, error) {
		recs, err := run(ctx, tx, query, params)
		if err != nil {
			return nil, err
		}
		out := make([]match.Candidate, 0, len(recs))
		for _, rec := range recs {
			c, err := candidate(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	})
}

func candidate(rec *neo4j.Record) (match.Candidate, error) {
	var c match.Candidate
	var err error
	if c.USCC, _, err = neo4j.GetRecordValue[string](rec, "uscc"); err != nil {
		return c, err
	}
	if c.IsLocal, _, err = neo4j.GetRecordValue[bool](rec, "isLocal"); err != nil {
		return c, err
	}
	if c.DistanceKm, err = recordFloat(rec, "distanceKm"); err != nil {
		return c, err
	}
	if c.ParkCode, err = recordString(rec, "park"); err != nil {
		return c, err
	}
	if c.Designations, err = recordStrings(rec, "designations"); err != nil {
		return c, err
	}
	peers, _, err := neo4j.GetRecordValue[int64](rec, "peers")
	if err != nil {
		return c, err
	}
	shared, _, err := neo4j.GetRecordValue[int64](rec, "shared")
	if err != nil {
		return c, err
	}
	c.Peers, c.Shared = int(peers), int(shared)
	if c.Existing, _, err = neo4j.GetRecordValue[bool](rec, "existing"); err != nil {
		return c, err
	}
	if c.RankKey, _, err = neo4j.GetRecordValue[float64](rec, "rankKey"); err != nil {
		return c, err
	}
	hits, _, err := neo4j.GetRecordValue[[]any](rec, "hits")
	if err != nil {
		return c, err
	}
	for _, h := range hits {
		m, _ := h.(map[string]any)
		fit, _ := mapEntry[string](m, "fit")
		hit := match.Hit{Fit: match.Fit(fit)}
		hit.Wanted.Code, _ = mapEntry[string](m, "wanted")
		hit.Wanted.Name, _ = mapEntry[string](m, "wantedName")
		hit.Wanted.NameEn = mapString(m, "wantedNameEn")
		hit.Via.Code, _ = mapEntry[string](m, "via")
		hit.Via.Name, _ = mapEntry[string](m, "viaName")
		hit.Via.NameEn = mapString(m, "viaNameEn")
		hit.Amount = number(m["amount"])
		hit.Unit = mapString(m, "unit")
		c.Hits = append(c.Hits, hit)
	}
	return c, nil
}

// Record and map readers shared by the match and analytics statements.

func recordString(rec *neo4j.Record, key string) (*string, error) {
	v, isNil, err := neo4j.GetRecordValue[string](rec, key)
	if err != nil || isNil {
		return nil, err
	}
	return &v, nil
}

func recordFloat(rec *neo4j.Record, key string) (*float64, error) {
	v, ok := rec.Get(key)
	if !ok {
		return nil, fmt.Errorf("record has no %q", key)
	}
	return number(v), nil
}

func recordStrings(rec *neo4j.Record, key string) ([]string, error) {
	vs, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func recordPoint(rec *neo4j.Record, key string) (*geo.Point, error) {
	v, isNil, err := neo4j.GetRecordValue[neo4j.Point2D](rec, key)
	if err != nil || isNil {
		return nil, err
	}
	return &geo.Point{Latitude: v.Y, Longitude: v.X}, nil
}

func recordHoldings(rec *neo4j.Record, key string) ([]match.Holding, error) {
	vs, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return nil, err
	}
	out := make([]match.Holding, 0, len(vs))
	for _, v := range vs {
		m, _ := v.(map[string]any)
		out = append(out, match.Holding{Product: productRef(v), Amount: number(m["amount"]), Unit: mapString(m, "unit")})
	}
	return out, nil
}

// productRef reads a {code, name, nameEn} map.
func productRef(v any) match.ProductRef {
	m, _ := v.(map[string]any)
	var p match.ProductRef
	p.Code, _ = mapEntry[string](m, "code")
	p.Name, _ = mapEntry[string](m, "name")
	p.NameEn = mapString(m, "nameEn")
	return p
}

// mapEntry reads a typed entry of a map returned by Cypher.
func mapEntry[T any](m map[string]any, key string) (T, bool) {
	v, ok := m[key].(T)
	return v, ok
}

func mapString(m map[string]any, key string) *string {
	if v, ok := m[key].(string); ok {
		return &v
	}
	return nil
}

// number reads a Cypher number (integer or float) as a float, nil for null.
func number(v any) *float64 {
	switch n := v.(type) {
	case float64:
		return &n
	case int64:
		f := float64(n)
		return &f
	}
	return nil
}

func ladder(m map[string]float64) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// optString passes an optional string to Neo4j as itself or null.
func optString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var _ match.Storer = (*Store)(nil)
