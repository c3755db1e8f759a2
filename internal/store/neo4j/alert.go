package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/alert"
	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/match"
)

// Saved searches and match alerts:
//
//	(:SavedSearch {id, name, kind, ownerId, ownerRole, uscc, productCodes,
//	               implicit, localOnly, maxDistanceKm, designations, minScore,
//	               lang, createdAt, known})
//	  -[:ASKS_FOR]->(:Enterprise)  -[:WATCHES]->(:Product)
//	(:MatchAlert {id, key, ownerId, ownerRole, searchId, candidate, productCode,
//	              fit, score, distanceKm, componentNames, componentWeights,
//	              componentValues, reasons, existingRelation, causeId,
//	              causeSeq, causeKind, causeEntityId, causeRelatedId,
//	              causeProductId, causeAt, createdAt})
//	  -[:FOR]->(:SavedSearch)  -[:CAUSED_BY]->(:ChangeEvent)
//
// implicit is true when no products were given: the search then follows
// the enterprise's needs or products through ASKS_FOR. key is
// searchId|candidate USCC, unique (migration 8): one alert per search and
// candidate, also against concurrent evaluators.

// savedSearchMap reads a saved search bound to s as a map.
const savedSearchMap = `s {.id, .name, .kind, .ownerId, .ownerRole, .uscc, .productCodes, .localOnly,
  .maxDistanceKm, .designations, .minScore, .lang, .createdAt, .known}`

const savedSearchProjection = savedSearchMap + ` AS s`

func savedSearchFromRecord(rec *neo4j.Record) (alert.SavedSearch, error) {
	m, _, err := neo4j.GetRecordValue[map[string]any](rec, "s")
	if err != nil {
		return alert.SavedSearch{}, err
	}
	return savedSearchFromMap(m), nil
}

func savedSearchFromMap(m map[string]any) alert.SavedSearch {
	var s alert.SavedSearch
	s.ID, _ = m["id"].(string)
	s.Name, _ = m["name"].(string)
	k, _ := m["kind"].(string)
	s.Kind = alert.Kind(k)
	s.OwnerID, _ = m["ownerId"].(string)
	r, _ := m["ownerRole"].(string)
	s.OwnerRole = auth.Role(r)
	s.EnterpriseUSCC, _ = m["uscc"].(string)
	if v, ok := m["productCodes"].([]any); ok {
		s.ProductCodes = anyStrings(v)
	}
	s.LocalOnly, _ = m["localOnly"].(bool)
	s.MaxDistanceKm = number(m["maxDistanceKm"])
	if v, ok := m["designations"].([]any); ok {
		s.Designations = []enterprise.Designation{}
		for _, d := range anyStrings(v) {
			s.Designations = append(s.Designations, enterprise.Designation(d))
		}
	}
	if f := number(m["minScore"]); f != nil {
		s.MinScore = *f
	}
	lang, _ := m["lang"].(string)
	s.Language = match.Language(lang)
	at, _ := m["createdAt"].(time.Time)
	s.CreatedAt = at.UTC()
	if v, ok := m["known"].([]any); ok {
		s.Known = anyStrings(v)
	}
	return s
}

func anyStrings(vs []any) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// optStrings passes an optional list to Neo4j: nil stays null.
func optStrings(s []string) any {
	if s == nil {
		return nil
	}
	return s
}

// optID passes an optional id to Neo4j: "" is null.
func optID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

func optFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

