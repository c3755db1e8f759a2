package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/gid"
)

// ---------------------------------------------------------------- W3

const w3Chainmatch = `query W3($text: String!) {
  search(text: $text, first: 10) {
    score
    node { __typename ... on Enterprise { uscc name } ... on Product { code name } ... on IndustrialChain { code name } }
  }
}`

// @neo4j/graphql searches one label per query field; a client asks for
// the three and merges them by score.
const w3Neo4jGraphQL = `query W3($text: String!) {
  enterpriseSearch(phrase: $text, first: 10) { edges { score node { uscc name } } }
  productSearch(phrase: $text, first: 10) { edges { score node { code name } } }
  industrialChainSearch(phrase: $text, first: 10) { edges { score node { code name } } }
}`

// w3Hit is a canonical search hit; Score is normalised by the best hit.
type w3Hit struct {
	Kind  string  `json:"kind"`
	Key   string  `json:"key"`
	Name  string  `json:"name"`
	Score float64 `json:"score"`
}

// canonHits normalises raw scores by the best, sorts (score desc, kind,
// key), keeps limit and then drops the group tied with the last kept hit
// when the list was cut: which members of a tie at the cut-off Lucene
// returns is not defined, so only the hits above it must agree.
func canonHits(hits []w3Hit, limit int, normalise bool) []w3Hit {
	best := 0.0
	for _, h := range hits {
		best = max(best, h.Score)
	}
	for i := range hits {
		if normalise && best > 0 {
			hits[i].Score /= best
		}
		hits[i].Score = math.Round(hits[i].Score*1e6) / 1e6
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Key < b.Key
	})
	if len(hits) >= limit {
		hits = hits[:limit]
		last := hits[len(hits)-1].Score
		for len(hits) > 0 && hits[len(hits)-1].Score == last {
			hits = hits[:len(hits)-1]
		}
	}
	if hits == nil {
		hits = []w3Hit{}
	}
	return hits
}

func w3Canon(server string, body []byte) (any, error) {
	if server != srvNeo4jGraphQL {
		var d struct {
			Search []struct {
				Score float64 `json:"score"`
				Node  struct {
					Typename string `json:"__typename"`
					USCC     string `json:"uscc"`
					Code     string `json:"code"`
					Name     string `json:"name"`
				} `json:"node"`
			} `json:"search"`
		}
		if err := decodeData(body, &d); err != nil {
			return nil, err
		}
		var hits []w3Hit
		for _, h := range d.Search {
			hits = append(hits, w3Hit{Kind: h.Node.Typename, Key: h.Node.USCC + h.Node.Code, Name: h.Node.Name, Score: h.Score})
		}
		return canonHits(hits, 10, false), nil
	}
	type edges struct {
		Edges []struct {
			Score float64 `json:"score"`
			Node  struct {
				USCC string `json:"uscc"`
				Code string `json:"code"`
				Name string `json:"name"`
			} `json:"node"`
		} `json:"edges"`
	}
	var d struct {
		EnterpriseSearch      edges `json:"enterpriseSearch"`
		ProductSearch         edges `json:"productSearch"`
		IndustrialChainSearch edges `json:"industrialChainSearch"`
	}
	if err := decodeData(body, &d); err != nil {
		return nil, err
	}
	var hits []w3Hit
	for kind, es := range map[string]edges{"Enterprise": d.EnterpriseSearch, "Product": d.ProductSearch, "IndustrialChain": d.IndustrialChainSearch} {
		for _, e := range es.Edges {
			hits = append(hits, w3Hit{Kind: kind, Key: e.Node.USCC + e.Node.Code, Name: e.Node.Name, Score: e.Score})
		}
	}
	return canonHits(hits, 10, true), nil
}

// ---------------------------------------------------------------- W4, W5

const w4Chainmatch = `query W4($id: ID!) {
  supplierMatches(input: { enterpriseId: $id, first: 20 }) {
    candidate { uscc name }
    product { code }
    fit score distanceKm
    components { name weight value }
    reasons
    existingRelation
  }
}`

type (
	w4Component struct {
		Name   string  `json:"name"`
		Weight float64 `json:"weight"`
		Value  float64 `json:"value"`
	}
	w4Match struct {
		Candidate        cRef          `json:"candidate"`
		Product          *cCode        `json:"product"`
		Fit              string        `json:"fit"`
		Score            float64       `json:"score"`
		DistanceKm       *float64      `json:"distanceKm"`
		Components       []w4Component `json:"components"`
		Reasons          []string      `json:"reasons"`
		ExistingRelation bool          `json:"existingRelation"`
	}
)

