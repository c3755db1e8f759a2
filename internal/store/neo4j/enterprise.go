package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/changes"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/textkey"
)

// enterpriseColumns projects an Enterprise bound to e; mapEnterprise reads
// it. Its own properties (enterpriseOwnColumns) cost nothing beyond finding
// the node; its place (district and park codes) is a relationship read.
const (
	enterpriseOwnColumns = `e.uscc AS uscc, e.name AS name, e.nameEn AS nameEn,
	coalesce(e.isLocal, false) AS isLocal, e.homeCity AS homeCity, e.location AS location,
	e.founded AS founded, e.dataSource AS dataSource, coalesce(e.owner, '') AS owner`
	// The pattern variables are its own: a variable the enclosing
	// statement binds (a search binds p to the node found) would tie the
	// pattern to that node.
	enterpriseColumns = enterpriseOwnColumns + `,
	[(e)-[:LOCATED_IN]->(inDistrict:District) | inDistrict.code][0] AS district,
	[(e)-[:IN_PARK]->(inPark:Park) | inPark.code][0] AS park`
	// enterpriseUnplacedColumns leave the place unread (null).
	enterpriseUnplacedColumns = enterpriseOwnColumns + `, null AS district, null AS park`
)

func mapEnterprise(r *row) enterprise.Enterprise {
	return enterprise.Enterprise{
		USCC:         r.str("uscc"),
		Name:         r.str("name"),
		NameEn:       r.optStr("nameEn"),
		IsLocal:      r.boolean("isLocal"),
		DistrictCode: r.optStr("district"),
		ParkCode:     r.optStr("park"),
		HomeCity:     r.optStr("homeCity"),
		Location:     r.point("location"),
		Founded:      r.optInt("founded"),
		DataSource:   r.optStr("dataSource"),
		Owner:        r.str("owner"),
	}
}

const qEnterprisesByUSCC = `UNWIND $keys AS key
	MATCH (e:Enterprise {uscc: key})
	RETURN key, ` + enterpriseColumns

// EnterprisesByUSCC returns the enterprises in key order, nil for unknown USCCs.
func (s *Store) EnterprisesByUSCC(ctx context.Context, usccs []string) ([]*enterprise.Enterprise, error) {
	return byKey(ctx, s, qEnterprisesByUSCC, usccs, mapEnterprise)
}

// Filter fragments of ListEnterprises. Each is a fixed, parameterized
// condition on e; a query is their conjunction, so no input ever becomes
// Cypher text.
const (
	fDistrict = `EXISTS { (e)-[:LOCATED_IN]->(:District {code: $districtCode}) }`
	fPark     = `EXISTS { (e)-[:IN_PARK]->(:Park {code: $parkCode}) }`
	fChain    = `EXISTS { (e)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(:IndustrialChain {code: $chainCode}) }`
	fSegment  = `EXISTS { (e)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment {code: $segmentCode}) }`
	fMakes    = `EXISTS { (e)-[:MAKES]->(:Product {code: $makesCode}) }`
	fNeeds    = `EXISTS { (e)-[:NEEDS]->(:Product {code: $needsCode}) }`
	// HOLDS always ends at a Designation (docs/graph-model.md), so the far
	// end's label is not checked: that check was half the Neo4j time of a
	// district and designation page (64 → 35 ms per statement at 100,000
	// firms). The match filters (candidateFilter, qMatchCandidatesOf) do
	// the same.
	fDesignations = `EXISTS { (e)-[:HOLDS]->(d) WHERE d.code IN $designations }`
	fIsLocal      = `e.isLocal = $isLocal`
	// Written as point.distance(prop, $param) <= $radius so that the
	// planner uses the enterprise_location point index.
	fWithin       = `point.distance(e.location, $center) <= $radiusMetres`
	fNameContains = `(toLower(e.name) CONTAINS $nameLower OR toLower(coalesce(e.nameEn, '')) CONTAINS $nameLower)`
	fDataSource   = `e.dataSource = $dataSource`

	// Sort keys; the FOUNDED one puts firms without a year last.
	sortName    = `e.name`
	sortUSCC    = `e.uscc`
	sortFounded = `coalesce(e.founded, $nullFounded)`

	// Keyset conditions: strictly after ($sortKey, $afterUSCC) in fetch order.
	afterAsc  = `(sk > $sortKey OR (sk = $sortKey AND e.uscc > $afterUSCC))`
	afterDesc = `(sk < $sortKey OR (sk = $sortKey AND e.uscc < $afterUSCC))`
)