const qCreateSavedSearch = `MATCH (e:Enterprise {uscc: $uscc})
WITH e, COLLECT { UNWIND coalesce($products, []) AS code MATCH (p:Product {code: code}) RETURN p } AS ps
WHERE size(ps) = size(coalesce($products, []))
MERGE (s:SavedSearch {id: $id})
  ON CREATE SET s.name = $name, s.kind = $kind, s.ownerId = $ownerId, s.ownerRole = $ownerRole,
    s.uscc = $uscc, s.productCodes = $products, s.implicit = $products IS NULL,
    s.localOnly = $localOnly, s.maxDistanceKm = $maxDistanceKm, s.designations = $designations,
    s.minScore = $minScore, s.lang = $lang, s.createdAt = $createdAt, s.known = $known
MERGE (s)-[:ASKS_FOR]->(e)
FOREACH (p IN ps | MERGE (s)-[:WATCHES]->(p))
RETURN s.id AS id`

// CreateSavedSearch implements alert.Storer.
func (s *Store) CreateSavedSearch(ctx context.Context, ss alert.SavedSearch) error {
	var designations []string
	if ss.Designations != nil {
		designations = make([]string, len(ss.Designations))
		for i, d := range ss.Designations {
			designations[i] = string(d)
		}
	}
	params := map[string]any{
		"id": ss.ID, "name": ss.Name, "kind": string(ss.Kind), "ownerId": ss.OwnerID, "ownerRole": string(ss.OwnerRole),
		"uscc": ss.EnterpriseUSCC, "products": optStrings(ss.ProductCodes), "localOnly": ss.LocalOnly,
		"maxDistanceKm": optFloat(ss.MaxDistanceKm), "designations": optStrings(designations),
		"minScore": ss.MinScore, "lang": string(ss.Language), "createdAt": ss.CreatedAt.UTC(), "known": nonNil(ss.Known),
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		rec, err := single(ctx, tx, qCreateSavedSearch, params)
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, fmt.Errorf("saved search for %s: %w", ss.EnterpriseUSCC, apperr.ErrNotFound)
		}
		return struct{}{}, nil
	})
	return err
}

const qSavedSearch = `MATCH (s:SavedSearch {id: $id}) RETURN ` + savedSearchProjection

// SavedSearch implements alert.Storer.
func (s *Store) SavedSearch(ctx context.Context, id string) (alert.SavedSearch, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (alert.SavedSearch, error) {
		rec, err := single(ctx, tx, qSavedSearch, map[string]any{"id": id})
		if err != nil {
			return alert.SavedSearch{}, err
		}
		if rec == nil {
			return alert.SavedSearch{}, fmt.Errorf("saved search %s: %w", id, apperr.ErrNotFound)
		}
		return savedSearchFromRecord(rec)
	})
}

const qSavedSearches = `MATCH (s:SavedSearch)
WHERE ($owner IS NULL OR s.ownerId = $owner)
  AND ($afterAt IS NULL OR s.createdAt < $afterAt OR (s.createdAt = $afterAt AND s.id < $afterId))
WITH s ORDER BY s.createdAt DESC, s.id DESC LIMIT $limit
RETURN ` + savedSearchProjection

// SavedSearches implements alert.Storer.
func (s *Store) SavedSearches(ctx context.Context, ownerID *string, first int, after *alert.Cursor) (alert.SearchPage, error) {
	params := map[string]any{"owner": optString(ownerID), "limit": first + 1, "afterAt": nil, "afterId": nil}
	if after != nil {
		params["afterAt"], params["afterId"] = after.At.UTC(), after.ID
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (alert.SearchPage, error) {
		recs, err := run(ctx, tx, qSavedSearches, params)
		if err != nil {
			return alert.SearchPage{}, err
		}
		p := alert.SearchPage{Searches: make([]alert.SavedSearch, 0, len(recs))}
		for i, rec := range recs {
			if i == first {
				p.HasNextPage = true
				break
			}
			ss, err := savedSearchFromRecord(rec)
			if err != nil {
				return p, err
			}
			p.Searches = append(p.Searches, ss)
		}
		return p, nil
	})
}

const qDeleteSavedSearch = `MATCH (s:SavedSearch {id: $id})
CALL (s) { OPTIONAL MATCH (s)<-[:FOR]-(a:MatchAlert) DETACH DELETE a }
DETACH DELETE s
RETURN count(*) AS n`

