package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
)

// The lead pipeline's graph:
//
//	(:Lead {id, uscc, stage, openFor, owner, expectedInvestmentYuan,
//	        nextActionAt, version, createdAt, updatedAt})
//	  -[:FOR]->(:Enterprise)  -[:TARGETS]->(:Park)  -[:IN_CHAIN]->(:IndustrialChain)
//	  -[:BRINGS {pos}]->(:Product)
//	  -[:HAD]->(:LeadStageChange {id, from, to, at, by, note, version})
//	  -[:HAS_ACTIVITY]->(:LeadActivity {id, kind, at, note, author})
//
// openFor is the enterprise's USCC while the lead is open and null once it
// is SETTLED or LOST; a uniqueness constraint on it (migration 4) keeps
// one open lead per enterprise also against concurrent creations.

// leadProjection reads a lead bound to l; leadFromRecord maps it.
const leadProjection = `l.id AS id, l.uscc AS uscc, l.stage AS stage, l.owner AS owner,
  l.expectedInvestmentYuan AS expected, l.nextActionAt AS nextActionAt, l.version AS version,
  l.createdAt AS createdAt, l.updatedAt AS updatedAt,
  [(l)-[:TARGETS]->(p:Park) | p.code][0] AS park,
  [(l)-[:IN_CHAIN]->(c:IndustrialChain) | c.code][0] AS chain,
  COLLECT { MATCH (l)-[b:BRINGS]->(p:Product) WITH b, p ORDER BY b.pos RETURN p.code } AS products,
  COLLECT { MATCH (l)-[:HAD]->(s:LeadStageChange) WITH s ORDER BY s.version
            RETURN s {.id, .from, .to, .at, .by, .note, .version} } AS history`

func leadFromRecord(rec *neo4j.Record) (lead.Lead, error) {
	var l lead.Lead
	var err error
	get := func(key string, dst *string) {
		if err == nil {
			*dst, _, err = neo4j.GetRecordValue[string](rec, key)
		}
	}
	get("id", &l.ID)
	get("uscc", &l.EnterpriseUSCC)
	var stage string
	get("stage", &stage)
	l.Stage = lead.Stage(stage)
	get("owner", &l.Owner)
	if err != nil {
		return l, err
	}
	version, _, err := neo4j.GetRecordValue[int64](rec, "version")
	if err != nil {
		return l, err
	}
	l.Version = int(version)
	if l.CreatedAt, err = recordTime(rec, "createdAt"); err != nil {
		return l, err
	}
	if l.UpdatedAt, err = recordTime(rec, "updatedAt"); err != nil {
		return l, err
	}
	if t, isNil, err := neo4j.GetRecordValue[time.Time](rec, "nextActionAt"); err != nil && !isNil {
		return l, err
	} else if !isNil {
		u := t.UTC()
		l.NextActionAt = &u
	}
	if v, isNil, err := neo4j.GetRecordValue[float64](rec, "expected"); err != nil && !isNil {
		return l, err
	} else if !isNil {
		l.ExpectedInvestmentYuan = &v
	}
	l.ParkCode = optRecordString(rec, "park")
	l.ChainCode = optRecordString(rec, "chain")
	if l.ProductCodes, err = recordStrings(rec, "products"); err != nil {
		return l, err
	}
	hist, _, err := neo4j.GetRecordValue[[]any](rec, "history")
	if err != nil {
		return l, err
	}
	l.History = make([]lead.StageChange, 0, len(hist))
	for _, h := range hist {
		m, _ := h.(map[string]any)
		l.History = append(l.History, stageChangeFromMap(m))
	}
	return l, nil
}

func stageChangeFromMap(m map[string]any) lead.StageChange {
	var c lead.StageChange
	c.ID, _ = m["id"].(string)
	if f, ok := m["from"].(string); ok {
		st := lead.Stage(f)
		c.From = &st
	}
	to, _ := m["to"].(string)
	c.To = lead.Stage(to)
	at, _ := m["at"].(time.Time)
	c.At = at.UTC()
	c.By, _ = m["by"].(string)
	if n, ok := m["note"].(string); ok {
		c.Note = &n
	}
	v, _ := m["version"].(int64)
	c.Version = int(v)
	return c
}