// enterpriseWhere builds the conjunction of the filter fragments c asks for
// and their parameters, leaving out the fragment the anchor MATCH already
// guarantees (its parameter is still set).
func enterpriseWhere(c enterprise.Criteria, params map[string]any, anchored string) string {
	var conds []string
	add := func(frag, name string, v any) {
		if frag != anchored {
			conds = append(conds, frag)
		}
		if name != "" {
			params[name] = v
		}
	}
	if c.DistrictCode != nil {
		add(fDistrict, "districtCode", *c.DistrictCode)
	}
	if c.ParkCode != nil {
		add(fPark, "parkCode", *c.ParkCode)
	}
	if c.ChainCode != nil {
		add(fChain, "chainCode", *c.ChainCode)
	}
	if c.SegmentCode != nil {
		add(fSegment, "segmentCode", *c.SegmentCode)
	}
	if c.MakesProductCode != nil {
		add(fMakes, "makesCode", *c.MakesProductCode)
	}
	if c.NeedsProductCode != nil {
		add(fNeeds, "needsCode", *c.NeedsProductCode)
	}
	if c.Designations != nil {
		ds := make([]string, len(c.Designations))
		for i, d := range c.Designations {
			ds[i] = string(d)
		}
		add(fDesignations, "designations", ds)
	}
	if c.IsLocal != nil {
		add(fIsLocal, "isLocal", *c.IsLocal)
	}
	if c.Within != nil {
		add(fWithin, "center", wgs84(c.Within.Center))
		params["radiusMetres"] = c.Within.RadiusKm * 1000
	}
	if c.NameContains != nil {
		add(fNameContains, "nameLower", strings.ToLower(*c.NameContains))
	}
	if c.DataSource != nil {
		add(fDataSource, "dataSource", *c.DataSource)
	}
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, "\n\t  AND ")
}

// enterpriseAnchor is the MATCH that starts a listing, and the filter
// fragment it makes redundant. A filter on a node with a unique key
// (district, park, product made) starts from that node and expands to its
// enterprises, instead of scanning every enterprise and testing the
// filter's EXISTS per row: on the 100,000-firm graph a district and
// designation page went from ~1.1 s to ~0.34 s of Neo4j time
// (docs/benchmarks.md). MERGE keeps one relationship per pair, so the
// expansion yields each enterprise once. The fragment is left out of the
// WHERE: kept, it cost an Expand(Into) per row, about half the db hits of
// a district + designation page (PROFILE, docs/graph-model.md).
func enterpriseAnchor(c enterprise.Criteria) (match, anchored string) {
	switch {
	case c.DistrictCode != nil:
		return "MATCH (:District {code: $districtCode})<-[:LOCATED_IN]-(e:Enterprise)", fDistrict
	case c.ParkCode != nil:
		return "MATCH (:Park {code: $parkCode})<-[:IN_PARK]-(e:Enterprise)", fPark
	case c.MakesProductCode != nil:
		return "MATCH (:Product {code: $makesCode})<-[:MAKES]-(e:Enterprise)", fMakes
	}
	return "MATCH (e:Enterprise)", ""
}

// ListEnterprises returns up to q.Limit enterprises matching q.Criteria
// after q.After in fetch order, plus the total and the number passed. One
// statement: when the counts are wanted (q.SkipTotal unset, or a cursor,
// whose Passed says whether there is a previous page) it matches the
// filter once, counts and collects the sorted matches and slices the page
// (before: a page statement and a count statement, each running the
// filter); otherwise it only sorts the top q.Limit.
func (s *Store) ListEnterprises(ctx context.Context, q enterprise.ListQuery) (enterprise.ListResult, error) {
	params := map[string]any{"limit": q.Limit}
	anchor, anchored := enterpriseAnchor(q.Criteria)
	where := enterpriseWhere(q.Criteria, params, anchored)
	sk := sortUSCC
	switch q.Order.Field {
	case enterprise.OrderByName:
		sk = sortName
	case enterprise.OrderByFounded:
		sk = sortFounded
		params["nullFounded"] = enterprise.FoundedSortKey(nil, q.Order.Desc)
	}
	asc := q.Order.Desc == q.Backward
	dir, after := "ASC", afterAsc
	if !asc {
		dir, after = "DESC", afterDesc
	}
	cursor := "true"
	if q.After != nil {
		cursor = after
		params["sortKey"], params["afterUSCC"] = q.After.Sort, q.After.USCC
	}
	match := anchor + "\n\tWHERE " + where
	counted := !q.SkipTotal || q.After != nil
	var stmt string
	if counted {
		// The empty page still yields one row (e null) so that the
		// counts come back; collect keeps the ORDER BY's order.
		stmt = match +
			"\n\tWITH e, " + sk + " AS sk" +
			"\n\tWITH e, sk, " + cursor + " AS later ORDER BY sk " + dir + ", e.uscc " + dir +
			"\n\tWITH count(e) AS total, count(CASE WHEN NOT later THEN 1 END) AS passed," +
			"\n\t     collect(CASE WHEN later THEN e END)[..$limit] AS page" +
			"\n\tUNWIND CASE page WHEN [] THEN [null] ELSE page END AS e" +
			"\n\tRETURN total, passed, " + enterpriseColumns
	} else {
		stmt = match +
			"\n\tWITH e, " + sk + " AS sk WHERE " + cursor +
			"\n\tWITH e, sk ORDER BY sk " + dir + ", e.uscc " + dir + " LIMIT $limit" +
			"\n\tRETURN " + enterpriseColumns
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (enterprise.ListResult, error) {
		recs, err := run(ctx, tx, stmt, params)
		if err != nil {
			return enterprise.ListResult{}, err
		}
		res := enterprise.ListResult{Enterprises: make([]enterprise.Enterprise, 0, len(recs))}
		for i, rec := range recs {
			r := &row{rec: rec}
			if counted && i == 0 {
				res.Total, res.Passed = r.integer("total"), r.integer("passed")
			}
			if counted && r.optStr("uscc") == nil {
				continue // the empty page's row
			}
			e := mapEnterprise(r)
			if r.err != nil {
				return enterprise.ListResult{}, r.err
			}
			res.Enterprises = append(res.Enterprises, e)
		}
		return res, nil
	})
}