// DeleteSavedSearch implements alert.Storer.
func (s *Store) DeleteSavedSearch(ctx context.Context, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		rec, err := single(ctx, tx, qDeleteSavedSearch, map[string]any{"id": id})
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, fmt.Errorf("saved search %s: %w", id, apperr.ErrNotFound)
		}
		if n, _, _ := neo4j.GetRecordValue[int64](rec, "n"); n == 0 {
			return struct{}{}, fmt.Errorf("saved search %s: %w", id, apperr.ErrNotFound)
		}
		return struct{}{}, nil
	})
	return err
}

// qSearchesFor finds, for each firm x of $usccs, the saved searches it
// could newly enter, walking from x: the products it makes (for supplier
// and partner searches) or buys (for customer searches), widened to the
// products of the same and the neighbouring chain segments (the matches'
// near fits), then the searches watching one of them (WATCHES) or, for
// searches without products, the searches of the enterprises needing or
// making one of them (ASKS_FOR); and for partner searches, the searches of
// firms x shares a customer or supplier with. The work is bounded by the
// firms' products, their segments and the searches that actually relate
// to them, never by the number of saved searches.
const qSearchesFor = `UNWIND $usccs AS uscc
MATCH (x:Enterprise {uscc: uscc})
CALL (x) {
  MATCH (x)-[r:MAKES|NEEDS]->(p:Product)
  WITH DISTINCT type(r) AS rel, p
  CALL (p) {
    RETURN p AS w
    UNION
    MATCH (p)-[:IN_SEGMENT]->(:ChainSegment)<-[:IN_SEGMENT]-(w:Product) RETURN w
    UNION
    MATCH (p)-[:IN_SEGMENT]->(sg:ChainSegment)-[:PART_OF]->(:IndustrialChain)<-[:PART_OF]-(s2:ChainSegment)<-[:IN_SEGMENT]-(w:Product)
    WHERE abs(s2.position - sg.position) = 1
    RETURN w
  }
  WITH DISTINCT rel, w
  CALL (rel, w) {
    MATCH (w)<-[:WATCHES]-(s:SavedSearch)
    WHERE (rel = 'MAKES' AND s.kind IN ['SUPPLIER', 'PARTNER']) OR (rel = 'NEEDS' AND s.kind = 'CUSTOMER')
    RETURN s
    UNION
    MATCH (w)<-[ar:NEEDS|MAKES]-(:Enterprise)<-[:ASKS_FOR]-(s:SavedSearch)
    WHERE s.implicit
      AND ((rel = 'MAKES' AND ((s.kind = 'SUPPLIER' AND type(ar) = 'NEEDS') OR (s.kind = 'PARTNER' AND type(ar) = 'MAKES')))
        OR (rel = 'NEEDS' AND s.kind = 'CUSTOMER' AND type(ar) = 'MAKES'))
    RETURN s
  }
  RETURN s
  UNION
  MATCH (x)-[:SUPPLIES]->(:Enterprise)<-[:SUPPLIES]-(:Enterprise)<-[:ASKS_FOR]-(s:SavedSearch {kind: 'PARTNER'})
  RETURN s
  UNION
  MATCH (x)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(:Enterprise)<-[:ASKS_FOR]-(s:SavedSearch {kind: 'PARTNER'})
  RETURN s
}
WITH DISTINCT uscc, s
WHERE s.uscc <> uscc AND NOT uscc IN s.known
  AND NOT EXISTS { MATCH (:MatchAlert {key: s.id + '|' + uscc}) }
RETURN uscc, ` + savedSearchProjection + `
ORDER BY uscc, s.id`