func recordTime(rec *neo4j.Record, key string) (time.Time, error) {
	t, _, err := neo4j.GetRecordValue[time.Time](rec, key)
	return t.UTC(), err
}

func optRecordString(rec *neo4j.Record, key string) *string {
	v, isNil, err := neo4j.GetRecordValue[string](rec, key)
	if err != nil || isNil {
		return nil
	}
	return &v
}

// optTime passes a time to Neo4j as a DateTime in UTC, or null.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

const (
	qLeadCreateCheck = `OPTIONAL MATCH (e:Enterprise {uscc: $uscc})
OPTIONAL MATCH (o:Lead {openFor: $uscc}) WHERE o.id <> $id
RETURN e IS NOT NULL AS found, o.id AS openId`
	qLeadCreate = `MATCH (e:Enterprise {uscc: $uscc})
MERGE (l:Lead {id: $id})
  ON CREATE SET l.uscc = $uscc, l.openFor = $uscc, l.stage = $stage, l.owner = $owner,
    l.expectedInvestmentYuan = $expected, l.nextActionAt = $next, l.version = $version,
    l.createdAt = $at, l.updatedAt = $at
MERGE (l)-[:FOR]->(e)
MERGE (s:LeadStageChange {id: $changeId})
  ON CREATE SET s.to = $stage, s.at = $at, s.by = $by, s.version = $version
MERGE (l)-[:HAD]->(s)`
	// qLeadRefs replaces the lead's target park, chain and products and
	// says how many of each it found, so that a missing one fails the
	// transaction instead of being skipped silently.
	qLeadRefs = `MATCH (l:Lead {id: $id})
CALL (l) { OPTIONAL MATCH (l)-[old:TARGETS|IN_CHAIN|BRINGS]->() DELETE old }
CALL (l) { MATCH (p:Park {code: $park}) MERGE (l)-[:TARGETS]->(p) RETURN count(p) AS parks }
CALL (l) { MATCH (c:IndustrialChain {code: $chain}) MERGE (l)-[:IN_CHAIN]->(c) RETURN count(c) AS chains }
CALL (l) { UNWIND range(0, size($products) - 1) AS i
           MATCH (p:Product {code: $products[i]})
           MERGE (l)-[b:BRINGS]->(p) SET b.pos = i
           RETURN count(p) AS products }
RETURN parks, chains, products`
	qLead = `MATCH (l:Lead {id: $id}) RETURN ` + leadProjection
	// qLeadLock takes the lead's write lock before anything is read, so
	// that of two concurrent changes the second waits and then reads the
	// first one's result (a plain read would see the old version).
	qLeadLock       = `MATCH (l:Lead {id: $id}) SET l.writeLock = true RETURN l.id AS id`
	qLeadOtherOpen  = `MATCH (o:Lead {openFor: $uscc}) WHERE o.id <> $id RETURN o.id AS id LIMIT 1`
	qLeadWriteState = `MATCH (l:Lead {id: $id})
SET l.stage = $stage, l.openFor = $openFor, l.owner = $owner, l.expectedInvestmentYuan = $expected,
    l.nextActionAt = $next, l.version = $version, l.updatedAt = $at
REMOVE l.writeLock`
	qLeadAddStageChange = `MATCH (l:Lead {id: $id})
CREATE (l)-[:HAD]->(:LeadStageChange {id: $changeId, from: $from, to: $to, at: $at, by: $by, note: $note, version: $version})`
	qLeadAddActivity = `MATCH (l:Lead {id: $id})
CREATE (l)-[:HAS_ACTIVITY]->(:LeadActivity {id: $activityId, kind: $kind, at: $at, note: $note, author: $author})`
	// qLeadSettle makes the lead's firm local in the park's district, in
	// the park, located at the park (or its district) when it had no
	// location.
	qLeadSettle = `MATCH (l:Lead {id: $id})-[:FOR]->(e:Enterprise)
MATCH (pk:Park {code: $park})
OPTIONAL MATCH (pk)-[:IN_DISTRICT]->(d:District)
CALL (e) { OPTIONAL MATCH (e)-[old:LOCATED_IN|IN_PARK]->() DELETE old }
SET e.isLocal = true, e.location = coalesce(e.location, pk.location, d.location), e.updatedAt = $at
MERGE (e)-[:IN_PARK]->(pk)
FOREACH (x IN CASE WHEN d IS NULL THEN [] ELSE [d] END | MERGE (e)-[:LOCATED_IN]->(x))
RETURN e.uscc AS uscc`
)