const qDesignationsOf = `UNWIND $keys AS key
	MATCH (:Enterprise {uscc: key})-[h:HOLDS]->(d:Designation)
	RETURN key, d.code AS designation, h.year AS year
	ORDER BY key, year DESC, designation`

// DesignationsOf returns each enterprise's designations, newest first.
func (s *Store) DesignationsOf(ctx context.Context, usccs []string) ([][]enterprise.DesignationGrant, error) {
	return groupByKey(ctx, s, qDesignationsOf, usccs, func(r *row) enterprise.DesignationGrant {
		return enterprise.DesignationGrant{Designation: enterprise.Designation(r.str("designation")), Year: r.integer("year")}
	})
}

const (
	qOffersOf = `UNWIND $keys AS key
	MATCH (:Enterprise {uscc: key})-[m:MAKES]->(p:Product)
	RETURN key, p.code AS product, m.annualCapacity AS amount, m.unit AS unit
	ORDER BY key, product`
	qNeedsOf = `UNWIND $keys AS key
	MATCH (:Enterprise {uscc: key})-[n:NEEDS]->(p:Product)
	RETURN key, p.code AS product, n.annualVolume AS amount, n.unit AS unit
	ORDER BY key, product`
)

// OffersOf returns what each enterprise makes, in product-code order.
func (s *Store) OffersOf(ctx context.Context, usccs []string) ([][]enterprise.ProductOffer, error) {
	return groupByKey(ctx, s, qOffersOf, usccs, func(r *row) enterprise.ProductOffer {
		return enterprise.ProductOffer{ProductCode: r.str("product"), AnnualCapacity: r.optFloat("amount"), Unit: r.optStr("unit")}
	})
}

// NeedsOf returns what each enterprise needs, in product-code order.
func (s *Store) NeedsOf(ctx context.Context, usccs []string) ([][]enterprise.ProductNeed, error) {
	return groupByKey(ctx, s, qNeedsOf, usccs, func(r *row) enterprise.ProductNeed {
		return enterprise.ProductNeed{ProductCode: r.str("product"), AnnualVolume: r.optFloat("amount"), Unit: r.optStr("unit")}
	})
}

const qContactsOf = `UNWIND $keys AS key
	MATCH (e:Enterprise {uscc: key})
	WHERE e.contactPerson IS NOT NULL OR e.contactPhone IS NOT NULL OR e.contactEmail IS NOT NULL
	RETURN key, e.contactPerson AS person, e.contactPhone AS phone, e.contactEmail AS email`

// ContactsOf returns each enterprise's contact, nil when it has none.
func (s *Store) ContactsOf(ctx context.Context, usccs []string) ([]*enterprise.Contact, error) {
	return byKey(ctx, s, qContactsOf, usccs, func(r *row) enterprise.Contact {
		return enterprise.Contact{Person: r.optStr("person"), Phone: r.optStr("phone"), Email: r.optStr("email")}
	})
}

// qSupplyWindows answers many SupplyQuery rows in one statement: per row
// the relations on its side (suppliers: SUPPLIES into the firm; customers:
// out of it), newest first (no year last), then partner USCC and product
// code; the window after the keyset position, cut to k.limit; the total;
// and how many lie at or before the position (hasPreviousPage). LIMIT may
// not refer to a row variable, so the window is a slice of the ordered
// list.
var qSupplyWindows = `UNWIND $rows AS k
	` + supplyWindowCall + `
	RETURN k.i AS i, total, passed, rels`