// SearchesFor implements alert.Storer.
func (s *Store) SearchesFor(ctx context.Context, usccs []string) (map[string][]alert.SavedSearch, error) {
	out := map[string][]alert.SavedSearch{}
	if len(usccs) == 0 {
		return out, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]alert.SavedSearch, error) {
		recs, err := run(ctx, tx, qSearchesFor, map[string]any{"usccs": usccs})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			u, _, err := neo4j.GetRecordValue[string](rec, "uscc")
			if err != nil {
				return nil, err
			}
			ss, err := savedSearchFromRecord(rec)
			if err != nil {
				return nil, err
			}
			out[u] = append(out[u], ss)
		}
		return out, nil
	})
}

// qSearchesOf reads the saved searches for the firms of $usccs (their
// askers), with the candidates each has alerted about.
const qSearchesOf = `UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})<-[:ASKS_FOR]-(s:SavedSearch)
RETURN ` + savedSearchProjection + `, [(s)<-[:FOR]-(a:MatchAlert) | a.candidate] AS alerted
ORDER BY s.id`

// SearchesOf implements alert.Storer.
func (s *Store) SearchesOf(ctx context.Context, usccs []string) ([]alert.SavedSearch, error) {
	if len(usccs) == 0 {
		return nil, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]alert.SavedSearch, error) {
		recs, err := run(ctx, tx, qSearchesOf, map[string]any{"usccs": usccs})
		if err != nil {
			return nil, err
		}
		out := make([]alert.SavedSearch, 0, len(recs))
		for _, rec := range recs {
			ss, err := savedSearchFromRecord(rec)
			if err != nil {
				return nil, err
			}
			alerted, err := recordStrings(rec, "alerted")
			if err != nil {
				return nil, err
			}
			ss.Known = append(ss.Known, alerted...)
			out = append(out, ss)
		}
		return out, nil
	})
}

// qRecordAlerts writes each alert once per search and candidate (MERGE on
// the unique key); an alert whose search was deleted meanwhile is dropped.
// created counts the alerts this statement made (ids are generated before
// the transaction, so a retry counts the same).
const qRecordAlerts = `UNWIND $alerts AS x
MATCH (s:SavedSearch {id: x.searchId})
MERGE (a:MatchAlert {key: x.searchId + '|' + x.candidate})
  ON CREATE SET a.id = x.id, a.ownerId = s.ownerId, a.ownerRole = s.ownerRole, a.searchId = s.id,
    a.candidate = x.candidate, a.productCode = x.productCode, a.fit = x.fit, a.score = x.score,
    a.distanceKm = x.distanceKm, a.componentNames = x.componentNames, a.componentWeights = x.componentWeights,
    a.componentValues = x.componentValues, a.reasons = x.reasons, a.existingRelation = x.existingRelation,
    a.causeId = x.causeId, a.causeSeq = x.causeSeq, a.causeKind = x.causeKind, a.causeEntityId = x.causeEntityId,
    a.causeRelatedId = x.causeRelatedId, a.causeProductId = x.causeProductId,
    a.causeAt = x.causeAt, a.createdAt = x.createdAt
WITH s, a, x, a.id = x.id AS created
MERGE (a)-[:FOR]->(s)
WITH a, x, created
OPTIONAL MATCH (ev:ChangeEvent {id: x.causeId})
FOREACH (e IN CASE WHEN ev IS NULL THEN [] ELSE [ev] END | MERGE (a)-[:CAUSED_BY]->(e))
RETURN count(CASE WHEN created THEN 1 END) AS created`

// RecordAlerts implements alert.Storer.
func (s *Store) RecordAlerts(ctx context.Context, alerts []alert.Alert) (int, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		return RecordAlertsTx(ctx, tx, alerts)
	})
}