// CreateLead implements lead.Storer.
// It appends LEAD_CHANGED to the change log.
func (s *Store) CreateLead(ctx context.Context, l lead.Lead, first lead.StageChange) (lead.Lead, error) {
	ids := newChangeIDs(1)
	return writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (lead.Lead, error) {
		rec, err := single(ctx, tx, qLeadCreateCheck, map[string]any{"uscc": l.EnterpriseUSCC, "id": l.ID})
		if err != nil {
			return lead.Lead{}, err
		}
		if found, _, _ := neo4j.GetRecordValue[bool](rec, "found"); !found {
			return lead.Lead{}, fmt.Errorf("lead for %s: %w", l.EnterpriseUSCC, lead.ErrEnterpriseNotFound)
		}
		if open := optRecordString(rec, "openId"); open != nil {
			return lead.Lead{}, &lead.OpenLeadError{LeadID: *open}
		}
		_, err = run(ctx, tx, qLeadCreate, map[string]any{
			"uscc": l.EnterpriseUSCC, "id": l.ID, "stage": string(l.Stage), "owner": l.Owner,
			"expected": opt(l.ExpectedInvestmentYuan), "next": optTime(l.NextActionAt), "version": int64(l.Version),
			"at": l.CreatedAt.UTC(), "changeId": first.ID, "by": first.By,
		})
		if err != nil {
			return lead.Lead{}, err
		}
		if err := writeLeadRefs(ctx, tx, l); err != nil {
			return lead.Lead{}, err
		}
		out, err := readLead(ctx, tx, l.ID)
		if err != nil {
			return lead.Lead{}, err
		}
		return out, appendChanges(ctx, tx, []changeRow{{id: ids[0], kind: changes.LeadChanged, entityID: gid.Encode(gid.Lead, l.ID)}})
	})
}

func writeLeadRefs(ctx context.Context, tx neo4j.ManagedTransaction, l lead.Lead) error {
	rec, err := single(ctx, tx, qLeadRefs, map[string]any{
		"id": l.ID, "park": opt(l.ParkCode), "chain": opt(l.ChainCode), "products": stringsParam(l.ProductCodes),
	})
	if err != nil {
		return err
	}
	if rec == nil {
		return lead.ErrLeadNotFound
	}
	parks, _, _ := neo4j.GetRecordValue[int64](rec, "parks")
	chains, _, _ := neo4j.GetRecordValue[int64](rec, "chains")
	products, _, _ := neo4j.GetRecordValue[int64](rec, "products")
	switch {
	case l.ParkCode != nil && parks == 0:
		return fmt.Errorf("park %s: %w", *l.ParkCode, lead.ErrParkNotFound)
	case l.ChainCode != nil && chains == 0:
		return fmt.Errorf("chain %s: %w", *l.ChainCode, lead.ErrChainNotFound)
	case int(products) != len(l.ProductCodes):
		return fmt.Errorf("products %v: %w", l.ProductCodes, lead.ErrProductNotFound)
	}
	return nil
}

func readLead(ctx context.Context, tx neo4j.ManagedTransaction, id string) (lead.Lead, error) {
	rec, err := single(ctx, tx, qLead, map[string]any{"id": id})
	if err != nil {
		return lead.Lead{}, err
	}
	if rec == nil {
		return lead.Lead{}, fmt.Errorf("lead %s: %w", id, lead.ErrLeadNotFound)
	}
	return leadFromRecord(rec)
}