func w4Canon(_ string, body []byte) (any, error) {
	var d struct {
		SupplierMatches []w4Match `json:"supplierMatches"`
	}
	err := decodeData(body, &d)
	return d.SupplierMatches, err
}

const w5Chainmatch = `query W5($id: ID!) {
  chainGaps(chainId: $id, first: 20) {
    segment { code }
    product { code name }
    localDemand localSupply severity
    candidates(first: 5) { candidate { uscc name } score distanceKm reasons }
  }
}`

type (
	w5Candidate struct {
		Candidate  cRef     `json:"candidate"`
		Score      float64  `json:"score"`
		DistanceKm *float64 `json:"distanceKm"`
		Reasons    []string `json:"reasons"`
	}
	w5Gap struct {
		Segment     cCode         `json:"segment"`
		Product     cNamed        `json:"product"`
		LocalDemand int           `json:"localDemand"`
		LocalSupply int           `json:"localSupply"`
		Severity    float64       `json:"severity"`
		Candidates  []w5Candidate `json:"candidates"`
	}
)

func w5Canon(_ string, body []byte) (any, error) {
	var d struct {
		ChainGaps []w5Gap `json:"chainGaps"`
	}
	err := decodeData(body, &d)
	return d.ChainGaps, err
}

// ---------------------------------------------------------------- parameters

// benchParams are the parameter sets of the workloads, chosen from the
// loaded graph deterministically (same graph, same sets).
type benchParams struct {
	usccs      []string // W1: local firms with products and suppliers
	pages      [][2]any // W2: district code, designation list
	texts      []string // W3
	askers     []string // W4: firms with needs
	chainCodes []string // W5
}

// every returns n values spread evenly over xs.
func every[T any](xs []T, n int) []T {
	if len(xs) <= n {
		return xs
	}
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, xs[i*len(xs)/n])
	}
	return out
}