// RecordAlertsTx is RecordAlerts inside a transaction the caller runs, so
// that the change-log follower commits the alerts of an event together
// with its cursor.
func RecordAlertsTx(ctx context.Context, tx neo4j.ManagedTransaction, alerts []alert.Alert) (int, error) {
	if len(alerts) == 0 {
		return 0, nil
	}
	rows := make([]map[string]any, len(alerts))
	for i, a := range alerts {
		m := a.Match
		names := make([]string, len(m.Components))
		weights := make([]float64, len(m.Components))
		values := make([]float64, len(m.Components))
		for j, c := range m.Components {
			names[j], weights[j], values[j] = c.Name, c.Weight, c.Value
		}
		rows[i] = map[string]any{
			"id": a.ID, "searchId": a.SearchID, "candidate": m.CandidateUSCC, "productCode": optString(m.ProductCode),
			"fit": string(m.Fit), "score": m.Score, "distanceKm": optFloat(m.DistanceKm),
			"componentNames": names, "componentWeights": weights, "componentValues": values,
			"reasons": nonNil(m.Reasons), "existingRelation": m.ExistingRelation,
			"causeId": a.Cause.ID, "causeSeq": a.Cause.Seq, "causeKind": a.Cause.Kind, "causeEntityId": a.Cause.EntityID,
			"causeRelatedId": optID(a.Cause.RelatedID), "causeProductId": optID(a.Cause.ProductID),
			"causeAt": a.Cause.At.UTC(), "createdAt": a.CreatedAt.UTC(),
		}
	}
	rec, err := single(ctx, tx, qRecordAlerts, map[string]any{"alerts": rows})
	if err != nil || rec == nil {
		return 0, err
	}
	n, _, err := neo4j.GetRecordValue[int64](rec, "created")
	return int(n), err
}

// alertProjection reads an alert bound to a, with its saved search (so
// that a page of alerts and their searches cost one statement).
const alertProjection = `a {.id, .ownerId, .searchId, .candidate, .productCode, .fit, .score, .distanceKm,
  .componentNames, .componentWeights, .componentValues, .reasons, .existingRelation, .causeId, .causeSeq, .causeKind, .causeEntityId, .causeRelatedId, .causeProductId, .causeAt, .createdAt} AS a,
  [(a)-[:FOR]->(s:SavedSearch) | ` + savedSearchMap + `][0] AS s`

func alertFromRecord(rec *neo4j.Record) (alert.Alert, error) {
	m, _, err := neo4j.GetRecordValue[map[string]any](rec, "a")
	if err != nil {
		return alert.Alert{}, err
	}
	var a alert.Alert
	if sm, isNil, err := neo4j.GetRecordValue[map[string]any](rec, "s"); err == nil && !isNil {
		ss := savedSearchFromMap(sm)
		a.Search = &ss
	}
	a.ID, _ = m["id"].(string)
	a.OwnerID, _ = m["ownerId"].(string)
	a.SearchID, _ = m["searchId"].(string)
	a.Cause.ID, _ = m["causeId"].(string)
	a.Cause.Seq, _ = m["causeSeq"].(int64)
	a.Cause.Kind, _ = m["causeKind"].(string)
	a.Cause.EntityID, _ = m["causeEntityId"].(string)
	a.Cause.RelatedID, _ = m["causeRelatedId"].(string)
	a.Cause.ProductID, _ = m["causeProductId"].(string)
	causeAt, _ := m["causeAt"].(time.Time)
	a.Cause.At = causeAt.UTC()
	at, _ := m["createdAt"].(time.Time)
	a.CreatedAt = at.UTC()
	mt := &a.Match
	mt.CandidateUSCC, _ = m["candidate"].(string)
	mt.ProductCode = mapString(m, "productCode")
	fit, _ := m["fit"].(string)
	mt.Fit = match.Fit(fit)
	if f := number(m["score"]); f != nil {
		mt.Score = *f
	}
	mt.DistanceKm = number(m["distanceKm"])
	names, _ := m["componentNames"].([]any)
	weights, _ := m["componentWeights"].([]any)
	values, _ := m["componentValues"].([]any)
	mt.Components = make([]match.ScoreComponent, 0, len(names))
	for i, n := range names {
		c := match.ScoreComponent{}
		c.Name, _ = n.(string)
		if i < len(weights) {
			if f := number(weights[i]); f != nil {
				c.Weight = *f
			}
		}
		if i < len(values) {
			if f := number(values[i]); f != nil {
				c.Value = *f
			}
		}
		mt.Components = append(mt.Components, c)
	}
	reasons, _ := m["reasons"].([]any)
	mt.Reasons = anyStrings(reasons)
	mt.ExistingRelation, _ = m["existingRelation"].(bool)
	return a, nil
}

