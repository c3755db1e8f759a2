package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// The raw floor: the best hand-written, parameterized Cypher for each
// workload, one statement per request, run through neo4j-go-driver in a
// plain net/http handler that writes chainmatch's JSON shape. It has no
// GraphQL, no validation, no authorization and no logging: it is the
// lower bound of what any API over this graph can cost. Bench code only;
// chainmatch's own Cypher lives in internal/store/neo4j.

// floorW1 is an enterprise's detail page: district, designations, products
// with their first 10 producers (USCC order) and its 10 newest suppliers.
const floorW1 = `MATCH (e:Enterprise {uscc: $uscc})
RETURN {
  uscc: e.uscc, name: e.name,
  district: [(e)-[:LOCATED_IN]->(d:District) | {code: d.code, name: d.name}][0],
  designations: COLLECT { MATCH (e)-[h:HOLDS]->(g:Designation)
                          WITH h.year AS year, g.code AS designation ORDER BY year DESC, designation
                          RETURN {designation: designation, year: year} },
  products: COLLECT { MATCH (e)-[:MAKES]->(p:Product) WITH p ORDER BY p.code
                      RETURN {product: {code: p.code, name: p.name, producers: {edges:
                        COLLECT { MATCH (x:Enterprise)-[:MAKES]->(p) WITH x ORDER BY x.uscc LIMIT 10
                                  RETURN {node: {uscc: x.uscc, name: x.name}} }}}} },
  suppliers: {edges: COLLECT { MATCH (s:Enterprise)-[r:SUPPLIES]->(e)
                               WITH s, r ORDER BY coalesce(r.since, 0) DESC, s.uscc, r.product LIMIT 10
                               RETURN {node: {supplier: {uscc: s.uscc, name: s.name},
                                              product: CASE WHEN coalesce(r.product, '') = '' THEN null ELSE {code: r.product} END,
                                              since: r.since}} }}
} AS enterprise`

// floorW2 is a page of 50 enterprises of a district holding one of the
// designations, in USCC order, with the total.
const floorW2 = `MATCH (:District {code: $district})<-[:LOCATED_IN]-(e:Enterprise)
WHERE EXISTS { (e)-[:HOLDS]->(g:Designation) WHERE g.code IN $designations }
WITH e ORDER BY e.uscc
WITH collect(e) AS matched
RETURN {
  totalCount: size(matched),
  edges: [e IN matched[..50] | {node: {
    uscc: e.uscc, name: e.name,
    park: [(e)-[:IN_PARK]->(p:Park) | {code: p.code, name: p.name}][0],
    designations: COLLECT { MATCH (e)-[h:HOLDS]->(g:Designation)
                            WITH h.year AS year, g.code AS designation ORDER BY year DESC, designation
                            RETURN {designation: designation, year: year} },
    products: COLLECT { MATCH (e)-[:MAKES]->(p:Product) WITH p ORDER BY p.code
                        RETURN {product: {code: p.code, name: p.name}} }
  }}]
} AS enterprises`

// floorServer answers /W1, /W2, ... with {"data": {...}}.
type floorServer struct {
	driver neo4j.DriverWithContext
	db     string
	log    *slog.Logger
}

func runFloor(ctx context.Context, addr, uri, user, password string, log *slog.Logger) error {
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""), func(c *config.Config) {
		c.MaxConnectionPoolSize = 100
		c.UserAgent = "chainmatch-bench-floor/1"
	})
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	if err := drv.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("neo4j at %s: %w", uri, err)
	}
	f := &floorServer{driver: drv, db: "neo4j", log: log}
	st, err := neo4jstore.Open(neo4jstore.Config{URI: uri, User: user, Password: password}, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	svc, err := match.NewService(st, match.DefaultWeights())
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /W1", f.handle("enterprise", floorW1, func(r *http.Request) (map[string]any, error) {
		return map[string]any{"uscc": r.URL.Query().Get("uscc")}, nil
	}))
	mux.HandleFunc("GET /W2", f.handle("enterprises", floorW2, func(r *http.Request) (map[string]any, error) {
		q := r.URL.Query()
		return map[string]any{"district": q.Get("district"), "designations": q["designations"]}, nil
	}))
	f.registerMatch(mux, st, svc)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("chainbench-floor: ready on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// handle runs one statement that returns one column, field, and writes
// {"data": {field: value}}.
func (f *floorServer) handle(field, query string, params func(*http.Request) (map[string]any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := params(r)
		if err != nil {
			f.fail(w, http.StatusBadRequest, err)
			return
		}
		res, err := neo4j.ExecuteQuery(r.Context(), f.driver, query, p, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(f.db), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			f.fail(w, http.StatusInternalServerError, err)
			return
		}
		var v any
		if len(res.Records) > 0 {
			v, _ = res.Records[0].Get(field)
		}
		f.write(w, map[string]any{field: v})
	}
}

func (f *floorServer) write(w http.ResponseWriter, data map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]any{"data": data}); err != nil {
		f.log.Warn("write response", "err", err)
	}
}

func (f *floorServer) fail(w http.ResponseWriter, status int, err error) {
	f.log.Error("floor request failed", "err", err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": err.Error()}}})
}
