package main

import (
	"context"
	"net/http"

	"chainmatch/internal/chain"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// registerMatch adds W3 (search) and the matchmaking endpoints. W4 and W5
// have no better hand-written Cypher than chainmatch's own statements and
// scoring, so the floor runs exactly those (internal/store/neo4j and
// internal/match) without GraphQL, dataloaders, authorization or logging:
// what it measures is the cost of chainmatch's API layer on top of them.
func (f *floorServer) registerMatch(mux *http.ServeMux, st *neo4jstore.Store, svc *match.Service) {
	// W3 is chainmatch's own search (chain.Service.Search: the plan, its
	// statements and the ranking) without the API layer, as W4 and W5
	// score with its matching rules: there is no simpler equivalent, and
	// one copy of the statement keeps the floor in step with it.
	search := chain.NewService(st)
	mux.HandleFunc("GET /W3", func(w http.ResponseWriter, r *http.Request) {
		first := 10
		// Only names are shown: the places are not read.
		hits, err := search.Search(r.Context(), r.URL.Query().Get("text"), &first, chain.HitParts{})
		if err != nil {
			f.fail(w, http.StatusBadRequest, err)
			return
		}
		out := make([]map[string]any, 0, len(hits))
		for _, h := range hits {
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