// ChangeLead implements lead.Storer: lock, read, decide, write, in one
// write transaction. It appends LEAD_CHANGED, and ENTERPRISE_UPDATED for
// the firm a settlement made local.
func (s *Store) ChangeLead(ctx context.Context, id string, decide func(lead.Lead) (lead.Change, error)) (lead.Lead, error) {
	ids := newChangeIDs(2)
	return writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (lead.Lead, error) {
		rec, err := single(ctx, tx, qLeadLock, map[string]any{"id": id})
		if err != nil {
			return lead.Lead{}, err
		}
		if rec == nil {
			return lead.Lead{}, fmt.Errorf("lead %s: %w", id, lead.ErrLeadNotFound)
		}
		cur, err := readLead(ctx, tx, id)
		if err != nil {
			return lead.Lead{}, err
		}
		ch, err := decide(cur)
		if err != nil {
			return lead.Lead{}, err
		}
		n := ch.After
		var openFor any
		if n.Stage.Open() {
			openFor = n.EnterpriseUSCC
			if !cur.Stage.Open() {
				other, err := single(ctx, tx, qLeadOtherOpen, map[string]any{"uscc": n.EnterpriseUSCC, "id": id})
				if err != nil {
					return lead.Lead{}, err
				}
				if other != nil {
					return lead.Lead{}, &lead.OpenLeadError{LeadID: *optRecordString(other, "id")}
				}
			}
		}
		if _, err := run(ctx, tx, qLeadWriteState, map[string]any{
			"id": id, "stage": string(n.Stage), "openFor": openFor, "owner": n.Owner,
			"expected": opt(n.ExpectedInvestmentYuan), "next": optTime(n.NextActionAt),
			"version": int64(n.Version), "at": n.UpdatedAt.UTC(),
		}); err != nil {
			return lead.Lead{}, err
		}
		if refsChanged(cur, n) {
			if err := writeLeadRefs(ctx, tx, n); err != nil {
				return lead.Lead{}, err
			}
		}
		if c := ch.Stage; c != nil {
			var from any
			if c.From != nil {
				from = string(*c.From)
			}
			if _, err := run(ctx, tx, qLeadAddStageChange, map[string]any{
				"id": id, "changeId": c.ID, "from": from, "to": string(c.To), "at": c.At.UTC(),
				"by": c.By, "note": opt(c.Note), "version": int64(c.Version),
			}); err != nil {
				return lead.Lead{}, err
			}
		}
		if a := ch.Activity; a != nil {
			if _, err := run(ctx, tx, qLeadAddActivity, map[string]any{
				"id": id, "activityId": a.ID, "kind": string(a.Kind), "at": a.At.UTC(), "note": a.Note, "author": a.Author,
			}); err != nil {
				return lead.Lead{}, err
			}
		}
		if ch.SettleIn != nil {
			rec, err := single(ctx, tx, qLeadSettle, map[string]any{"id": id, "park": *ch.SettleIn, "at": n.UpdatedAt.UTC()})
			if err != nil {
				return lead.Lead{}, err
			}
			if rec == nil {
				return lead.Lead{}, fmt.Errorf("settle in %s: %w", *ch.SettleIn, lead.ErrParkNotFound)
			}
		}
		out, err := readLead(ctx, tx, id)
		if err != nil {
			return lead.Lead{}, err
		}
		events := []changeRow{{id: ids[0], kind: changes.LeadChanged, entityID: gid.Encode(gid.Lead, id)}}
		if ch.SettleIn != nil {
			events = append(events, changeRow{id: ids[1], kind: changes.EnterpriseUpdated, entityID: enterpriseID(out.EnterpriseUSCC)})
		}
		return out, appendChanges(ctx, tx, events)
	})
}

func refsChanged(a, b lead.Lead) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return !eq(a.ParkCode, b.ParkCode) || !eq(a.ChainCode, b.ChainCode) ||
		strings.Join(a.ProductCodes, "\x00") != strings.Join(b.ProductCodes, "\x00")
}

// Lead implements lead.Storer.
func (s *Store) Lead(ctx context.Context, id string) (lead.Lead, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (lead.Lead, error) {
		return readLead(ctx, tx, id)
	})
}

