package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/apperr"
	"chainmatch/internal/enterprise"
)

// enterpriseColumns projects an Enterprise bound to e; mapEnterprise reads it.
const enterpriseColumns = `e.uscc AS uscc, e.name AS name, e.nameEn AS nameEn,
	coalesce(e.isLocal, false) AS isLocal, e.homeCity AS homeCity, e.location AS location,
	e.founded AS founded, e.dataSource AS dataSource, coalesce(e.owner, '') AS owner,
	[(e)-[:LOCATED_IN]->(d:District) | d.code][0] AS district,
	[(e)-[:IN_PARK]->(p:Park) | p.code][0] AS park`

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
	fDistrict     = `EXISTS { (e)-[:LOCATED_IN]->(:District {code: $districtCode}) }`
	fPark         = `EXISTS { (e)-[:IN_PARK]->(:Park {code: $parkCode}) }`
	fChain        = `EXISTS { (e)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(:IndustrialChain {code: $chainCode}) }`
	fSegment      = `EXISTS { (e)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment {code: $segmentCode}) }`
	fMakes        = `EXISTS { (e)-[:MAKES]->(:Product {code: $makesCode}) }`
	fNeeds        = `EXISTS { (e)-[:NEEDS]->(:Product {code: $needsCode}) }`
	fDesignations = `EXISTS { (e)-[:HOLDS]->(d:Designation) WHERE d.code IN $designations }`
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
// and their parameters.
func enterpriseWhere(c enterprise.Criteria, params map[string]any) string {
	var conds []string
	add := func(frag, name string, v any) {
		conds = append(conds, frag)
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

// ListEnterprises returns up to q.Limit enterprises matching q.Criteria
// after q.After in fetch order, plus the total and the number passed. Two
// statements in one read transaction.
func (s *Store) ListEnterprises(ctx context.Context, q enterprise.ListQuery) (enterprise.ListResult, error) {
	params := map[string]any{"limit": q.Limit}
	where := enterpriseWhere(q.Criteria, params)
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
	cursor, passed := "true", "count(null)" // an aggregate, so the empty graph still yields a row
	if q.After != nil {
		cursor, passed = after, "count(CASE WHEN NOT "+after+" THEN 1 END)"
		params["sortKey"], params["afterUSCC"] = q.After.Sort, q.After.USCC
	}
	page := "MATCH (e:Enterprise)\n\tWHERE " + where +
		"\n\tWITH e, " + sk + " AS sk WHERE " + cursor +
		"\n\tWITH e, sk ORDER BY sk " + dir + ", e.uscc " + dir + " LIMIT $limit" +
		"\n\tRETURN " + enterpriseColumns
	counts := "MATCH (e:Enterprise)\n\tWHERE " + where +
		"\n\tWITH e, " + sk + " AS sk" +
		"\n\tRETURN count(e) AS total, " + passed + " AS passed"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (enterprise.ListResult, error) {
		recs, err := run(ctx, tx, page, params)
		if err != nil {
			return enterprise.ListResult{}, err
		}
		res := enterprise.ListResult{Enterprises: make([]enterprise.Enterprise, 0, len(recs))}
		for _, rec := range recs {
			r := &row{rec: rec}
			e := mapEnterprise(r)
			if r.err != nil {
				return enterprise.ListResult{}, r.err
			}
			res.Enterprises = append(res.Enterprises, e)
		}
		rec, err := single(ctx, tx, counts, params)
		if err != nil {
			return enterprise.ListResult{}, err
		}
		r := &row{rec: rec}
		res.Total, res.Passed = r.integer("total"), r.integer("passed")
		return res, r.err
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

// Supply listings, newest relation first (no year last), then partner USCC
// and product code. $hasAfter switches the keyset condition on.
const (
	qSuppliersPage = `MATCH (o:Enterprise)-[r:SUPPLIES]->(me:Enterprise {uscc: $uscc})
	WITH o, r, me, coalesce(r.since, 0) AS sk
	WHERE NOT $hasAfter OR sk < $since OR (sk = $since AND (o.uscc > $partner OR (o.uscc = $partner AND r.product > $product)))
	RETURN o.uscc AS supplier, me.uscc AS customer, r.product AS product, r.since AS since
	ORDER BY sk DESC, o.uscc, r.product LIMIT $limit`
	qSuppliersCount = `MATCH (:Enterprise)-[r:SUPPLIES]->(:Enterprise {uscc: $uscc}) RETURN count(r) AS total`
	qCustomersPage  = `MATCH (me:Enterprise {uscc: $uscc})-[r:SUPPLIES]->(o:Enterprise)
	WITH o, r, me, coalesce(r.since, 0) AS sk
	WHERE NOT $hasAfter OR sk < $since OR (sk = $since AND (o.uscc > $partner OR (o.uscc = $partner AND r.product > $product)))
	RETURN me.uscc AS supplier, o.uscc AS customer, r.product AS product, r.since AS since
	ORDER BY sk DESC, o.uscc, r.product LIMIT $limit`
	qCustomersCount = `MATCH (:Enterprise {uscc: $uscc})-[r:SUPPLIES]->(:Enterprise) RETURN count(r) AS total`
)

// SupplyRelations returns a window of an enterprise's suppliers or
// customers and their total.
func (s *Store) SupplyRelations(ctx context.Context, q enterprise.SupplyQuery) ([]enterprise.SupplyRelation, int, error) {
	page, count := qSuppliersPage, qSuppliersCount
	if q.Side == enterprise.Customers {
		page, count = qCustomersPage, qCustomersCount
	}
	params := map[string]any{"uscc": q.USCC, "limit": q.Limit, "hasAfter": q.After != nil,
		"since": int64(0), "partner": "", "product": ""}
	if q.After != nil {
		params["since"], params["partner"], params["product"] = q.After.Since, q.After.Partner, q.After.Product
	}
	type result struct {
		rels  []enterprise.SupplyRelation
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		recs, err := run(ctx, tx, page, params)
		if err != nil {
			return result{}, err
		}
		var out result
		for _, rec := range recs {
			r := &row{rec: rec}
			rel := enterprise.SupplyRelation{SupplierUSCC: r.str("supplier"), CustomerUSCC: r.str("customer"),
				ProductCode: r.optStr("product"), Since: r.optInt("since")}
			if r.err != nil {
				return result{}, r.err
			}
			if rel.ProductCode != nil && *rel.ProductCode == "" {
				rel.ProductCode = nil
			}
			out.rels = append(out.rels, rel)
		}
		rec, err := single(ctx, tx, count, params)
		if err != nil {
			return result{}, err
		}
		r := &row{rec: rec}
		out.total = r.integer("total")
		return out, r.err
	})
	return res.rels, res.total, err
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
// only.
const qUpsertEnterprises = `UNWIND $rows AS row
	MERGE (e:Enterprise {uscc: row.uscc})
	  ON CREATE SET e.owner = row.owner
	SET e.name = row.name, e.nameEn = row.nameEn, e.isLocal = row.isLocal,
	    e.homeCity = row.homeCity, e.location = row.location, e.founded = row.founded,
	    e.dataSource = row.dataSource, e.updatedAt = datetime()
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
	}
	CALL (e, row) {
	  MATCH (p:Park {code: row.park})
	  MERGE (e)-[:IN_PARK]->(p)
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
	}
	CALL (e, row) {
	  MATCH (e)-[n:NEEDS]->(:Product) WHERE row.needs IS NOT NULL
	  DELETE n
	}
	CALL (e, row) {
	  UNWIND coalesce(row.needs, []) AS o
	  MATCH (p:Product {code: o.code})
	  MERGE (e)-[n:NEEDS]->(p) SET n.annualVolume = o.amount, n.unit = o.unit
	}
	RETURN count(e) AS written`

// UpsertEnterprises writes rows in one transaction (all or nothing).
func (s *Store) UpsertEnterprises(ctx context.Context, rows []enterprise.Record) error {
	params := make([]map[string]any, len(rows))
	for i, rec := range rows {
		params[i] = recordParams(rec)
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		rec, err := single(ctx, tx, qUpsertEnterprises, map[string]any{"rows": params})
		if err != nil {
			return struct{}{}, err
		}
		r := &row{rec: rec}
		if n := r.integer("written"); r.err == nil && n != len(rows) {
			return struct{}{}, fmt.Errorf("upsert wrote %d of %d enterprises", n, len(rows))
		}
		return struct{}{}, r.err
	})
	return err
}

// recordParams turns a Record into the plain values the driver sends.
func recordParams(rec enterprise.Record) map[string]any {
	e := rec.Enterprise
	m := map[string]any{
		"uscc": e.USCC, "name": e.Name, "nameEn": opt(e.NameEn), "isLocal": e.IsLocal,
		"homeCity": opt(e.HomeCity), "location": nil, "founded": opt(e.Founded),
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

const qDeleteEnterprise = `MATCH (e:Enterprise {uscc: $uscc})
	DETACH DELETE e
	RETURN count(*) AS deleted`

// DeleteEnterprise deletes the enterprise and its relationships; false
// when it did not exist.
func (s *Store) DeleteEnterprise(ctx context.Context, uscc string) (bool, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qDeleteEnterprise, map[string]any{"uscc": uscc})
		if err != nil {
			return false, err
		}
		r := &row{rec: rec}
		return r.integer("deleted") > 0, r.err
	})
}

// qAddSupply MERGEs on (supplier, customer, product) with product "" for
// "no particular product", so that MERGE can match it.
const qAddSupply = `MATCH (s:Enterprise {uscc: $supplier}), (c:Enterprise {uscc: $customer})
	MERGE (s)-[r:SUPPLIES {product: $product}]->(c)
	SET r.since = $since
	RETURN count(r) AS written`

// AddSupplyRelation records the relation; apperr.ErrNotFound when either
// enterprise is gone.
func (s *Store) AddSupplyRelation(ctx context.Context, rel enterprise.SupplyRelation) error {
	product := ""
	if rel.ProductCode != nil {
		product = *rel.ProductCode
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		rec, err := single(ctx, tx, qAddSupply, map[string]any{"supplier": rel.SupplierUSCC,
			"customer": rel.CustomerUSCC, "product": product, "since": opt(rel.Since)})
		if err != nil {
			return struct{}{}, err
		}
		r := &row{rec: rec}
		if n := r.integer("written"); r.err == nil && n == 0 {
			return struct{}{}, fmt.Errorf("supplier or customer: %w", apperr.ErrNotFound)
		}
		return struct{}{}, r.err
	})
	return err
}

const qRemoveSupply = `MATCH (:Enterprise {uscc: $supplier})-[r:SUPPLIES]->(:Enterprise {uscc: $customer})
	WHERE $product IS NULL OR r.product = $product
	DELETE r
	RETURN count(*) AS removed`

// RemoveSupplyRelation removes the relation for product, or all relations
// between the two when product is nil; false when there was none.
func (s *Store) RemoveSupplyRelation(ctx context.Context, supplier, customer string, product *string) (bool, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qRemoveSupply, map[string]any{"supplier": supplier, "customer": customer, "product": opt(product)})
		if err != nil {
			return false, err
		}
		r := &row{rec: rec}
		return r.integer("removed") > 0, r.err
	})
}

var _ enterprise.Storer = (*Store)(nil)
