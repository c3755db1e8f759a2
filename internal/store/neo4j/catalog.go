package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/textkey"
)

// Projections of the catalogue types; the map* functions read them.
const (
	productColumns = `p.code AS code, p.name AS name, p.nameEn AS nameEn,
	[(p)-[:IN_SEGMENT]->(inSegment:ChainSegment) | inSegment.code][0] AS segment`
	// productUnplacedColumns leave the segment unread (null).
	productUnplacedColumns = `p.code AS code, p.name AS name, p.nameEn AS nameEn, null AS segment`
	segmentColumns         = `s.code AS code, s.name AS name, s.nameEn AS nameEn, s.stage AS stage,
	coalesce(s.position, 0) AS position, coalesce([(s)-[:PART_OF]->(c:IndustrialChain) | c.code][0], '') AS chain`
	chainColumns    = `c.code AS code, c.name AS name, c.nameEn AS nameEn`
	districtColumns = `d.code AS code, d.name AS name, coalesce(d.nameEn, '') AS nameEn, d.location AS location`
	parkColumns     = `pk.code AS code, pk.name AS name, pk.nameEn AS nameEn, pk.location AS location,
	coalesce([(pk)-[:IN_DISTRICT]->(d:District) | d.code][0], '') AS district`
	incentiveColumns = `i.code AS code, i.name AS name, i.nameEn AS nameEn, coalesce(i.amountYuan, 0) AS amountYuan,
	i.designation AS designation, coalesce(i.localOnly, false) AS localOnly, i.minYear AS minYear`
)

func mapProduct(r *row) chain.Product {
	return chain.Product{Code: r.str("code"), Name: r.str("name"), NameEn: r.optStr("nameEn"), SegmentCode: r.optStr("segment")}
}

func mapSegment(r *row) chain.ChainSegment {
	return chain.ChainSegment{Code: r.str("code"), Name: r.str("name"), NameEn: r.optStr("nameEn"),
		Stage: chain.Stage(r.str("stage")), Position: r.integer("position"), ChainCode: r.str("chain")}
}

func mapChain(r *row) chain.IndustrialChain {
	return chain.IndustrialChain{Code: r.str("code"), Name: r.str("name"), NameEn: r.optStr("nameEn")}
}

func mapDistrict(r *row) chain.District {
	return chain.District{Code: r.str("code"), Name: r.str("name"), NameEn: r.str("nameEn"), Location: r.point("location")}
}

func mapPark(r *row) chain.Park {
	return chain.Park{Code: r.str("code"), Name: r.str("name"), NameEn: r.optStr("nameEn"),
		DistrictCode: r.str("district"), Location: r.point("location")}
}

func mapIncentive(r *row) chain.Incentive {
	i := chain.Incentive{Code: r.str("code"), Name: r.str("name"), NameEn: r.optStr("nameEn"),
		AmountYuan: r.integer("amountYuan"), LocalOnly: r.boolean("localOnly"), MinYear: r.optInt("minYear")}
	if d := r.optStr("designation"); d != nil {
		des := enterprise.Designation(*d)
		i.Designation = &des
	}
	return i
}

const (
	qProductsByCode   = `UNWIND $keys AS key MATCH (p:Product {code: key}) RETURN key, ` + productColumns
	qSegmentsByCode   = `UNWIND $keys AS key MATCH (s:ChainSegment {code: key}) RETURN key, ` + segmentColumns
	qChainsByCode     = `UNWIND $keys AS key MATCH (c:IndustrialChain {code: key}) RETURN key, ` + chainColumns
	qDistrictsByCode  = `UNWIND $keys AS key MATCH (d:District {code: key}) RETURN key, ` + districtColumns
	qParksByCode      = `UNWIND $keys AS key MATCH (pk:Park {code: key}) RETURN key, ` + parkColumns
	qIncentivesByCode = `UNWIND $keys AS key MATCH (i:Incentive {code: key}) RETURN key, ` + incentiveColumns
)

// ProductsByCode returns products in key order, nil for unknown codes.
func (s *Store) ProductsByCode(ctx context.Context, codes []string) ([]*chain.Product, error) {
	return byKey(ctx, s, qProductsByCode, codes, mapProduct)
}

// SegmentsByCode returns segments in key order, nil for unknown codes.
func (s *Store) SegmentsByCode(ctx context.Context, codes []string) ([]*chain.ChainSegment, error) {
	return byKey(ctx, s, qSegmentsByCode, codes, mapSegment)
}