// Filters of Leads, chosen from this fixed list (never built from input).
const (
	lfStages       = `l.stage IN $stages`
	lfOwner        = `l.owner = $owner`
	lfChain        = `EXISTS { (l)-[:IN_CHAIN]->(:IndustrialChain {code: $chain}) }`
	lfDistrict     = `EXISTS { (l)-[:TARGETS]->(:Park)-[:IN_DISTRICT]->(:District {code: $district}) }`
	lfPark         = `EXISTS { (l)-[:TARGETS]->(:Park {code: $park}) }`
	lfEnterprise   = `l.uscc = $uscc`
	lfOverdue      = `(l.openFor IS NOT NULL AND l.nextActionAt < $now)`
	lfNotOverdue   = `NOT coalesce(l.openFor IS NOT NULL AND l.nextActionAt < $now, false)`
	lfAfter        = `(l.createdAt < $afterAt OR (l.createdAt = $afterAt AND l.id < $afterId))`
	qLeadsPageHead = `MATCH (l:Lead) WHERE `
	qLeadsPageTail = `
WITH l ORDER BY l.createdAt DESC, l.id DESC LIMIT $limit
RETURN ` + leadProjection
	qLeadsCountHead = `MATCH (l:Lead) WHERE `
	qLeadsCountTail = ` RETURN count(l) AS n`
)

func leadWhere(f lead.Filter) (string, map[string]any) {
	conds := []string{"true"}
	params := map[string]any{"now": f.Now.UTC()}
	if len(f.Stages) > 0 {
		st := make([]any, len(f.Stages))
		for i, x := range f.Stages {
			st[i] = string(x)
		}
		conds, params["stages"] = append(conds, lfStages), st
	}
	if f.Owner != nil {
		conds, params["owner"] = append(conds, lfOwner), *f.Owner
	}
	if f.ChainCode != nil {
		conds, params["chain"] = append(conds, lfChain), *f.ChainCode
	}
	if f.DistrictCode != nil {
		conds, params["district"] = append(conds, lfDistrict), *f.DistrictCode
	}
	if f.ParkCode != nil {
		conds, params["park"] = append(conds, lfPark), *f.ParkCode
	}
	if f.EnterpriseUSCC != nil {
		conds, params["uscc"] = append(conds, lfEnterprise), *f.EnterpriseUSCC
	}
	if f.NextActionOverdue != nil {
		if *f.NextActionOverdue {
			conds = append(conds, lfOverdue)
		} else {
			conds = append(conds, lfNotOverdue)
		}
	}
	return strings.Join(conds, " AND "), params
}

// Leads implements lead.Storer: one page, newest first, and the total, in
// one read transaction.
func (s *Store) Leads(ctx context.Context, f lead.Filter, first int, after *lead.Cursor) (lead.Page, error) {
	where, params := leadWhere(f)
	pageWhere := where
	if after != nil {
		pageWhere += " AND " + lfAfter
		params["afterAt"], params["afterId"] = after.At.UTC(), after.ID
	}
	params["limit"] = int64(first + 1)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (lead.Page, error) {
		var p lead.Page
		recs, err := run(ctx, tx, qLeadsPageHead+pageWhere+qLeadsPageTail, params)
		if err != nil {
			return p, err
		}
		p.Leads = make([]lead.Lead, 0, len(recs))
		for _, rec := range recs {
			l, err := leadFromRecord(rec)
			if err != nil {
				return p, err
			}
			p.Leads = append(p.Leads, l)
		}
		if len(p.Leads) > first {
			p.Leads, p.HasNextPage = p.Leads[:first], true
		}
		rec, err := single(ctx, tx, qLeadsCountHead+where+qLeadsCountTail, params)
		if err != nil {
			return p, err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "n")
		p.TotalCount = int(n)
		return p, err
	})
}