// supplyWindowCall computes total, passed and rels for the supply query
// row k (see supplyRows); EnterpriseDetails runs it too.
var supplyWindowCall = `CALL (k) {
	  MATCH (me:Enterprise {uscc: k.uscc})-[r:SUPPLIES]-(o:Enterprise)
	  WHERE CASE WHEN k.customers THEN startNode(r) = me ELSE endNode(r) = me END
	  WITH o, r, coalesce(r.since, 0) AS sk
	  WITH o, r, sk, NOT k.hasAfter OR sk < k.since OR
	       (sk = k.since AND (o.uscc > k.partner OR (o.uscc = k.partner AND r.product > k.product))) AS later
	  ORDER BY sk DESC, o.uscc, r.product
	  WITH count(r) AS total, count(CASE WHEN NOT later THEN 1 END) AS passed,
	       collect(CASE WHEN later THEN {o: o, product: r.product, since: r.since} END) AS later
	  RETURN total, passed, [x IN later[0..k.limit] | [e IN [x.o] | {partner: e.uscc, product: x.product, since: x.since,
	         enterprise: ` + asMap(enterpriseColumns) + `}][0]] AS rels
	}`

// supplyRows are the statement rows of qs; k.i is the query's index.
func supplyRows(qs []enterprise.SupplyQuery) []map[string]any {
	rows := make([]map[string]any, len(qs))
	for i, q := range qs {
		rows[i] = map[string]any{"i": i, "uscc": q.USCC, "customers": q.Side == enterprise.Customers, "limit": q.Limit,
			"hasAfter": q.HasAfter, "since": q.After.Since, "partner": q.After.Partner, "product": q.After.Product}
	}
	return rows
}

