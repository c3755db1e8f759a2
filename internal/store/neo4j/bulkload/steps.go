package bulkload

import (
	"chainmatch/internal/dataset"
	"chainmatch/internal/textkey"
)

// step is one kind of record to load: its statement, and n rows that row
// builds one at a time, so that only the batches in flight exist as
// statement parameters.
type step struct {
	stmt statement
	rels bool // rows are relationships
	// phase orders a fresh load: a step matches only nodes written in
	// earlier phases, so the batches of one phase may overlap.
	phase int
	n     int
	row   func(i int) map[string]any
	// key identifies a relationship row's relationship as MERGE matches
	// it (nil for node rows, whose keys are constrained).
	key func(i int) relKey
	// firms marks the enterprise step, whose create form returns each new
	// node's element id.
	firms bool
}

// relKey is a relationship's natural key: its end nodes' keys and, for
// SUPPLIES, the product.
type relKey struct{ from, to, product string }

// distinct drops the rows whose relationship a later row of st repeats, so
// that creating the rows gives what merging them would: one relationship
// per key, with the last row's properties.
func (st step) distinct() step {
	if st.key == nil {
		return st
	}
	seen := make(map[relKey]struct{}, st.n)
	var keep []int
	dropped := false
	for i := st.n - 1; i >= 0; i-- {
		k := st.key(i)
		if _, dup := seen[k]; dup {
			dropped = true
			continue
		}
		seen[k] = struct{}{}
		keep = append(keep, i)
	}
	if !dropped {
		return st
	}
	for l, r := 0, len(keep)-1; l < r; l, r = l+1, r-1 { // back to row order
		keep[l], keep[r] = keep[r], keep[l]
	}
	row := st.row
	st.n, st.row = len(keep), func(i int) map[string]any { return row(keep[i]) }
	return st
}

// The property maps of each kind of node, built in one place each: a new
// property goes here and into its spec (statements.go). Chains, products
// and firms carry their search keys (package textkey), computed here as
// on every other write path.

// withSearchKeys adds the search keys of name and nameEn to row.
func withSearchKeys(row map[string]any, name, nameEn string) map[string]any {
	row["searchKeys"], row["searchKeysVersion"] = textkey.Keys(name, nameEn), textkey.Version
	return row
}

func chainRow(c dataset.Chain) map[string]any {
	return withSearchKeys(map[string]any{"code": c.Code, "name": c.Name, "nameEn": c.NameEn}, c.Name, c.NameEn)
}

func districtRow(d dataset.District) map[string]any {
	return map[string]any{"code": d.Code, "name": d.Name, "nameEn": d.NameEn, "lat": d.Lat, "lon": d.Lon}
}

func incentiveRow(in dataset.Incentive) map[string]any {
	return map[string]any{"code": in.Code, "name": in.Name, "nameEn": in.NameEn,
		"amountYuan": in.AmountYuan, "designation": nullIfZero(in.Designation), "localOnly": in.LocalOnly,
		"minYear": nullIfZero(in.MinYear)}
}

func enterpriseRow(e dataset.Enterprise) map[string]any {
	row := map[string]any{"uscc": e.USCC, "name": e.Name, "nameEn": nullIfZero(e.NameEn), "isLocal": e.IsLocal,
		"homeCity": nullIfZero(e.HomeCity), "founded": nullIfZero(e.Founded), "dataSource": nullIfZero(e.DataSource),
		"owner": e.Owner, "contactPerson": nullIfZero(e.ContactPerson), "contactPhone": nullIfZero(e.ContactPhone),
		"contactEmail": nullIfZero(e.ContactEmail), "lat": nil, "lon": nil}
	if e.HasLocation {
		row["lat"], row["lon"] = e.Lat, e.Lon
	}
	return withSearchKeys(row, e.Name, e.NameEn)
}

func segmentRow(sg dataset.Segment) map[string]any {
	return map[string]any{"code": sg.Code, "name": sg.Name, "nameEn": sg.NameEn,
		"stage": sg.Stage, "position": sg.Position, "chain": sg.ChainCode}
}

func parkRow(p dataset.Park) map[string]any {
	return map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn,
		"district": p.DistrictCode, "lat": p.Lat, "lon": p.Lon}
}

func productRow(p dataset.Product) map[string]any {
	return withSearchKeys(map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn, "segment": p.SegmentCode}, p.Name, p.NameEn)
}

// pair is a relationship row between two keys.
type pair struct{ from, to string }

// nodeStep is the step that writes xs, one row each from build.
func nodeStep[T any](phase int, stmt statement, xs []T, build func(T) map[string]any) step {
	return step{phase: phase, stmt: stmt, n: len(xs), row: func(i int) map[string]any { return build(xs[i]) }}
}