func pickParams(ctx context.Context, drv neo4j.DriverWithContext, n int) (benchParams, error) {
	q := func(query string) ([]*neo4j.Record, error) {
		res, err := neo4j.ExecuteQuery(ctx, drv, query, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase("neo4j"), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}
	strs := func(query string) ([]string, error) {
		recs, err := q(query)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, r := range recs {
			s, _, err := neo4j.GetRecordValue[string](r, "k")
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	var p benchParams
	var err error
	if p.usccs, err = strs(`MATCH (e:Enterprise) WHERE e.isLocal AND EXISTS { (e)-[:MAKES]->() } AND EXISTS { ()-[:SUPPLIES]->(e) }
		RETURN e.uscc AS k ORDER BY k`); err != nil {
		return p, err
	}
	p.usccs = every(p.usccs, n)
	districts, err := strs(`MATCH (d:District) RETURN d.code AS k ORDER BY k`)
	if err != nil {
		return p, err
	}
	for _, d := range districts {
		for _, g := range [][]string{{"PROVINCIAL_SRDI"}, {"NATIONAL_LITTLE_GIANT"}, {"INNOVATIVE_SME"},
			{"NATIONAL_LITTLE_GIANT", "SINGLE_CHAMPION", "INVISIBLE_CHAMPION"}} {
			p.pages = append(p.pages, [2]any{d, g})
		}
	}
	products, err := strs(`MATCH (p:Product) RETURN p.name AS k ORDER BY p.code`)
	if err != nil {
		return p, err
	}
	productsEn, err := strs(`MATCH (p:Product) WHERE p.nameEn IS NOT NULL RETURN p.nameEn AS k ORDER BY p.code`)
	if err != nil {
		return p, err
	}
	firms, err := strs(`MATCH (e:Enterprise) RETURN e.name AS k ORDER BY e.uscc`)
	if err != nil {
		return p, err
	}
	for _, f := range every(firms, n/4+1) {
		// The brand part of the name: after the 2-character place name,
		// four characters (two brand syllables and the start of the trade).
		r := []rune(f)
		if len(r) > 6 {
			p.texts = append(p.texts, string(r[2:6]))
		}
	}
	p.texts = append(p.texts, every(products, n/4+1)...)
	for _, en := range every(productsEn, n/4+1) {
		p.texts = append(p.texts, strings.Fields(en)[0])
	}
	if p.askers, err = strs(`MATCH (e:Enterprise) WHERE e.isLocal AND EXISTS { (e)-[:NEEDS]->() } RETURN e.uscc AS k ORDER BY k`); err != nil {
		return p, err
	}
	p.askers = every(p.askers, n)
	if p.chainCodes, err = strs(`MATCH (c:IndustrialChain) RETURN c.code AS k ORDER BY k`); err != nil {
		return p, err
	}
	if len(p.usccs) == 0 || len(p.askers) == 0 || len(p.chainCodes) == 0 {
		return p, fmt.Errorf("the graph has no suitable enterprises or chains: load it first")
	}
	return p, nil
}

// operations builds the workloads over p.
func operations(p benchParams) []operation {
	all := []string{srvChainmatch, srvFloor, srvNeo4jGraphQL}
	ours := []string{srvChainmatch, srvFloor}
	w1 := operation{name: "W1", title: "enterprise detail", servers: all, canon: w1Canon,
		build: func(t target, v map[string]any) request {
			switch t.name {
			case srvFloor:
				return floorRequest(t, "W1", v)
			case srvNeo4jGraphQL:
				return graphqlRequest(t, "/", w1Neo4jGraphQL, v)
			}
			return graphqlRequest(t, "/graphql", w1Chainmatch, v)
		}}
	for _, u := range p.usccs {
		w1.params = append(w1.params, map[string]any{"uscc": u})
	}
	w2 := operation{name: "W2", title: "filtered page of 50", servers: all, canon: w2Canon,
		build: func(t target, v map[string]any) request {
			switch t.name {
			case srvFloor:
				return floorRequest(t, "W2", v)
			case srvNeo4jGraphQL:
				return graphqlRequest(t, "/", w2Neo4jGraphQL, v)
			}
			return graphqlRequest(t, "/graphql", w2Chainmatch, v)
		}}
	for _, pg := range p.pages {
		w2.params = append(w2.params, map[string]any{"district": pg[0], "designations": pg[1]})
	}
	// W3: chainmatch's search (pinyin, synonyms, tiered ranking) has no
	// equivalent in @neo4j/graphql's full-text fields; the floor runs the
	// same statement and ranking by hand.
	w3 := operation{name: "W3", title: "search", servers: ours, canon: w3Canon,
		build: func(t target, v map[string]any) request {
			switch t.name {
			case srvFloor:
				return floorRequest(t, "W3", v)
			case srvNeo4jGraphQL:
				return graphqlRequest(t, "/", w3Neo4jGraphQL, v)
			}
			return graphqlRequest(t, "/graphql", w3Chainmatch, v)
		}}
	for _, s := range p.texts {
		w3.params = append(w3.params, map[string]any{"text": s})
	}
	w4 := operation{name: "W4", title: "supplierMatches", servers: ours, canon: w4Canon,
		build: func(t target, v map[string]any) request {
			if t.name == srvFloor {
				return floorRequest(t, "W4", v)
			}
			return graphqlRequest(t, "/graphql", w4Chainmatch, v)
		}}
	for _, u := range p.askers {
		w4.params = append(w4.params, map[string]any{"id": gid.Encode(gid.Enterprise, u)})
	}
	w5 := operation{name: "W5", title: "chainGaps", servers: ours, canon: w5Canon,
		build: func(t target, v map[string]any) request {
			if t.name == srvFloor {
				return floorRequest(t, "W5", v)
			}
			return graphqlRequest(t, "/graphql", w5Chainmatch, v)
		}}
	for _, c := range p.chainCodes {
		w5.params = append(w5.params, map[string]any{"id": gid.Encode(gid.Chain, c)})
	}
	return []operation{w1, w2, w3, w4, w5}
}

// mixedRequests is W6: W1, W2, W1, W3 repeated (half detail pages, a
// quarter lists, a quarter searches), each with its own parameter sets.
func mixedRequests(t target, ops []operation) []request {
	byName := map[string]operation{}
	for _, op := range ops {
		byName[op.name] = op
	}
	pattern := []string{"W1", "W2", "W1", "W3"}
	var out []request
	idx := map[string]int{}
	for i := 0; i < 400; i++ {
		op := byName[pattern[i%len(pattern)]]
		p := op.params[idx[op.name]%len(op.params)]
		idx[op.name]++
		out = append(out, op.build(t, p))
	}
	return out
}