// SupplyWindows answers each query with a window of the enterprise's
// suppliers or customers and its counts, in query order, with one
// statement for all of them.
func (s *Store) SupplyWindows(ctx context.Context, qs []enterprise.SupplyQuery) ([]enterprise.SupplyWindow, error) {
	out := make([]enterprise.SupplyWindow, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := run(ctx, tx, qSupplyWindows, map[string]any{"rows": supplyRows(qs)})
		if err != nil {
			return struct{}{}, err
		}
		for _, rec := range recs {
			r := &row{rec: rec}
			i := r.integer("i")
			if r.err != nil {
				return struct{}{}, r.err
			}
			if out[i], err = supplyWindow(r, qs[i]); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return out, err
}

// supplyWindow reads the total, passed and rels columns of r as the answer
// to q.
func supplyWindow(r *row, q enterprise.SupplyQuery) (enterprise.SupplyWindow, error) {
	w := enterprise.SupplyWindow{Total: r.integer("total"), Passed: r.integer("passed")}
	rels, _ := value[[]any](r, "rels")
	if r.err != nil {
		return w, r.err
	}
	for _, x := range rels {
		m, ok := x.(map[string]any)
		if !ok {
			return w, fmt.Errorf("supply window: relation is %T", x)
		}
		partner, _ := m["partner"].(string)
		rel := enterprise.SupplyRelation{SupplierUSCC: partner, CustomerUSCC: q.USCC}
		if q.Side == enterprise.Customers {
			rel.SupplierUSCC, rel.CustomerUSCC = q.USCC, partner
		}
		if p, _ := m["product"].(string); p != "" {
			rel.ProductCode = &p
		}
		if y, ok := m["since"].(int64); ok {
			since := int(y)
			rel.Since = &since
		}
		if em, ok := m["enterprise"].(map[string]any); ok {
			e, err := fromMap(em, mapEnterprise)
			if err != nil {
				return w, fmt.Errorf("supply window: partner: %w", err)
			}
			rel.Partner = &e
		}
		w.Relations = append(w.Relations, rel)
	}
	return w, nil
}

// qProducerWindowsFmt answers many ProducerQuery rows in one statement: per
// row the window of producers after k.after in USCC order (a top-k sort:
// $limit is the largest k.limit, and each row's window is cut to its own),
// the total from the product's MAKES degree (only enterprises make
// products, so no producer is read to count them), and, in
// qProducerWindowsAfter (used when a row has a cursor), how many lie at
// or before k.after. One record per enterprise (one
// record with a null enterprise when the window is empty, so that the
// counts still come back); none for an unknown product.
const qProducerWindowsFmt = `UNWIND $rows AS k
	MATCH (p:Product {code: k.product})
	CALL (k, p) {
	  MATCH (e:Enterprise)-[:MAKES]->(p)
	  WHERE NOT k.hasAfter OR e.uscc > k.after
	  WITH e ORDER BY e.uscc LIMIT $limit
	  RETURN collect(e) AS window
	}
	WITH k, window[0..k.limit] AS window, COUNT { (p)<-[:MAKES]-() } AS total, %s AS passed
	UNWIND CASE WHEN window = [] THEN [null] ELSE window END AS e
	RETURN k.i AS i, total, passed, `

var (
	// Without a cursor nothing lies before the window.
	qProducerWindows = fmt.Sprintf(qProducerWindowsFmt, "0") + enterpriseColumns
	// With one, the producers at or before it are counted (hasPreviousPage).
	qProducerWindowsAfter = fmt.Sprintf(qProducerWindowsFmt,
		"CASE WHEN k.hasAfter THEN COUNT { (p)<-[:MAKES]-(x:Enterprise) WHERE x.uscc <= k.after } ELSE 0 END") + enterpriseColumns
)

// ProducerWindows answers each query with a window of the product's
// producers and its counts, in query order, with one statement.
func (s *Store) ProducerWindows(ctx context.Context, qs []enterprise.ProducerQuery) ([]enterprise.ProducerWindow, error) {
	out := make([]enterprise.ProducerWindow, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	rows := make([]map[string]any, len(qs))
	query, limit := qProducerWindows, 0
	for i, q := range qs {
		rows[i] = map[string]any{"i": i, "product": q.ProductCode, "hasAfter": q.HasAfter, "after": q.After, "limit": q.Limit}
		limit = max(limit, q.Limit)
		if q.HasAfter {
			query = qProducerWindowsAfter
		}
	}
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := run(ctx, tx, query, map[string]any{"rows": rows, "limit": limit})
		if err != nil {
			return struct{}{}, err
		}
		for _, rec := range recs {
			r := &row{rec: rec}
			i := r.integer("i")
			out[i].Total, out[i].Passed = r.integer("total"), r.integer("passed")
			if r.optStr("uscc") != nil {
				out[i].Enterprises = append(out[i].Enterprises, mapEnterprise(r))
			}
			if r.err != nil {
				return struct{}{}, r.err
			}
		}
		return struct{}{}, nil
	})
	return out, err
}

const qReferences = `UNWIND $districts AS c MATCH (:District {code: c})
	RETURN 'district' AS kind, c AS code, '' AS district
	UNION ALL
	UNWIND $products AS c MATCH (:Product {code: c})
	RETURN 'product' AS kind, c AS code, '' AS district
	UNION ALL
	UNWIND $parks AS c MATCH (p:Park {code: c})
	RETURN 'park' AS kind, c AS code, coalesce([(p)-[:IN_DISTRICT]->(d:District) | d.code][0], '') AS district`

// References reports which of the referenced districts, parks and
// products exist, and each park's district.
func (s *Store) References(ctx context.Context, refs enterprise.References) (enterprise.Existing, error) {
	ex := enterprise.Existing{Districts: map[string]bool{}, Products: map[string]bool{}, ParkDistrict: map[string]string{}}
	params := map[string]any{"districts": distinct(refs.DistrictCodes), "products": distinct(refs.ProductCodes), "parks": distinct(refs.ParkCodes)}
	type found struct{ kind, code, district string }
	rows, err := list(ctx, s, qReferences, params, func(r *row) found {
		return found{r.str("kind"), r.str("code"), r.str("district")}
	})
	if err != nil {
		return ex, err
	}
	for _, f := range rows {
		switch f.kind {
		case "district":
			ex.Districts[f.code] = true
		case "product":
			ex.Products[f.code] = true
		case "park":
			ex.ParkDistrict[f.code] = f.district
		}
	}
	return ex, nil
}

func distinct(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// qUpsertEnterprises writes a batch of enterprises in one statement. It is
// idempotent: MERGE on the unique USCC (concurrent upserts of one USCC
// serialise on the constraint), relationships MERGEd, lists replaced only
// when given (row.designations etc. not null), the owner set on creation
// only (with createdAt, by which the row says whether it created the
// enterprise: ENTERPRISE_CREATED or _UPDATED). Per row it returns what its
// references matched, so that
// UpsertEnterprises can refuse the whole transaction when one did not
// hold: a MATCH that finds nothing would otherwise skip the link silently.
const qUpsertEnterprises = `UNWIND $rows AS row
	MERGE (e:Enterprise {uscc: row.uscc})
	  ON CREATE SET e.owner = row.owner, e.createdAt = datetime.transaction()
	SET e.name = row.name, e.nameEn = row.nameEn, e.isLocal = row.isLocal,
	    e.homeCity = row.homeCity, e.location = row.location, e.founded = row.founded,
	    e.dataSource = row.dataSource, e.updatedAt = datetime(),
	    e.searchKeys = row.searchKeys, e.searchKeysVersion = '` + textkey.Version + `'
	SET e.contactPerson = CASE WHEN row.setContact THEN row.contactPerson ELSE e.contactPerson END,
	    e.contactPhone = CASE WHEN row.setContact THEN row.contactPhone ELSE e.contactPhone END,
	    e.contactEmail = CASE WHEN row.setContact THEN row.contactEmail ELSE e.contactEmail END
	WITH e, row
	CALL (e) {
	  OPTIONAL MATCH (e)-[old:LOCATED_IN|IN_PARK]->()
	  DELETE old
	}
	CALL (e, row) {
	  MATCH (d:District {code: row.district})
	  MERGE (e)-[:LOCATED_IN]->(d)
	  RETURN count(d) AS districts
	}
	CALL (e, row) {
	  MATCH (p:Park {code: row.park})
	  MERGE (e)-[:IN_PARK]->(p)
	  RETURN collect(coalesce([(p)-[:IN_DISTRICT]->(pd:District) | pd.code][0], '')) AS parkDistricts
	}
	CALL (e, row) {
	  MATCH (e)-[h:HOLDS]->(:Designation) WHERE row.designations IS NOT NULL
	  DELETE h
	}
	CALL (e, row) {
	  UNWIND coalesce(row.designations, []) AS g
	  MERGE (d:Designation {code: g.designation})
	  MERGE (e)-[h:HOLDS]->(d) SET h.year = g.year
	}
	CALL (e, row) {
	  MATCH (e)-[m:MAKES]->(:Product) WHERE row.products IS NOT NULL
	  DELETE m
	}
	CALL (e, row) {
	  UNWIND coalesce(row.products, []) AS o
	  MATCH (p:Product {code: o.code})
	  MERGE (e)-[m:MAKES]->(p) SET m.annualCapacity = o.amount, m.unit = o.unit
	  RETURN collect(p.code) AS made
	}
	CALL (e, row) {
	  MATCH (e)-[n:NEEDS]->(:Product) WHERE row.needs IS NOT NULL
	  DELETE n
	}
	CALL (e, row) {
	  UNWIND coalesce(row.needs, []) AS o
	  MATCH (p:Product {code: o.code})
	  MERGE (e)-[n:NEEDS]->(p) SET n.annualVolume = o.amount, n.unit = o.unit
	  RETURN collect(p.code) AS needed
	}
	RETURN row.i AS i, districts, parkDistricts, made, needed,
	  e.createdAt = datetime.transaction() AS created`

// UpsertEnterprises writes rows in one transaction (all or nothing). When
// a referenced district, park or product does not exist at write time (or
// the park lies in another district) it returns an
// *enterprise.ReferenceError and the transaction is rolled back. Each row
// appends ENTERPRISE_CREATED or ENTERPRISE_UPDATED to the change log in
// the same transaction.
func (s *Store) UpsertEnterprises(ctx context.Context, rows []enterprise.Record) error {
	params := make([]map[string]any, len(rows))
	for i, rec := range rows {
		params[i] = recordParams(rec)
		params[i]["i"] = i
	}
	ids := newChangeIDs(len(rows))
	_, err := writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := run(ctx, tx, qUpsertEnterprises, map[string]any{"rows": params})
		if err != nil {
			return struct{}{}, err
		}
		if len(recs) != len(rows) {
			return struct{}{}, fmt.Errorf("upsert wrote %d of %d enterprises", len(recs), len(rows))
		}
		events := make([]changeRow, len(rows))
		for _, rec := range recs {
			r := &row{rec: rec}
			i := r.integer("i")
			districts := r.integer("districts")
			parkDistricts, _ := value[[]any](r, "parkDistricts")
			made, _ := value[[]any](r, "made")
			needed, _ := value[[]any](r, "needed")
			kind := changes.EnterpriseUpdated
			if r.boolean("created") {
				kind = changes.EnterpriseCreated
			}
			if r.err != nil {
				return struct{}{}, r.err
			}
			if err := checkReferences(i, rows[i], districts, parkDistricts, made, needed); err != nil {
				return struct{}{}, err // rolls the transaction back
			}
			events[i] = changeRow{id: ids[i], kind: kind, entityID: enterpriseID(rows[i].Enterprise.USCC)}
		}
		return struct{}{}, appendChanges(ctx, tx, events)
	})
	return err
}