// ChainsByCode returns chains in key order, nil for unknown codes.
func (s *Store) ChainsByCode(ctx context.Context, codes []string) ([]*chain.IndustrialChain, error) {
	return byKey(ctx, s, qChainsByCode, codes, mapChain)
}

// DistrictsByCode returns districts in key order, nil for unknown codes.
func (s *Store) DistrictsByCode(ctx context.Context, codes []string) ([]*chain.District, error) {
	return byKey(ctx, s, qDistrictsByCode, codes, mapDistrict)
}

// ParksByCode returns parks in key order, nil for unknown codes.
func (s *Store) ParksByCode(ctx context.Context, codes []string) ([]*chain.Park, error) {
	return byKey(ctx, s, qParksByCode, codes, mapPark)
}

// IncentivesByCode returns incentives in key order, nil for unknown codes.
func (s *Store) IncentivesByCode(ctx context.Context, codes []string) ([]*chain.Incentive, error) {
	return byKey(ctx, s, qIncentivesByCode, codes, mapIncentive)
}

const (
	qProductsPage = `MATCH (p:Product) WHERE $after IS NULL OR p.code > $after
	WITH p ORDER BY p.code LIMIT $limit
	RETURN ` + productColumns
	// passed counts the products at or before the cursor, which makes
	// hasPreviousPage exact.
	qProductsCount = `MATCH (p:Product)
	RETURN count(p) AS total, count(CASE WHEN p.code <= $after THEN 1 END) AS passed`
)

// ListProducts returns up to limit products after the code after, in code
// order, the number of products and how many lie at or before after.
func (s *Store) ListProducts(ctx context.Context, after *string, limit int) (chain.ProductWindow, error) {
	params := map[string]any{"after": opt(after), "limit": limit}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (chain.ProductWindow, error) {
		recs, err := run(ctx, tx, qProductsPage, params)
		if err != nil {
			return chain.ProductWindow{}, err
		}
		var out chain.ProductWindow
		for _, rec := range recs {
			r := &row{rec: rec}
			p := mapProduct(r)
			if r.err != nil {
				return chain.ProductWindow{}, r.err
			}
			out.Products = append(out.Products, p)
		}
		rec, err := single(ctx, tx, qProductsCount, params)
		if err != nil {
			return chain.ProductWindow{}, err
		}
		r := &row{rec: rec}
		out.Total, out.Passed = r.integer("total"), r.integer("passed")
		return out, r.err
	})
}

const (
	qChains     = `MATCH (c:IndustrialChain) RETURN ` + chainColumns + ` ORDER BY code`
	qDistricts  = `MATCH (d:District) RETURN ` + districtColumns + ` ORDER BY code`
	qParks      = `MATCH (pk:Park) RETURN ` + parkColumns + ` ORDER BY name, code`
	qIncentives = `MATCH (i:Incentive) RETURN ` + incentiveColumns + ` ORDER BY amountYuan DESC, code`
)

// Chains lists every chain in code order.
func (s *Store) Chains(ctx context.Context) ([]chain.IndustrialChain, error) {
	return list(ctx, s, qChains, nil, mapChain)
}

// Districts lists every district in code order.
func (s *Store) Districts(ctx context.Context) ([]chain.District, error) {
	return list(ctx, s, qDistricts, nil, mapDistrict)
}

// Parks lists every park in name order.
func (s *Store) Parks(ctx context.Context) ([]chain.Park, error) {
	return list(ctx, s, qParks, nil, mapPark)
}

// Incentives lists every incentive, largest amount first.
func (s *Store) Incentives(ctx context.Context) ([]chain.Incentive, error) {
	return list(ctx, s, qIncentives, nil, mapIncentive)
}

