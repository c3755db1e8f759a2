package main

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// The servers of the comparison. The baseline is an earlier chainmatch
// binary (BENCH_BASELINE) served beside the current one: it gets the same
// requests as chainmatch and is timed, never compared for answers (an
// earlier version may rank differently on purpose).
const (
	srvChainmatch   = "chainmatch"
	srvBaseline     = "chainmatch-base"
	srvFloor        = "floor"
	srvNeo4jGraphQL = "neo4j-graphql"
)

// target is one running server: where to send requests and which process
// to watch.
type target struct {
	name string
	base string // e.g. http://127.0.0.1:18080
	pid  int
	auth string
}

// operation is one workload: the same logical read against each server
// it applies to, with a canonical form of the answer for the check.
type operation struct {
	name    string
	title   string
	servers []string
	// params are the parameter sets, used round robin.
	params []map[string]any
	// build returns the HTTP request for server s and parameter set p.
	build func(t target, p map[string]any) request
	// canon decodes a response of server s into a canonical value; equal
	// answers have equal canonical JSON.
	canon func(server string, body []byte) (any, error)
}

func (op operation) appliesTo(server string) bool {
	if server == srvBaseline {
		server = srvChainmatch
	}
	for _, s := range op.servers {
		if s == server {
			return true
		}
	}
	return false
}

// graphqlRequest is a POST of a GraphQL document and its variables.
func graphqlRequest(t target, path, query string, vars map[string]any) request {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // variables are plain values built by this program
	}
	return request{method: "POST", url: t.base + path, body: body, auth: t.auth}
}

// floorRequest is a GET of the raw floor's endpoint for op.
func floorRequest(t target, op string, vars map[string]any) request {
	q := url.Values{}
	for k, v := range vars {
		switch v := v.(type) {
		case string:
			q.Set(k, v)
		case []string:
			for _, s := range v {
				q.Add(k, s)
			}
		default:
			q.Set(k, fmt.Sprint(v))
		}
	}
	return request{method: "GET", url: t.base + "/" + op + "?" + q.Encode()}
}

// decodeData unmarshals the "data" member of a GraphQL-shaped response.
func decodeData(body []byte, into any) error {
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("response is not JSON: %w: %.200s", err, body)
	}
	if len(env.Errors) > 0 {
		return fmt.Errorf("response has errors: %.300s", body)
	}
	if err := json.Unmarshal(env.Data, into); err != nil {
		return fmt.Errorf("unexpected data shape: %w: %.300s", err, env.Data)
	}
	return nil
}

// Canonical shapes: chainmatch's JSON, which the floor reproduces and the
// @neo4j/graphql answer is converted into.
type (
	cRef struct {
		USCC string `json:"uscc"`
		Name string `json:"name"`
	}
	cCode struct {
		Code string `json:"code"`
	}
	cNamed struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	cGrant struct {
		Designation string `json:"designation"`
		Year        int    `json:"year"`
	}
)

// ---------------------------------------------------------------- W1

const w1Chainmatch = `query W1($uscc: String!) {
  enterprise(uscc: $uscc) {
    uscc name
    district { code name }
    designations { designation year }
    products { product { code name producers(first: 10) { edges { node { uscc name } } } } }
    suppliers(first: 10) { edges { node { supplier { uscc name } product { code } since } } }
  }
}`

const w1Neo4jGraphQL = `query W1($uscc: String!) {
  enterprises(where: { uscc: { eq: $uscc } }) {
    uscc name
    district { code name }
    designationsConnection(sort: [{ edge: { year: DESC } }, { node: { code: ASC } }]) {
      edges { properties { year } node { code } }
    }
    products(sort: [{ code: ASC }]) { code name producers(limit: 10, sort: [{ uscc: ASC }]) { uscc name } }
    suppliersConnection(first: 10, sort: [{ edge: { since: DESC } }, { node: { uscc: ASC } }, { edge: { product: ASC } }]) {
      edges { properties { product since } node { uscc name } }
    }
  }
}`

type (
	w1Producers struct {
		Edges []w1ProducerEdge `json:"edges"`
	}
	w1ProducerEdge struct {
		Node cRef `json:"node"`
	}
	w1Product struct {
		Code      string      `json:"code"`
		Name      string      `json:"name"`
		Producers w1Producers `json:"producers"`
	}
	w1Offer struct {
		Product w1Product `json:"product"`
	}
	w1Supply struct {
		Supplier cRef   `json:"supplier"`
		Product  *cCode `json:"product"`
		Since    *int   `json:"since"`
	}
	w1SupplyEdge struct {
		Node w1Supply `json:"node"`
	}
	w1Enterprise struct {
		USCC         string    `json:"uscc"`
		Name         string    `json:"name"`
		District     *cNamed   `json:"district"`
		Designations []cGrant  `json:"designations"`
		Products     []w1Offer `json:"products"`
		Suppliers    struct {
			Edges []w1SupplyEdge `json:"edges"`
		} `json:"suppliers"`
	}
)

type peerGrants struct {
	Edges []struct {
		Properties struct {
			Year int `json:"year"`
		} `json:"properties"`
		Node cCode `json:"node"`
	} `json:"edges"`
}

func (g peerGrants) canon() []cGrant {
	out := make([]cGrant, 0, len(g.Edges))
	for _, e := range g.Edges {
		out = append(out, cGrant{Designation: e.Node.Code, Year: e.Properties.Year})
	}
	return out
}