// checkReferences compares what row i referred to with what the write
// statement matched.
func checkReferences(i int, rec enterprise.Record, districts int, parkDistricts, made, needed []any) error {
	e := rec.Enterprise
	if e.DistrictCode != nil && districts == 0 {
		return &enterprise.ReferenceError{Row: i, Kind: enterprise.RefDistrict, Code: *e.DistrictCode}
	}
	if e.ParkCode != nil {
		if len(parkDistricts) == 0 {
			return &enterprise.ReferenceError{Row: i, Kind: enterprise.RefPark, Code: *e.ParkCode}
		}
		if pd, _ := parkDistricts[0].(string); e.DistrictCode != nil && pd != *e.DistrictCode {
			return &enterprise.ReferenceError{Row: i, Kind: enterprise.RefParkDistrict, Code: *e.DistrictCode}
		}
	}
	for j, p := range rec.Products {
		if !slices.Contains(made, any(p.ProductCode)) {
			return &enterprise.ReferenceError{Row: i, Kind: enterprise.RefProduct, Index: j, Code: p.ProductCode}
		}
	}
	for j, n := range rec.Needs {
		if !slices.Contains(needed, any(n.ProductCode)) {
			return &enterprise.ReferenceError{Row: i, Kind: enterprise.RefNeed, Index: j, Code: n.ProductCode}
		}
	}
	return nil
}