const (
	qSegmentsOfChains = `UNWIND $keys AS key
	MATCH (s:ChainSegment)-[:PART_OF]->(:IndustrialChain {code: key})
	RETURN key, ` + segmentColumns + ` ORDER BY key, position, code`
	qProductsOfSegments = `UNWIND $keys AS key
	MATCH (p:Product)-[:IN_SEGMENT]->(:ChainSegment {code: key})
	RETURN key, ` + productColumns + ` ORDER BY key, code`
	qInputsOf = `UNWIND $keys AS key
	MATCH (p:Product)-[:INPUT_OF]->(:Product {code: key})
	RETURN key, ` + productColumns + ` ORDER BY key, code`
	qUsedIn = `UNWIND $keys AS key
	MATCH (:Product {code: key})-[:INPUT_OF]->(p:Product)
	RETURN key, ` + productColumns + ` ORDER BY key, code`
	qParksOfDistricts = `UNWIND $keys AS key
	MATCH (pk:Park)-[:IN_DISTRICT]->(:District {code: key})
	RETURN key, ` + parkColumns + ` ORDER BY key, name, code`
	qFocusChainsOfParks = `UNWIND $keys AS key
	MATCH (:Park {code: key})-[:FOCUSES_ON]->(c:IndustrialChain)
	RETURN key, ` + chainColumns + ` ORDER BY key, code`
	qChainsOfEnterprises = `UNWIND $keys AS key
	MATCH (:Enterprise {uscc: key})-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(c:IndustrialChain)
	WITH DISTINCT key, c
	RETURN key, ` + chainColumns + ` ORDER BY key, code`
)

// SegmentsOfChains returns each chain's segments, upstream first.
func (s *Store) SegmentsOfChains(ctx context.Context, codes []string) ([][]chain.ChainSegment, error) {
	return groupByKey(ctx, s, qSegmentsOfChains, codes, mapSegment)
}

// ProductsOfSegments returns each segment's products in code order.
func (s *Store) ProductsOfSegments(ctx context.Context, codes []string) ([][]chain.Product, error) {
	return groupByKey(ctx, s, qProductsOfSegments, codes, mapProduct)
}

// InputsOf returns, per product, the products it is made from.
func (s *Store) InputsOf(ctx context.Context, codes []string) ([][]chain.Product, error) {
	return groupByKey(ctx, s, qInputsOf, codes, mapProduct)
}

// UsedIn returns, per product, the products made from it.
func (s *Store) UsedIn(ctx context.Context, codes []string) ([][]chain.Product, error) {
	return groupByKey(ctx, s, qUsedIn, codes, mapProduct)
}

// ParksOfDistricts returns each district's parks in name order.
func (s *Store) ParksOfDistricts(ctx context.Context, codes []string) ([][]chain.Park, error) {
	return groupByKey(ctx, s, qParksOfDistricts, codes, mapPark)
}

// FocusChainsOfParks returns each park's focus chains in code order.
func (s *Store) FocusChainsOfParks(ctx context.Context, codes []string) ([][]chain.IndustrialChain, error) {
	return groupByKey(ctx, s, qFocusChainsOfParks, codes, mapChain)
}

// ChainsOfEnterprises returns, per enterprise, the chains of its products.
func (s *Store) ChainsOfEnterprises(ctx context.Context, usccs []string) ([][]chain.IndustrialChain, error) {
	return groupByKey(ctx, s, qChainsOfEnterprises, usccs, mapChain)
}

// qUpsertProduct MERGEs the product on its code, replaces its segment
// (none when $segment is null) and, when $inputs is not null, its inputs.
const qUpsertProduct = `MERGE (p:Product {code: $code})
	SET p.name = $name, p.nameEn = $nameEn,
	    p.searchKeys = $searchKeys, p.searchKeysVersion = '` + textkey.Version + `'
	WITH p
	CALL (p) {
	  OPTIONAL MATCH (p)-[old:IN_SEGMENT]->()
	  DELETE old
	}
	CALL (p) {
	  MATCH (s:ChainSegment {code: $segment})
	  MERGE (p)-[:IN_SEGMENT]->(s)
	}
	CALL (p) {
	  MATCH (:Product)-[old:INPUT_OF]->(p) WHERE $inputs IS NOT NULL
	  DELETE old
	}
	CALL (p) {
	  UNWIND coalesce($inputs, []) AS code
	  MATCH (i:Product {code: code})
	  MERGE (i)-[:INPUT_OF]->(p)
	}
	RETURN p.code AS code`

// UpsertProduct writes a product.
func (s *Store) UpsertProduct(ctx context.Context, r chain.ProductRecord) error {
	var inputs any
	if r.InputCodes != nil {
		inputs = r.InputCodes
	}
	token := newChangeIDs(1)[0]
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qUpsertProduct, map[string]any{"code": r.Product.Code, "name": r.Product.Name,
			"nameEn": opt(r.Product.NameEn), "segment": opt(r.Product.SegmentCode), "inputs": inputs,
			"searchKeys": textkey.Keys(r.Product.Name, deref(r.Product.NameEn))})
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, bumpMatchEpoch(ctx, tx, token)
	})
	return err
}