const (
	activityProjection = `a.id AS id, l.id AS lead, a.kind AS kind, a.at AS at, a.note AS note, a.author AS author`
	qLeadActivity      = `MATCH (l:Lead)-[:HAS_ACTIVITY]->(a:LeadActivity {id: $id}) RETURN ` + activityProjection
	qLeadActivities    = `MATCH (l:Lead {id: $id})-[:HAS_ACTIVITY]->(a:LeadActivity)
WHERE $afterAt IS NULL OR a.at < $afterAt OR (a.at = $afterAt AND a.id < $afterId)
WITH l, a ORDER BY a.at DESC, a.id DESC LIMIT $limit
RETURN ` + activityProjection
)

func activityFromRecord(rec *neo4j.Record) (lead.Activity, error) {
	var a lead.Activity
	var kind string
	var err error
	for _, f := range []struct {
		key string
		dst *string
	}{{"id", &a.ID}, {"lead", &a.LeadID}, {"kind", &kind}, {"note", &a.Note}, {"author", &a.Author}} {
		if *f.dst, _, err = neo4j.GetRecordValue[string](rec, f.key); err != nil {
			return a, err
		}
	}
	a.Kind = lead.ActivityKind(kind)
	a.At, err = recordTime(rec, "at")
	return a, err
}

// LeadActivity implements lead.Storer.
func (s *Store) LeadActivity(ctx context.Context, id string) (lead.Activity, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (lead.Activity, error) {
		rec, err := single(ctx, tx, qLeadActivity, map[string]any{"id": id})
		if err != nil {
			return lead.Activity{}, err
		}
		if rec == nil {
			return lead.Activity{}, fmt.Errorf("activity %s: %w", id, lead.ErrActivityNotFound)
		}
		return activityFromRecord(rec)
	})
}

// LeadActivities implements lead.Storer.
func (s *Store) LeadActivities(ctx context.Context, leadID string, first int, after *lead.Cursor) (lead.ActivityPage, error) {
	params := map[string]any{"id": leadID, "limit": int64(first + 1), "afterAt": nil, "afterId": nil}
	if after != nil {
		params["afterAt"], params["afterId"] = after.At.UTC(), after.ID
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (lead.ActivityPage, error) {
		var p lead.ActivityPage
		recs, err := run(ctx, tx, qLeadActivities, params)
		if err != nil {
			return p, err
		}
		p.Activities = make([]lead.Activity, 0, len(recs))
		for _, rec := range recs {
			a, err := activityFromRecord(rec)
			if err != nil {
				return p, err
			}
			p.Activities = append(p.Activities, a)
		}
		if len(p.Activities) > first {
			p.Activities, p.HasNextPage = p.Activities[:first], true
		}
		return p, nil
	})
}

func optOr(p *string, def string) *string {
	if p == nil {
		return &def
	}
	return p
}

const qPipelineLeads = `MATCH (l:Lead)
WHERE ($chain IS NULL OR EXISTS { (l)-[:IN_CHAIN]->(:IndustrialChain {code: $chain}) })
  AND ($district IS NULL OR EXISTS { (l)-[:TARGETS]->(:Park)-[:IN_DISTRICT]->(:District {code: $district}) })
RETURN l.stage AS stage, [(l)-[:IN_CHAIN]->(c:IndustrialChain) | c.code][0] AS chain,
  COLLECT { MATCH (l)-[:HAD]->(s:LeadStageChange) WITH s ORDER BY s.version
            RETURN {from: s.from, to: s.to, at: s.at} } AS history`

// PipelineLeads implements lead.Storer.
func (s *Store) PipelineLeads(ctx context.Context, chainCode, districtCode *string) ([]lead.PipelineLead, error) {
	params := map[string]any{"chain": opt(chainCode), "district": opt(districtCode)}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]lead.PipelineLead, error) {
		recs, err := run(ctx, tx, qPipelineLeads, params)
		if err != nil {
			return nil, err
		}
		out := make([]lead.PipelineLead, 0, len(recs))
		for _, rec := range recs {
			stage, _, err := neo4j.GetRecordValue[string](rec, "stage")
			if err != nil {
				return nil, err
			}
			pl := lead.PipelineLead{Stage: lead.Stage(stage), ChainCode: optRecordString(rec, "chain")}
			hist, _, err := neo4j.GetRecordValue[[]any](rec, "history")
			if err != nil {
				return nil, err
			}
			for _, h := range hist {
				m, _ := h.(map[string]any)
				pl.History = append(pl.History, stageChangeFromMap(m))
			}
			out = append(out, pl)
		}
		return out, nil
	})
}