// recordParams turns a Record into the plain values the driver sends.
func recordParams(rec enterprise.Record) map[string]any {
	e := rec.Enterprise
	m := map[string]any{
		"uscc": e.USCC, "name": e.Name, "nameEn": opt(e.NameEn), "isLocal": e.IsLocal,
		"searchKeys": textkey.Keys(e.Name, deref(e.NameEn)),
		"homeCity":   opt(e.HomeCity), "location": nil, "founded": opt(e.Founded),
		"dataSource": opt(e.DataSource), "owner": e.Owner,
		"district": opt(e.DistrictCode), "park": opt(e.ParkCode),
		"setContact": rec.Contact != nil, "contactPerson": nil, "contactPhone": nil, "contactEmail": nil,
		"designations": nil, "products": nil, "needs": nil,
	}
	if e.Location != nil {
		m["location"] = wgs84(*e.Location)
	}
	if c := rec.Contact; c != nil {
		m["contactPerson"], m["contactPhone"], m["contactEmail"] = opt(c.Person), opt(c.Phone), opt(c.Email)
	}
	if rec.Designations != nil {
		gs := make([]map[string]any, len(rec.Designations))
		for i, g := range rec.Designations {
			gs[i] = map[string]any{"designation": string(g.Designation), "year": g.Year}
		}
		m["designations"] = gs
	}
	if rec.Products != nil {
		ps := make([]map[string]any, len(rec.Products))
		for i, p := range rec.Products {
			ps[i] = map[string]any{"code": p.ProductCode, "amount": opt(p.AnnualCapacity), "unit": opt(p.Unit)}
		}
		m["products"] = ps
	}
	if rec.Needs != nil {
		ns := make([]map[string]any, len(rec.Needs))
		for i, n := range rec.Needs {
			ns[i] = map[string]any{"code": n.ProductCode, "amount": opt(n.AnnualVolume), "unit": opt(n.Unit)}
		}
		m["needs"] = ns
	}
	return m
}

// opt turns an optional value into a driver parameter (nil for absent).
func opt[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// qDeleteEnterprise first takes the enterprise's write lock (a property
// write), so that a lead created at the same instant either commits before
// it and is seen, or waits and then finds no enterprise; then it deletes the
// enterprise only if no lead is for it, and names a lead (open ones first,
// then the newest) otherwise. The saved searches for the firm go with it,
// with their alerts, and so do the alerts about it as a candidate (an
// alert's search and candidate are never missing).
const qDeleteEnterprise = `MATCH (e:Enterprise {uscc: $uscc})
	SET e.uscc = e.uscc
	WITH e
	OPTIONAL MATCH (l:Lead)-[:FOR]->(e)
	WITH e, l ORDER BY l.openFor IS NULL, l.createdAt DESC
	WITH e, collect(l.id)[0] AS lead
	CALL (e, lead) {
	  WITH e, lead WHERE lead IS NULL
	  CALL (e) {
	    MATCH (e)<-[:ASKS_FOR]-(s:SavedSearch)
	    OPTIONAL MATCH (s)<-[:FOR]-(a:MatchAlert)
	    DETACH DELETE a
	  }
	  CALL (e) {
	    MATCH (e)<-[:ASKS_FOR]-(s:SavedSearch)
	    DETACH DELETE s
	  }
	  CALL (e) {
	    MATCH (a:MatchAlert {candidate: e.uscc})
	    DETACH DELETE a
	  }
	  DETACH DELETE e
	}
	RETURN lead`

// DeleteEnterprise deletes the enterprise, its relationships, the saved
// searches for it with their alerts and the alerts about it; false
// when it did not exist, an *enterprise.HasLeadsError (and nothing
// deleted) when it is the firm of a lead. A deletion appends
// ENTERPRISE_DELETED (and no SUPPLY_REMOVED for the relations that went
// with it).
func (s *Store) DeleteEnterprise(ctx context.Context, uscc string) (bool, error) {
	ids := newChangeIDs(1)
	return writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qDeleteEnterprise, map[string]any{"uscc": uscc})
		if err != nil || rec == nil {
			return false, err
		}
		lead, none, err := neo4j.GetRecordValue[string](rec, "lead")
		if err != nil {
			return false, err
		}
		if !none {
			return false, fmt.Errorf("delete enterprise %s: %w", uscc, &enterprise.HasLeadsError{LeadID: lead})
		}
		return true, appendChanges(ctx, tx, []changeRow{{id: ids[0], kind: changes.EnterpriseDeleted, entityID: enterpriseID(uscc)}})
	})
}