const qProductUses = `MATCH (p:Product {code: $code})
	RETURN COUNT { (:Enterprise)-[:MAKES|NEEDS]->(p) } +
	       COUNT { ()-[r:SUPPLIES]->() WHERE r.product = $code } AS uses`

// ProductUses counts the enterprise relationships (makes, needs, supplies)
// that refer to the product.
func (s *Store) ProductUses(ctx context.Context, code string) (int, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		rec, err := single(ctx, tx, qProductUses, map[string]any{"code": code})
		if err != nil || rec == nil {
			return 0, err
		}
		r := &row{rec: rec}
		return r.integer("uses"), r.err
	})
}

// qDeleteProduct deletes the product only while no enterprise relationship
// refers to it, checked in the same statement: a MAKES or NEEDS written
// after the service's ProductUses check is never removed silently.
const qDeleteProduct = `MATCH (p:Product {code: $code})
	WITH p, COUNT { (:Enterprise)-[:MAKES|NEEDS]->(p) } + COUNT { ()-[r:SUPPLIES]->() WHERE r.product = $code } AS uses
	CALL (p, uses) {
	  WITH p WHERE uses = 0
	  DETACH DELETE p
	}
	RETURN uses`

// DeleteProduct deletes the product and its catalogue relationships;
// false when it did not exist, chain.ErrProductInUse (wrapped, with the
// count) when enterprise relationships still refer to it.
func (s *Store) DeleteProduct(ctx context.Context, code string) (bool, error) {
	token := newChangeIDs(1)[0]
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qDeleteProduct, map[string]any{"code": code})
		if err != nil || rec == nil {
			return false, err
		}
		if err := bumpMatchEpoch(ctx, tx, token); err != nil {
			return false, err
		}
		r := &row{rec: rec}
		if uses := r.integer("uses"); r.err == nil && uses > 0 {
			return false, &chain.InUseError{Uses: uses}
		}
		return true, r.err
	})
}

// qSegmentUses reports the chain's own segments and the given segment
// codes, wherever they belong, with their product counts.
const qSegmentUses = `MATCH (s:ChainSegment)
	WHERE s.code IN $codes OR EXISTS { (s)-[:PART_OF]->(:IndustrialChain {code: $chain}) }
	RETURN s.code AS code, coalesce([(s)-[:PART_OF]->(c:IndustrialChain) | c.code][0], '') AS chain,
	       COUNT { (:Product)-[:IN_SEGMENT]->(s) } AS products`

// SegmentUses returns the segments of chainCode and those named in
// segmentCodes, with their chain and product counts.
func (s *Store) SegmentUses(ctx context.Context, chainCode string, segmentCodes []string) ([]chain.SegmentUse, error) {
	if segmentCodes == nil {
		segmentCodes = []string{}
	}
	return list(ctx, s, qSegmentUses, map[string]any{"chain": chainCode, "codes": segmentCodes}, func(r *row) chain.SegmentUse {
		return chain.SegmentUse{Code: r.str("code"), ChainCode: r.str("chain"), Products: r.integer("products")}
	})
}

// qUpsertChain MERGEs the chain and, when $segments is not null, replaces
// its segments: dropped ones are deleted, the rest MERGEd by code in order.
const qUpsertChain = `MERGE (c:IndustrialChain {code: $code})
	SET c.name = $name, c.nameEn = $nameEn,
	    c.searchKeys = $searchKeys, c.searchKeysVersion = '` + textkey.Version + `'
	WITH c
	CALL (c) {
	  MATCH (s:ChainSegment)-[:PART_OF]->(c)
	  WHERE $segments IS NOT NULL AND NOT s.code IN [x IN $segments | x.code]
	  DETACH DELETE s
	}
	CALL (c) {
	  UNWIND coalesce($segments, []) AS x
	  MERGE (s:ChainSegment {code: x.code})
	  SET s.name = x.name, s.nameEn = x.nameEn, s.stage = x.stage, s.position = x.position
	  MERGE (s)-[:PART_OF]->(c)
	}
	RETURN c.code AS code`

// UpsertChain writes a chain and, when given, its segments.
func (s *Store) UpsertChain(ctx context.Context, r chain.ChainRecord) error {
	var segs any
	if r.Segments != nil {
		xs := make([]map[string]any, len(r.Segments))
		for i, sg := range r.Segments {
			xs[i] = map[string]any{"code": sg.Code, "name": sg.Name, "nameEn": opt(sg.NameEn),
				"stage": string(sg.Stage), "position": sg.Position}
		}
		segs = xs
	}
	token := newChangeIDs(1)[0]
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qUpsertChain, map[string]any{"code": r.Chain.Code, "name": r.Chain.Name,
			"nameEn": opt(r.Chain.NameEn), "segments": segs,
			"searchKeys": textkey.Keys(r.Chain.Name, deref(r.Chain.NameEn))})
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, bumpMatchEpoch(ctx, tx, token)
	})
	return err
}