const qAlert = `MATCH (a:MatchAlert {id: $id}) RETURN ` + alertProjection

// Alert implements alert.Storer.
func (s *Store) Alert(ctx context.Context, id string) (alert.Alert, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (alert.Alert, error) {
		rec, err := single(ctx, tx, qAlert, map[string]any{"id": id})
		if err != nil {
			return alert.Alert{}, err
		}
		if rec == nil {
			return alert.Alert{}, fmt.Errorf("alert %s: %w", id, apperr.ErrNotFound)
		}
		return alertFromRecord(rec)
	})
}

const qAlerts = `MATCH (a:MatchAlert)
WHERE a.ownerId = $owner
  AND ($afterAt IS NULL OR a.createdAt < $afterAt OR (a.createdAt = $afterAt AND a.id < $afterId))
WITH a ORDER BY a.createdAt DESC, a.id DESC LIMIT $limit
RETURN ` + alertProjection

// Alerts implements alert.Storer.
func (s *Store) Alerts(ctx context.Context, ownerID string, first int, after *alert.Cursor) (alert.AlertPage, error) {
	params := map[string]any{"owner": ownerID, "limit": first + 1, "afterAt": nil, "afterId": nil}
	if after != nil {
		params["afterAt"], params["afterId"] = after.At.UTC(), after.ID
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (alert.AlertPage, error) {
		recs, err := run(ctx, tx, qAlerts, params)
		if err != nil {
			return alert.AlertPage{}, err
		}
		p := alert.AlertPage{Alerts: make([]alert.Alert, 0, len(recs))}
		for i, rec := range recs {
			if i == first {
				p.HasNextPage = true
				break
			}
			a, err := alertFromRecord(rec)
			if err != nil {
				return p, err
			}
			p.Alerts = append(p.Alerts, a)
		}
		return p, nil
	})
}

// qAlertsAfter reads alerts after the position ($seq, $id): a range seek
// on causeSeq from $seq, the alerts of $seq itself only after $id.
const qAlertsAfter = `MATCH (a:MatchAlert) WHERE a.causeSeq >= $seq AND (a.causeSeq > $seq OR a.id > $id)
WITH a ORDER BY a.causeSeq, a.id LIMIT $limit
RETURN ` + alertProjection

// AlertsAfter implements alert.Storer.
func (s *Store) AlertsAfter(ctx context.Context, after alert.Position, limit int) ([]alert.Alert, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]alert.Alert, error) {
		recs, err := run(ctx, tx, qAlertsAfter, map[string]any{"seq": after.Seq, "id": after.ID, "limit": limit})
		if err != nil {
			return nil, err
		}
		out := make([]alert.Alert, 0, len(recs))
		for _, rec := range recs {
			a, err := alertFromRecord(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	})
}

const qLastAlertSeq = `MATCH (a:MatchAlert) WHERE a.causeSeq IS NOT NULL
RETURN a.causeSeq AS seq ORDER BY seq DESC LIMIT 1`

// LastAlertSeq implements alert.Storer.
func (s *Store) LastAlertSeq(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, qLastAlertSeq, nil)
		if err != nil || rec == nil {
			return 0, err // no alert yet: 0
		}
		v, _, err := neo4j.GetRecordValue[int64](rec, "seq")
		return v, err
	})
}

var _ alert.Storer = (*Store)(nil)