// qAddSupply MERGEs on (supplier, customer, product) with product "" for
// "no particular product", so that MERGE can match it. The product is
// matched in the same statement, and nothing is written unless the
// supplier, the customer and (when given) the product exist.
const qAddSupply = `OPTIONAL MATCH (s:Enterprise {uscc: $supplier})
	OPTIONAL MATCH (c:Enterprise {uscc: $customer})
	OPTIONAL MATCH (p:Product {code: $product})
	CALL (s, c, p) {
	  WITH s, c, p WHERE s IS NOT NULL AND c IS NOT NULL AND ($product = '' OR p IS NOT NULL)
	  MERGE (s)-[r:SUPPLIES {product: $product}]->(c)
	  SET r.since = $since
	}
	RETURN s IS NOT NULL AS supplier, c IS NOT NULL AS customer, $product = '' OR p IS NOT NULL AS product`

// AddSupplyRelation records the relation; an *enterprise.ReferenceError
// when the supplier, the customer or the product does not exist at write
// time. Every recording (also of a relation that existed) appends
// SUPPLY_ADDED.
func (s *Store) AddSupplyRelation(ctx context.Context, rel enterprise.SupplyRelation) error {
	product := ""
	if rel.ProductCode != nil {
		product = *rel.ProductCode
	}
	ev := changeRow{id: newChangeIDs(1)[0], kind: changes.SupplyAdded, entityID: enterpriseID(rel.SupplierUSCC),
		relatedID: enterpriseID(rel.CustomerUSCC)}
	if product != "" {
		ev.productID = gid.Encode(gid.Product, product)
	}
	_, err := writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		rec, err := single(ctx, tx, qAddSupply, map[string]any{"supplier": rel.SupplierUSCC,
			"customer": rel.CustomerUSCC, "product": product, "since": opt(rel.Since)})
		if err != nil {
			return struct{}{}, err
		}
		r := &row{rec: rec}
		sup, cus, prod := r.boolean("supplier"), r.boolean("customer"), r.boolean("product")
		switch {
		case r.err != nil:
			return struct{}{}, r.err
		case !sup:
			return struct{}{}, &enterprise.ReferenceError{Kind: enterprise.RefSupplier, Code: rel.SupplierUSCC}
		case !cus:
			return struct{}{}, &enterprise.ReferenceError{Kind: enterprise.RefCustomer, Code: rel.CustomerUSCC}
		case !prod:
			return struct{}{}, &enterprise.ReferenceError{Kind: enterprise.RefProduct, Code: product}
		}
		return struct{}{}, appendChanges(ctx, tx, []changeRow{ev})
	})
	return err
}

const qRemoveSupply = `MATCH (:Enterprise {uscc: $supplier})-[r:SUPPLIES]->(:Enterprise {uscc: $customer})
	WHERE $product IS NULL OR r.product = $product
	DELETE r
	RETURN count(*) AS removed`

// RemoveSupplyRelation removes the relation for product, or all relations
// between the two when product is nil; false when there was none. A
// removal appends one SUPPLY_REMOVED (without a product when product is nil).
func (s *Store) RemoveSupplyRelation(ctx context.Context, supplier, customer string, product *string) (bool, error) {
	ev := changeRow{id: newChangeIDs(1)[0], kind: changes.SupplyRemoved, entityID: enterpriseID(supplier),
		relatedID: enterpriseID(customer)}
	if product != nil && *product != "" {
		ev.productID = gid.Encode(gid.Product, *product)
	}
	return writeLogged(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qRemoveSupply, map[string]any{"supplier": supplier, "customer": customer, "product": opt(product)})
		if err != nil {
			return false, err
		}
		r := &row{rec: rec}
		removed := r.integer("removed") > 0
		if r.err != nil || !removed {
			return false, r.err
		}
		return true, appendChanges(ctx, tx, []changeRow{ev})
	})
}

var _ enterprise.Storer = (*Store)(nil)