// steps describes g's records as statement rows, in load order: a step
// matches only nodes written by the steps before it, and in a fresh load
// only those of earlier phases (the catalogue's PART_OF, IN_SEGMENT and
// IN_DISTRICT come with their nodes). firm gives the value relationship
// rows carry for an enterprise's USCC.
func steps(g *dataset.Graph, firm func(uscc string) any) []step {
	var inputs, focus, located, inPark []pair
	for _, p := range g.Products {
		for _, in := range p.Inputs {
			inputs = append(inputs, pair{in, p.Code})
		}
	}
	for _, p := range g.Parks {
		for _, c := range p.FocusChains {
			focus = append(focus, pair{p.Code, c})
		}
	}
	for _, e := range g.Enterprises {
		if e.DistrictCode != "" {
			located = append(located, pair{e.USCC, e.DistrictCode})
		}
		if e.ParkCode != "" {
			inPark = append(inPark, pair{e.USCC, e.ParkCode})
		}
	}
	pairKey := func(ps []pair) func(int) relKey {
		return func(i int) relKey { return relKey{from: ps[i].from, to: ps[i].to} }
	}
	rel := func(phase int, stmt statement, n int, row func(int) map[string]any, key func(int) relKey) step {
		return step{phase: phase, stmt: stmt, rels: true, n: n, row: row, key: key}
	}
	firms := nodeStep(0, qEnterprises, g.Enterprises, enterpriseRow)
	firms.firms = true
	return []step{
		// Phase 0: nodes that need no other node.
		nodeStep(0, qChains, g.Chains, chainRow),
		nodeStep(0, qDistricts, g.Districts, districtRow),
		nodeStep(0, qDesignations, g.Designations, func(code string) map[string]any { return map[string]any{"code": code} }),
		nodeStep(0, qIncentives, g.Incentives, incentiveRow),
		firms,
		// Phases 1 and 2: the rest of the catalogue.
		nodeStep(1, qSegments, g.Segments, segmentRow),
		nodeStep(1, qParks, g.Parks, parkRow),
		nodeStep(2, qProducts, g.Products, productRow),
		rel(2, qParkFocus, len(focus), func(i int) map[string]any {
			return map[string]any{"park": focus[i].from, "chain": focus[i].to}
		}, pairKey(focus)),
		// Phase 3: relationships between the nodes.
		rel(3, qProductInputs, len(inputs), func(i int) map[string]any {
			return map[string]any{"input": inputs[i].from, "output": inputs[i].to}
		}, pairKey(inputs)),
		rel(3, qLocatedIn, len(located), func(i int) map[string]any {
			return map[string]any{"firm": firm(located[i].from), "district": located[i].to}
		}, pairKey(located)),
		rel(3, qInPark, len(inPark), func(i int) map[string]any {
			return map[string]any{"firm": firm(inPark[i].from), "park": inPark[i].to}
		}, pairKey(inPark)),
		rel(3, qHolds, len(g.Grants), func(i int) map[string]any {
			h := g.Grants[i]
			return map[string]any{"firm": firm(h.USCC), "designation": h.Designation, "year": h.Year}
		}, func(i int) relKey { return relKey{from: g.Grants[i].USCC, to: g.Grants[i].Designation} }),
		rel(3, qMakes, len(g.Makes), func(i int) map[string]any {
			m := g.Makes[i]
			return map[string]any{"firm": firm(m.USCC), "product": m.ProductCode, "annualCapacity": m.AnnualCapacity, "unit": nullIfZero(m.Unit)}
		}, func(i int) relKey { return relKey{from: g.Makes[i].USCC, to: g.Makes[i].ProductCode} }),
		rel(3, qNeeds, len(g.Needs), func(i int) map[string]any {
			nd := g.Needs[i]
			return map[string]any{"firm": firm(nd.USCC), "product": nd.ProductCode, "annualVolume": nd.AnnualVolume, "unit": nullIfZero(nd.Unit)}
		}, func(i int) relKey { return relKey{from: g.Needs[i].USCC, to: g.Needs[i].ProductCode} }),
		rel(3, qSupplies, len(g.Supplies), func(i int) map[string]any {
			x := g.Supplies[i]
			return map[string]any{"supplier": firm(x.SupplierUSCC), "customer": firm(x.CustomerUSCC),
				"product": x.ProductCode, "since": nullIfZero(x.Since)}
		}, func(i int) relKey {
			x := g.Supplies[i]
			return relKey{x.SupplierUSCC, x.CustomerUSCC, x.ProductCode}
		}),
	}
}

// nullIfZero stores Go's zero value as an absent property.
func nullIfZero[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}
