package main

import (
	"context"
	"net/http"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// floorW3 is chainmatch's search statement (internal/store/neo4j
// search.go) written out by hand, returning only what the hits show: the
// five parts (name index, the catalogue's and the firms' search keys,
// synonyms, USCC prefix) in one statement.
const floorW3 = `CALL () {
	  UNWIND CASE WHEN $names = '' THEN [] ELSE [$names] END AS q
	  CALL db.index.fulltext.queryNodes('name_search', q, {limit: $limit}) YIELD node
	  RETURN node, 'name' AS via
	UNION
	  UNWIND CASE WHEN $keys = '' THEN [] ELSE [$keys] END AS q
	  CALL db.index.fulltext.queryNodes('search_keys_catalog', q, {limit: $limit}) YIELD node
	  RETURN node, 'key' AS via
	UNION
	  UNWIND CASE WHEN $firmKeys = '' THEN [] ELSE [$firmKeys] END AS q
	  CALL db.index.fulltext.queryNodes('search_keys_firm', q, {limit: $limit}) YIELD node
	  RETURN node, 'key' AS via
	UNION
	  MATCH (t:SearchSynonym) WHERE t.term IN $terms
	  MATCH (o:SearchSynonym {group: t.group}) WHERE NOT o.term IN $terms
	  WITH collect(DISTINCT o.keys) AS keys
	  UNWIND CASE WHEN size(keys) = 0 THEN [] ELSE [reduce(q = head(keys), k IN tail(keys) | q + ' OR ' + k)] END AS q
	  UNWIND ['search_keys_catalog', 'search_keys_firm'] AS index
	  CALL db.index.fulltext.queryNodes(index, q, {limit: $limit}) YIELD node
	  RETURN node, 'synonym' AS via
	UNION
	  UNWIND CASE WHEN $prefix = '' THEN [] ELSE [$prefix] END AS prefix
	  MATCH (node:Enterprise) WHERE node.uscc STARTS WITH prefix
	  WITH node ORDER BY node.uscc LIMIT $limit
	  RETURN node, 'uscc' AS via
	}
	WITH node, collect(via) AS via
	RETURN CASE WHEN node:Enterprise THEN 'Enterprise' WHEN node:Product THEN 'Product' ELSE 'IndustrialChain' END AS kind,
	       coalesce(node.uscc, node.code) AS key, via, coalesce(node.searchKeys, '') AS searchKeys,
	       node.name AS name, node.nameEn AS nameEn`

// registerMatch adds W3 (search) and the matchmaking endpoints. W4 and W5
// have no better hand-written Cypher than chainmatch's own statements and
// scoring, so the floor runs exactly those (internal/store/neo4j and
// internal/match) without GraphQL, dataloaders, authorization or logging:
// what it measures is the cost of chainmatch's API layer on top of them.
func (f *floorServer) registerMatch(mux *http.ServeMux, st *neo4jstore.Store, svc *match.Service) {
	// W3 plans and ranks with chainmatch's own search rules
	// (internal/chain: chain.PlanSearch, SearchPlan.Rank), as W4 and W5
	// score with its matching rules: there is no simpler equivalent.
	mux.HandleFunc("GET /W3", func(w http.ResponseWriter, r *http.Request) {
		plan, err := chain.PlanSearch(r.URL.Query().Get("text"), nil)
		if err != nil {
			f.fail(w, http.StatusBadRequest, err)
			return
		}
		q := plan.Query
		terms := q.Terms
		if terms == nil {
			terms = []string{}
		}
		res, err := neo4j.ExecuteQuery(r.Context(), f.driver, floorW3, map[string]any{"names": q.Names, "keys": q.Keys, "firmKeys": q.FirmKeys,
			"terms": terms, "prefix": q.USCCPrefix, "limit": q.Limit},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(f.db), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		hits := make([]chain.Hit, 0, len(res.Records))
		for _, rec := range res.Records {
			var h chain.Hit
			kind, _, _ := neo4j.GetRecordValue[string](rec, "kind")
			h.Kind = chain.HitKind(kind)
			h.Key, _, _ = neo4j.GetRecordValue[string](rec, "key")
			h.SearchKeys, _, _ = neo4j.GetRecordValue[string](rec, "searchKeys")
			via, _, _ := neo4j.GetRecordValue[[]any](rec, "via")
			for _, v := range via {
				s, _ := v.(string)
				h.Via = append(h.Via, s)
			}
			name, _, _ := neo4j.GetRecordValue[string](rec, "name")
			var nameEn *string
			if en, isNil, _ := neo4j.GetRecordValue[string](rec, "nameEn"); !isNil {
				nameEn = &en
			}
			switch h.Kind {
			case chain.HitEnterprise:
				h.Enterprise = &enterprise.Enterprise{USCC: h.Key, Name: name, NameEn: nameEn}
			case chain.HitProduct:
				h.Product = &chain.Product{Code: h.Key, Name: name, NameEn: nameEn}
			default:
				h.Chain = &chain.IndustrialChain{Code: h.Key, Name: name, NameEn: nameEn}
			}
			hits = append(hits, h)
		}
		out := make([]map[string]any, 0, len(hits))
		for _, h := range plan.Rank(hits) {
			node := map[string]any{"__typename": string(h.Kind)}
			switch h.Kind {
			case chain.HitEnterprise:
				node["uscc"], node["name"] = h.Key, h.Enterprise.Name
			case chain.HitProduct:
				node["code"], node["name"] = h.Key, h.Product.Name
			default:
				node["code"], node["name"] = h.Key, h.Chain.Name
			}
			out = append(out, map[string]any{"score": h.Score, "node": node})
		}
		f.write(w, map[string]any{"search": out})
	})
	mux.HandleFunc("GET /W4", func(w http.ResponseWriter, r *http.Request) {
		first := 20
		ms, err := svc.SupplierMatches(r.Context(), match.MatchQuery{EnterpriseID: r.URL.Query().Get("id"), First: &first})
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		names, err := firmNames(r.Context(), st, ms)
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		out := make([]map[string]any, 0, len(ms))
		for _, m := range ms {
			comps := make([]map[string]any, 0, len(m.Components))
			for _, c := range m.Components {
				comps = append(comps, map[string]any{"name": c.Name, "weight": c.Weight, "value": c.Value})
			}
			var product any
			if m.ProductCode != nil {
				product = map[string]any{"code": *m.ProductCode}
			}
			out = append(out, map[string]any{
				"candidate": map[string]any{"uscc": m.CandidateUSCC, "name": names[m.CandidateUSCC]},
				"product":   product, "fit": string(m.Fit), "score": m.Score, "distanceKm": m.DistanceKm,
				"components": comps, "reasons": m.Reasons, "existingRelation": m.ExistingRelation,
			})
		}
		f.write(w, map[string]any{"supplierMatches": out})
	})
	mux.HandleFunc("GET /W5", func(w http.ResponseWriter, r *http.Request) {
		first := 20
		gaps, err := svc.ChainGaps(r.Context(), r.URL.Query().Get("id"), &first, 5)
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		var all []match.Match
		cands := make([][]match.Match, len(gaps))
		codes := make([]string, len(gaps))
		five := 5
		for i := range gaps {
			if cands[i], err = svc.GapCandidates(r.Context(), &gaps[i], &five); err != nil {
				f.fail(w, http.StatusInternalServerError, err)
				return
			}
			all = append(all, cands[i]...)
			codes[i] = gaps[i].ProductCode
		}
		names, err := firmNames(r.Context(), st, all)
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		products, err := st.ProductsByCode(r.Context(), codes)
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		out := make([]map[string]any, 0, len(gaps))
		for i, g := range gaps {
			cs := make([]map[string]any, 0, len(cands[i]))
			for _, m := range cands[i] {
				cs = append(cs, map[string]any{"candidate": map[string]any{"uscc": m.CandidateUSCC, "name": names[m.CandidateUSCC]},
					"score": m.Score, "distanceKm": m.DistanceKm, "reasons": m.Reasons})
			}
			name := ""
			if products[i] != nil {
				name = products[i].Name
			}
			out = append(out, map[string]any{
				"segment":     map[string]any{"code": g.SegmentCode},
				"product":     map[string]any{"code": g.ProductCode, "name": name},
				"localDemand": g.LocalDemand, "localSupply": g.LocalSupply, "severity": g.Severity,
				"candidates": cs,
			})
		}
		f.write(w, map[string]any{"chainGaps": out})
	})
}

// firmNames fetches the candidates' names in one statement.
func firmNames(ctx context.Context, st *neo4jstore.Store, ms []match.Match) (map[string]string, error) {
	keys := make([]string, 0, len(ms))
	for _, m := range ms {
		keys = append(keys, m.CandidateUSCC)
	}
	es, err := st.EnterprisesByUSCC(ctx, keys)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(es))
	for _, e := range es {
		if e != nil {
			names[e.USCC] = e.Name
		}
	}
	return names, nil
}
