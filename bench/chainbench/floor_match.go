package main

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// floorW3 is one full-text query over the CJK index, names included.
const floorW3 = `CALL db.index.fulltext.queryNodes('name_search', $query, {limit: 10}) YIELD node, score
RETURN CASE WHEN node:Enterprise THEN 'Enterprise' WHEN node:Product THEN 'Product' ELSE 'IndustrialChain' END AS kind,
       coalesce(node.uscc, node.code) AS key, node.name AS name, score`

// luceneEscape quotes the Lucene query syntax characters so that text is
// only searched for.
func luceneEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// registerMatch adds W3 (search) and the matchmaking endpoints. W4 and W5
// have no better hand-written Cypher than chainmatch's own statements and
// scoring, so the floor runs exactly those (internal/store/neo4j and
// internal/match) without GraphQL, dataloaders, authorization or logging:
// what it measures is the cost of chainmatch's API layer on top of them.
func (f *floorServer) registerMatch(mux *http.ServeMux, st *neo4jstore.Store, svc *match.Service) {
	mux.HandleFunc("GET /W3", func(w http.ResponseWriter, r *http.Request) {
		text := strings.TrimSpace(r.URL.Query().Get("text"))
		res, err := neo4j.ExecuteQuery(r.Context(), f.driver, floorW3, map[string]any{"query": luceneEscape(text)},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(f.db), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		type hit struct {
			kind, key, name string
			score           float64
		}
		hits := make([]hit, 0, len(res.Records))
		best := 0.0
		for _, rec := range res.Records {
			var h hit
			h.kind, _, _ = neo4j.GetRecordValue[string](rec, "kind")
			h.key, _, _ = neo4j.GetRecordValue[string](rec, "key")
			h.name, _, _ = neo4j.GetRecordValue[string](rec, "name")
			h.score, _, _ = neo4j.GetRecordValue[float64](rec, "score")
			best = max(best, h.score)
			hits = append(hits, h)
		}
		sort.Slice(hits, func(i, j int) bool {
			a, b := hits[i], hits[j]
			if a.score != b.score {
				return a.score > b.score
			}
			if a.kind != b.kind {
				return a.kind < b.kind
			}
			return a.key < b.key
		})
		out := make([]map[string]any, 0, len(hits))
		for _, h := range hits {
			node := map[string]any{"__typename": h.kind, "name": h.name}
			if h.kind == "Enterprise" {
				node["uscc"] = h.key
			} else {
				node["code"] = h.key
			}
			s := 0.0
			if best > 0 {
				s = h.score / best
			}
			out = append(out, map[string]any{"score": s, "node": node})
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
