package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/enterprise"
)

// The fragments of qEnterpriseDetails, one per part a selection may want.
// Each is a column over e; a statement is the fixed head plus the wanted
// columns, so no input becomes Cypher text and there are at most 2^8
// statement texts for the plan cache.
const (
	detailHead = `UNWIND $keys AS key
	MATCH (e:Enterprise {uscc: key})
	RETURN key`
	detailDesignations = `COLLECT { MATCH (e)-[h:HOLDS]->(g:Designation)
	  WITH h, g ORDER BY h.year DESC, g.code
	  RETURN {designation: g.code, year: h.year} } AS designations`
	detailDistrict = `[(e)-[:LOCATED_IN]->(d:District) | ` + "%s" + `][0] AS district`
	detailPark     = `[(e)-[:IN_PARK]->(pk:Park) | ` + "%s" + `][0] AS park`
	detailChains   = `COLLECT { MATCH (e)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(c:IndustrialChain)
	  WITH DISTINCT c ORDER BY c.code
	  RETURN ` + "%s" + ` } AS chains`
	detailOffers = `COLLECT { MATCH (e)-[m:MAKES]->(p:Product)
	  WITH m, p ORDER BY p.code
	  RETURN {product: p.code, amount: m.annualCapacity, unit: m.unit, item: ` + "%s" + `} } AS offers`
	detailSupply = `COLLECT { UNWIND $supply AS k
	  WITH k WHERE k.uscc = key
	  %s
	  RETURN {i: k.i, total: total, passed: passed, rels: rels} } AS supply`
	detailNeeds = `COLLECT { MATCH (e)-[n:NEEDS]->(p:Product)
	  WITH n, p ORDER BY p.code
	  RETURN {product: p.code, amount: n.annualVolume, unit: n.unit, item: ` + "%s" + `} } AS needs`
)

// detailsQuery is the statement for w.
func detailsQuery(w enterprise.Projection) string {
	cols := []string{detailHead}
	if w.Self {
		cols = append(cols, asMap(enterpriseColumns)+" AS self")
	}
	if w.Designations {
		cols = append(cols, detailDesignations)
	}
	if w.District {
		cols = append(cols, fmt.Sprintf(detailDistrict, asMap(districtColumns)))
	}
	if w.Park {
		cols = append(cols, fmt.Sprintf(detailPark, asMap(parkColumns)))
	}
	if w.Chains {
		cols = append(cols, fmt.Sprintf(detailChains, asMap(chainColumns)))
	}
	if w.Offers {
		cols = append(cols, fmt.Sprintf(detailOffers, asMap(productColumns)))
	}
	if w.Needs {
		cols = append(cols, fmt.Sprintf(detailNeeds, asMap(productColumns)))
	}
	if len(w.Supply) > 0 {
		cols = append(cols, fmt.Sprintf(detailSupply, supplyWindowCall))
	}
	return strings.Join(cols, ",\n\t  ")
}

// EnterpriseDetails returns, per USCC in key order, the parts w asks for
// (the zero EnterpriseDetail for an unknown USCC), with one statement:
// what a page or a detail view selects below its enterprises would
// otherwise cost one statement per part. Designations are newest first,
// chains, offers and needs in code order, the same orders as the
// one-part reads.
func (s *Store) EnterpriseDetails(ctx context.Context, usccs []string, w enterprise.Projection) ([]enterprise.Detail, error) {
	out := make([]enterprise.Detail, len(usccs))
	if len(usccs) == 0 || !w.Any() {
		return out, nil
	}
	found, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]enterprise.Detail, error) {
		params := map[string]any{"keys": usccs}
		if len(w.Supply) > 0 {
			params["supply"] = supplyRows(w.Supply)
		}
		recs, err := run(ctx, tx, detailsQuery(w), params)
		if err != nil {
			return nil, err
		}
		m := make(map[string]enterprise.Detail, len(recs))
		for _, rec := range recs {
			r := &row{rec: rec}
			var d enterprise.Detail
			if w.Self {
				if v, ok := mapColumn(r, "self", mapEnterprise); ok {
					d.Enterprise = &v
				}
			}
			if w.Designations {
				d.Designations = mapList(r, "designations", func(r *row) enterprise.DesignationGrant {
					return enterprise.DesignationGrant{Designation: enterprise.Designation(r.str("designation")), Year: r.integer("year")}
				})
			}
			if w.District {
				if v, ok := mapColumn(r, "district", mapDistrict); ok {
					d.District = &v
				}
			}
			if w.Park {
				if v, ok := mapColumn(r, "park", mapPark); ok {
					d.Park = &v
				}
			}
			if w.Chains {
				d.Chains = mapList(r, "chains", mapChain)
			}
			if w.Offers {
				d.Offers = mapList(r, "offers", func(r *row) enterprise.ProductOffer {
					if p, ok := mapColumn(r, "item", mapProduct); ok {
						d.Products = append(d.Products, p)
					}
					return enterprise.ProductOffer{ProductCode: r.str("product"), AnnualCapacity: r.optFloat("amount"), Unit: r.optStr("unit")}
				})
			}
			if w.Needs {
				d.Needs = mapList(r, "needs", func(r *row) enterprise.ProductNeed {
					if p, ok := mapColumn(r, "item", mapProduct); ok {
						d.Products = append(d.Products, p)
					}
					return enterprise.ProductNeed{ProductCode: r.str("product"), AnnualVolume: r.optFloat("amount"), Unit: r.optStr("unit")}
				})
			}
			if len(w.Supply) > 0 {
				ws, _ := value[[]any](r, "supply")
				d.Supply = make(map[int]enterprise.SupplyWindow, len(ws))
				for _, x := range ws {
					wm, ok := x.(map[string]any)
					if !ok {
						return nil, fmt.Errorf("column supply: item is %T, not a map", x)
					}
					i, _ := wm["i"].(int64)
					if i < 0 || int(i) >= len(w.Supply) {
						return nil, fmt.Errorf("column supply: query index %d out of range", i)
					}
					win, err := supplyWindow(&row{rec: &neo4j.Record{Keys: []string{"total", "passed", "rels"},
						Values: []any{wm["total"], wm["passed"], wm["rels"]}}}, w.Supply[i])
					if err != nil {
						return nil, err
					}
					d.Supply[int(i)] = win
				}
			}
			if r.err != nil {
				return nil, r.err
			}
			m[r.str("key")] = d
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	for i, k := range usccs {
		out[i] = found[k]
	}
	return out, nil
}

// mapList reads a list column of maps (COLLECT of asMap projections)
// through mapRow; an absent or empty list is an empty slice.
func mapList[T any](r *row, key string, mapRow func(*row) T) []T {
	items, _ := value[[]any](r, key)
	out := make([]T, 0, len(items))
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			if r.err == nil {
				r.err = fmt.Errorf("column %s: item is %T, not a map", key, it)
			}
			return out
		}
		v, err := fromMap(m, mapRow)
		if err != nil && r.err == nil {
			r.err = fmt.Errorf("column %s: %w", key, err)
		}
		out = append(out, v)
	}
	return out
}