// qSettlementImpactFacts reads, for the what-if of settling a firm in a
// park, its chain products with local demand and supply not counting the
// firm (as qSettlementFacts and qChainGapStats count them), and the local
// firms that need what it makes or make what it needs and do not trade
// with it yet.
const qSettlementImpactFacts = `MATCH (a:Enterprise {uscc: $uscc})
OPTIONAL MATCH (pk:Park {code: $park})
RETURN pk IS NOT NULL AS parkFound,
  [(pk)-[:IN_DISTRICT]->(d:District) | d.code][0] AS district,
  coalesce(a.isLocal, false) AS isLocal,
  [(a)-[:HOLDS]->(d:Designation) | d.code] AS designations,
  COLLECT { MATCH (a)-[:MAKES]->(p:Product)
            WHERE EXISTS { (p)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(:IndustrialChain) }
            WITH DISTINCT a, p ORDER BY p.code
            RETURN {code: p.code, needsToo: EXISTS { (a)-[:NEEDS]->(p) },
                    demand: COUNT { MATCH (e:Enterprise)-[:NEEDS]->(p) WHERE e.isLocal = true AND e <> a RETURN DISTINCT e },
                    supply: COUNT { MATCH (e:Enterprise)-[:MAKES]->(p) WHERE e.isLocal = true AND e <> a RETURN DISTINCT e }} } AS offers,
  COLLECT { MATCH (a)-[:MAKES]->(:Product)<-[:NEEDS]-(e:Enterprise)
            WHERE e.isLocal = true AND e <> a AND NOT EXISTS { (a)-[:SUPPLIES]->(e) }
            WITH DISTINCT e.uscc AS u ORDER BY u RETURN u } AS buyers,
  COLLECT { MATCH (a)-[:NEEDS]->(:Product)<-[:MAKES]-(e:Enterprise)
            WHERE e.isLocal = true AND e <> a AND NOT EXISTS { (e)-[:SUPPLIES]->(a) }
            WITH DISTINCT e.uscc AS u ORDER BY u RETURN u } AS makers`

// SettlementImpactFacts implements lead.Storer.
func (s *Store) SettlementImpactFacts(ctx context.Context, uscc, parkCode string) (lead.ImpactFacts, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (lead.ImpactFacts, error) {
		var f lead.ImpactFacts
		rec, err := single(ctx, tx, qSettlementImpactFacts, map[string]any{"uscc": uscc, "park": parkCode})
		if err != nil {
			return f, err
		}
		if rec == nil {
			return f, fmt.Errorf("enterprise %s: %w", uscc, lead.ErrEnterpriseNotFound)
		}
		if found, _, _ := neo4j.GetRecordValue[bool](rec, "parkFound"); !found {
			return f, fmt.Errorf("park %s: %w", parkCode, lead.ErrParkNotFound)
		}
		f.DistrictCode = *optOr(optRecordString(rec, "district"), "")
		f.IsLocal, _, _ = neo4j.GetRecordValue[bool](rec, "isLocal")
		if f.Designations, err = recordStrings(rec, "designations"); err != nil {
			return f, err
		}
		if f.Buyers, err = recordStrings(rec, "buyers"); err != nil {
			return f, err
		}
		if f.Makers, err = recordStrings(rec, "makers"); err != nil {
			return f, err
		}
		offers, _, err := neo4j.GetRecordValue[[]any](rec, "offers")
		if err != nil {
			return f, err
		}
		for _, o := range offers {
			m, _ := o.(map[string]any)
			code, _ := m["code"].(string)
			needs, _ := m["needsToo"].(bool)
			demand, _ := m["demand"].(int64)
			supply, _ := m["supply"].(int64)
			f.Offers = append(f.Offers, lead.ImpactOffer{ProductCode: code, NeedsToo: needs, Demand: int(demand), Supply: int(supply)})
		}
		return f, nil
	})
}