const qDeleteChain = `MATCH (c:IndustrialChain {code: $code})
	OPTIONAL MATCH (s:ChainSegment)-[:PART_OF]->(c)
	DETACH DELETE s, c
	RETURN count(DISTINCT c) AS deleted`

// DeleteChain deletes the chain and its segments.
func (s *Store) DeleteChain(ctx context.Context, code string) (bool, error) {
	token := newChangeIDs(1)[0]
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qDeleteChain, map[string]any{"code": code})
		if err != nil {
			return false, err
		}
		if err := bumpMatchEpoch(ctx, tx, token); err != nil {
			return false, err
		}
		r := &row{rec: rec}
		return r.integer("deleted") > 0, r.err
	})
}

const (
	qUpsertDistricts = `UNWIND $rows AS row
	MERGE (d:District {code: row.code})
	SET d.name = row.name, d.nameEn = row.nameEn, d.location = row.location`
	qUpsertParks = `UNWIND $rows AS row
	MATCH (d:District {code: row.district})
	MERGE (pk:Park {code: row.code})
	SET pk.name = row.name, pk.nameEn = row.nameEn, pk.location = row.location
	WITH pk, d, row
	CALL (pk) {
	  OPTIONAL MATCH (pk)-[old:IN_DISTRICT|FOCUSES_ON]->()
	  DELETE old
	}
	MERGE (pk)-[:IN_DISTRICT]->(d)
	WITH pk, row
	CALL (pk, row) {
	  UNWIND row.chains AS code
	  MATCH (c:IndustrialChain {code: code})
	  MERGE (pk)-[:FOCUSES_ON]->(c)
	}`
	qUpsertIncentives = `UNWIND $rows AS row
	MERGE (i:Incentive {code: row.code})
	SET i.name = row.name, i.nameEn = row.nameEn, i.amountYuan = row.amountYuan,
	    i.designation = row.designation, i.localOnly = row.localOnly, i.minYear = row.minYear`
)

// UpsertDistricts writes districts by code.
func (s *Store) UpsertDistricts(ctx context.Context, ds []chain.District) error {
	rows := make([]map[string]any, len(ds))
	for i, d := range ds {
		rows[i] = map[string]any{"code": d.Code, "name": d.Name, "nameEn": d.NameEn, "location": optPoint(d.Location)}
	}
	return s.writeRows(ctx, qUpsertDistricts, rows)
}

// UpsertParks writes parks by code with their district and focus chains.
func (s *Store) UpsertParks(ctx context.Context, ps []chain.ParkRecord) error {
	rows := make([]map[string]any, len(ps))
	for i, p := range ps {
		chains := p.FocusChainCodes
		if chains == nil {
			chains = []string{}
		}
		rows[i] = map[string]any{"code": p.Park.Code, "name": p.Park.Name, "nameEn": opt(p.Park.NameEn),
			"location": optPoint(p.Park.Location), "district": p.Park.DistrictCode, "chains": chains}
	}
	return s.writeRows(ctx, qUpsertParks, rows)
}

// UpsertIncentives writes incentives by code.
func (s *Store) UpsertIncentives(ctx context.Context, is []chain.Incentive) error {
	rows := make([]map[string]any, len(is))
	for i, in := range is {
		var d any
		if in.Designation != nil {
			d = string(*in.Designation)
		}
		rows[i] = map[string]any{"code": in.Code, "name": in.Name, "nameEn": opt(in.NameEn), "amountYuan": in.AmountYuan,
			"designation": d, "localOnly": in.LocalOnly, "minYear": opt(in.MinYear)}
	}
	return s.writeRows(ctx, qUpsertIncentives, rows)
}

// writeRows runs one UNWIND $rows statement in a write transaction.
func (s *Store) writeRows(ctx context.Context, query string, rows []map[string]any) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, query, map[string]any{"rows": rows})
		return struct{}{}, err
	})
	return err
}

var _ chain.Storer = (*Store)(nil)

// optPoint is a driver parameter for an optional point.
func optPoint(p *geo.Point) any {
	if p == nil {
		return nil
	}
	return wgs84(*p)
}