func w1Canon(server string, body []byte) (any, error) {
	if server != srvNeo4jGraphQL {
		var d struct {
			Enterprise *w1Enterprise `json:"enterprise"`
		}
		err := decodeData(body, &d)
		return d.Enterprise, err
	}
	var d struct {
		Enterprises []struct {
			USCC                   string     `json:"uscc"`
			Name                   string     `json:"name"`
			District               []cNamed   `json:"district"`
			DesignationsConnection peerGrants `json:"designationsConnection"`
			Products               []struct {
				Code      string `json:"code"`
				Name      string `json:"name"`
				Producers []cRef `json:"producers"`
			} `json:"products"`
			SuppliersConnection struct {
				Edges []struct {
					Properties struct {
						Product *string `json:"product"`
						Since   *int    `json:"since"`
					} `json:"properties"`
					Node cRef `json:"node"`
				} `json:"edges"`
			} `json:"suppliersConnection"`
		} `json:"enterprises"`
	}
	if err := decodeData(body, &d); err != nil {
		return nil, err
	}
	if len(d.Enterprises) == 0 {
		return (*w1Enterprise)(nil), nil
	}
	p := d.Enterprises[0]
	e := &w1Enterprise{USCC: p.USCC, Name: p.Name, Designations: p.DesignationsConnection.canon()}
	if len(p.District) > 0 {
		e.District = &p.District[0]
	}
	e.Products = make([]w1Offer, 0, len(p.Products))
	for _, pr := range p.Products {
		x := w1Offer{Product: w1Product{Code: pr.Code, Name: pr.Name,
			Producers: w1Producers{Edges: make([]w1ProducerEdge, 0, len(pr.Producers))}}}
		for _, m := range pr.Producers {
			x.Product.Producers.Edges = append(x.Product.Producers.Edges, w1ProducerEdge{m})
		}
		e.Products = append(e.Products, x)
	}
	e.Suppliers.Edges = make([]w1SupplyEdge, 0, len(p.SuppliersConnection.Edges))
	for _, s := range p.SuppliersConnection.Edges {
		n := w1Supply{Supplier: s.Node, Since: s.Properties.Since}
		if s.Properties.Product != nil && *s.Properties.Product != "" {
			n.Product = &cCode{Code: *s.Properties.Product}
		}
		e.Suppliers.Edges = append(e.Suppliers.Edges, w1SupplyEdge{n})
	}
	return e, nil
}

// ---------------------------------------------------------------- W2

const w2Chainmatch = `query W2($district: String!, $designations: [Designation!]) {
  enterprises(filter: { districtCode: $district, designations: $designations }, first: 50) {
    totalCount
    edges { node { uscc name park { code name } designations { designation year } products { product { code name } } } }
  }
}`

const w2Neo4jGraphQL = `query W2($district: String!, $designations: [String!]) {
  enterprisesConnection(
    first: 50
    sort: [{ uscc: ASC }]
    where: { district: { some: { code: { eq: $district } } }, designations: { some: { code: { in: $designations } } } }
  ) {
    totalCount
    edges {
      node {
        uscc name
        park { code name }
        designationsConnection(sort: [{ edge: { year: DESC } }, { node: { code: ASC } }]) {
          edges { properties { year } node { code } }
        }
        products(sort: [{ code: ASC }]) { code name }
      }
    }
  }
}`

type (
	w2Offer struct {
		Product cNamed `json:"product"`
	}
	w2Node struct {
		USCC         string    `json:"uscc"`
		Name         string    `json:"name"`
		Park         *cNamed   `json:"park"`
		Designations []cGrant  `json:"designations"`
		Products     []w2Offer `json:"products"`
	}
	w2Edge struct {
		Node w2Node `json:"node"`
	}
	w2Page struct {
		TotalCount int      `json:"totalCount"`
		Edges      []w2Edge `json:"edges"`
	}
)

func w2Canon(server string, body []byte) (any, error) {
	if server != srvNeo4jGraphQL {
		var d struct {
			Enterprises w2Page `json:"enterprises"`
		}
		err := decodeData(body, &d)
		return d.Enterprises, err
	}
	var d struct {
		EnterprisesConnection struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					USCC                   string     `json:"uscc"`
					Name                   string     `json:"name"`
					Park                   []cNamed   `json:"park"`
					DesignationsConnection peerGrants `json:"designationsConnection"`
					Products               []cNamed   `json:"products"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"enterprisesConnection"`
	}
	if err := decodeData(body, &d); err != nil {
		return nil, err
	}
	out := w2Page{TotalCount: d.EnterprisesConnection.TotalCount, Edges: make([]w2Edge, 0, len(d.EnterprisesConnection.Edges))}
	for _, e := range d.EnterprisesConnection.Edges {
		n := w2Node{USCC: e.Node.USCC, Name: e.Node.Name, Designations: e.Node.DesignationsConnection.canon(),
			Products: make([]w2Offer, 0, len(e.Node.Products))}
		if len(e.Node.Park) > 0 {
			n.Park = &e.Node.Park[0]
		}
		for _, p := range e.Node.Products {
			n.Products = append(n.Products, w2Offer{p})
		}
		out.Edges = append(out.Edges, w2Edge{n})
	}
	return out, nil
}
