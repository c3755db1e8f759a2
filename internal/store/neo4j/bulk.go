package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// BulkGraph is a whole graph to load at once: the catalogue (chains,
// segments, products, districts, parks, designations, incentives), the
// enterprises and their relationships. Records are plain values keyed by
// natural keys, so loading the same graph twice changes nothing. The demo
// generator produces one; LoadGraph writes it.
type BulkGraph struct {
	Chains       []BulkChain
	Segments     []BulkSegment
	Products     []BulkProduct
	Districts    []BulkDistrict
	Parks        []BulkPark
	Designations []string // designation codes, e.g. NATIONAL_LITTLE_GIANT
	Incentives   []BulkIncentive
	Enterprises  []BulkEnterprise
	Grants       []BulkGrant
	Makes        []BulkOffer
	Needs        []BulkNeed
	Supplies     []BulkSupply
	// BatchSize is the number of rows per statement (and per transaction);
	// 0 means DefaultBulkBatchSize.
	BatchSize int
}

// DefaultBulkBatchSize is the rows per UNWIND statement that loaded the
// 100,000-enterprise graph fastest on a 2-core machine (docs/demo-data.md).
const DefaultBulkBatchSize = 10000

// BulkChain is an industrial chain.
type BulkChain struct{ Code, Name, NameEn string }

// BulkSegment is a chain segment; Stage is UPSTREAM, MIDSTREAM or DOWNSTREAM
// and Position is 1-based within the chain.
type BulkSegment struct {
	Code, Name, NameEn string
	Stage              string
	Position           int
	ChainCode          string
}

// BulkProduct is a product in a segment; Inputs are the codes of the
// products it is made from ((input)-[:INPUT_OF]->(product)).
type BulkProduct struct {
	Code, Name, NameEn string
	SegmentCode        string
	Inputs             []string
}

// BulkDistrict is a Jiaxing district or county.
type BulkDistrict struct {
	Code, Name, NameEn string
	Lat, Lon           float64
}

// BulkPark is an industrial park with the chains it focuses on.
type BulkPark struct {
	Code, Name, NameEn string
	DistrictCode       string
	Lat, Lon           float64
	FocusChains        []string
}

// BulkIncentive is an award for a designation. Designation "" and MinYear 0
// are stored as absent.
type BulkIncentive struct {
	Code, Name, NameEn string
	AmountYuan         int
	Designation        string
	LocalOnly          bool
	MinYear            int
}

// BulkEnterprise is a firm. DistrictCode, ParkCode and HomeCity are "" when
// they do not apply (non-local firms have no district; local firms no home
// city); HasLocation false means no location.
type BulkEnterprise struct {
	USCC, Name, NameEn string
	IsLocal            bool
	HomeCity           string
	DistrictCode       string
	ParkCode           string
	HasLocation        bool
	Lat, Lon           float64
	Founded            int
	DataSource         string
	Owner              string
	ContactPerson      string
	ContactPhone       string
	ContactEmail       string
}

// BulkGrant is a designation an enterprise holds since Year.
type BulkGrant struct {
	USCC        string
	Designation string
	Year        int
}

// BulkOffer is a product an enterprise makes.
type BulkOffer struct {
	USCC, ProductCode string
	AnnualCapacity    float64
	Unit              string
}

// BulkNeed is a product an enterprise buys.
type BulkNeed struct {
	USCC, ProductCode string
	AnnualVolume      float64
	Unit              string
}

// BulkSupply says Supplier supplies Customer with ProductCode ("" when not
// about one product) since Since (0 = unknown).
type BulkSupply struct {
	SupplierUSCC, CustomerUSCC string
	ProductCode                string
	Since                      int
}

// BulkStats reports what LoadGraph wrote: rows sent (each row created or
// updated one node or relationship, or matched an identical one), the
// number of statements, and how long it took.
type BulkStats struct {
	NodeRows         int
	RelationshipRows int
	Statements       int
	Duration         time.Duration
}

// RelationshipsPerSecond is the load's relationship throughput.
func (s BulkStats) RelationshipsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.RelationshipRows) / s.Duration.Seconds()
}

// The bulk statements. Each UNWINDs one batch of rows and MERGEs on the
// constrained natural keys, so a batch retried by the driver or a whole
// load run twice leaves the same graph.
const (
	qBulkChains = `UNWIND $rows AS r
		MERGE (c:IndustrialChain {code: r.code})
		SET c.name = r.name, c.nameEn = r.nameEn`

	qBulkSegments = `UNWIND $rows AS r
		MERGE (s:ChainSegment {code: r.code})
		SET s.name = r.name, s.nameEn = r.nameEn, s.stage = r.stage, s.position = r.position
		WITH s, r
		MATCH (c:IndustrialChain {code: r.chain})
		MERGE (s)-[:PART_OF]->(c)`

	qBulkProducts = `UNWIND $rows AS r
		MERGE (p:Product {code: r.code})
		SET p.name = r.name, p.nameEn = r.nameEn
		WITH p, r
		MATCH (s:ChainSegment {code: r.segment})
		MERGE (p)-[:IN_SEGMENT]->(s)`

	qBulkProductInputs = `UNWIND $rows AS r
		MATCH (i:Product {code: r.input})
		MATCH (o:Product {code: r.output})
		MERGE (i)-[:INPUT_OF]->(o)`

	qBulkDistricts = `UNWIND $rows AS r
		MERGE (d:District {code: r.code})
		SET d.name = r.name, d.nameEn = r.nameEn,
		    d.location = point({latitude: r.lat, longitude: r.lon})`

	qBulkParks = `UNWIND $rows AS r
		MERGE (p:Park {code: r.code})
		SET p.name = r.name, p.nameEn = r.nameEn,
		    p.location = point({latitude: r.lat, longitude: r.lon})
		WITH p, r
		MATCH (d:District {code: r.district})
		MERGE (p)-[:IN_DISTRICT]->(d)`

	qBulkParkFocus = `UNWIND $rows AS r
		MATCH (p:Park {code: r.park})
		MATCH (c:IndustrialChain {code: r.chain})
		MERGE (p)-[:FOCUSES_ON]->(c)`

	qBulkDesignations = `UNWIND $rows AS r
		MERGE (:Designation {code: r.code})`

	qBulkIncentives = `UNWIND $rows AS r
		MERGE (i:Incentive {code: r.code})
		SET i.name = r.name, i.nameEn = r.nameEn, i.amountYuan = r.amountYuan,
		    i.designation = r.designation, i.localOnly = r.localOnly, i.minYear = r.minYear`

	qBulkEnterprises = `UNWIND $rows AS r
		MERGE (e:Enterprise {uscc: r.uscc})
		SET e.name = r.name, e.nameEn = r.nameEn, e.isLocal = r.isLocal,
		    e.homeCity = r.homeCity, e.founded = r.founded,
		    e.dataSource = r.dataSource, e.owner = r.owner,
		    e.contactPerson = r.contactPerson, e.contactPhone = r.contactPhone,
		    e.contactEmail = r.contactEmail,
		    e.location = CASE WHEN r.lat IS NULL THEN null
		                      ELSE point({latitude: r.lat, longitude: r.lon}) END,
		    e.updatedAt = datetime()`

	qBulkLocatedIn = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.uscc})
		MATCH (d:District {code: r.district})
		MERGE (e)-[:LOCATED_IN]->(d)`

	qBulkInPark = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.uscc})
		MATCH (p:Park {code: r.park})
		MERGE (e)-[:IN_PARK]->(p)`

	qBulkHolds = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.uscc})
		MATCH (d:Designation {code: r.designation})
		MERGE (e)-[h:HOLDS]->(d)
		SET h.year = r.year`

	qBulkMakes = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.uscc})
		MATCH (p:Product {code: r.product})
		MERGE (e)-[m:MAKES]->(p)
		SET m.annualCapacity = r.amount, m.unit = r.unit`

	qBulkNeeds = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.uscc})
		MATCH (p:Product {code: r.product})
		MERGE (e)-[n:NEEDS]->(p)
		SET n.annualVolume = r.amount, n.unit = r.unit`

	qBulkSupplies = `UNWIND $rows AS r
		MATCH (s:Enterprise {uscc: r.supplier})
		MATCH (c:Enterprise {uscc: r.customer})
		MERGE (s)-[x:SUPPLIES {product: r.product}]->(c)
		SET x.since = r.since`
)

// bulkStep is one kind of record to load: a statement and its rows.
type bulkStep struct {
	query string
	rows  []any
	rels  bool // rows are relationships (for BulkStats)
}

// LoadGraph writes g in batches, catalogue first, then enterprises, then
// their relationships; each batch is one UNWIND statement in its own write
// transaction. progress, when not nil, is called after every batch with
// the rows written so far and the total. The load is idempotent: running
// it again with the same graph leaves the graph unchanged (but for
// updatedAt). On error the rows of earlier batches stay written.
func (s *Store) LoadGraph(ctx context.Context, g *BulkGraph, progress func(done, total int)) (BulkStats, error) {
	start := time.Now()
	steps := bulkSteps(g)
	size := g.BatchSize
	if size <= 0 {
		size = DefaultBulkBatchSize
	}
	total := 0
	for _, st := range steps {
		total += len(st.rows)
	}
	var stats BulkStats
	done := 0
	for _, st := range steps {
		for lo := 0; lo < len(st.rows); lo += size {
			batch := st.rows[lo:min(lo+size, len(st.rows))]
			if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				_, err := run(ctx, tx, st.query, map[string]any{"rows": batch})
				return struct{}{}, err
			}); err != nil {
				return stats, fmt.Errorf("bulk load after %d of %d rows: %w", done, total, err)
			}
			stats.Statements++
			if st.rels {
				stats.RelationshipRows += len(batch)
			} else {
				stats.NodeRows += len(batch)
			}
			done += len(batch)
			if progress != nil {
				progress(done, total)
			}
		}
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// bulkSteps turns g into statement rows, in load order: a step only
// matches nodes written by earlier steps.
func bulkSteps(g *BulkGraph) []bulkStep {
	var (
		chains, segments, products, inputs, districts, parks, focus []any
		designations, incentives, enterprises, located, inPark      []any
		holds, makes, needs, supplies                               []any
	)
	for _, c := range g.Chains {
		chains = append(chains, map[string]any{"code": c.Code, "name": c.Name, "nameEn": c.NameEn})
	}
	for _, sg := range g.Segments {
		segments = append(segments, map[string]any{"code": sg.Code, "name": sg.Name, "nameEn": sg.NameEn,
			"stage": sg.Stage, "position": sg.Position, "chain": sg.ChainCode})
	}
	for _, p := range g.Products {
		products = append(products, map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn, "segment": p.SegmentCode})
		for _, in := range p.Inputs {
			inputs = append(inputs, map[string]any{"input": in, "output": p.Code})
		}
	}
	for _, d := range g.Districts {
		districts = append(districts, map[string]any{"code": d.Code, "name": d.Name, "nameEn": d.NameEn, "lat": d.Lat, "lon": d.Lon})
	}
	for _, p := range g.Parks {
		parks = append(parks, map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn,
			"district": p.DistrictCode, "lat": p.Lat, "lon": p.Lon})
		for _, c := range p.FocusChains {
			focus = append(focus, map[string]any{"park": p.Code, "chain": c})
		}
	}
	for _, d := range g.Designations {
		designations = append(designations, map[string]any{"code": d})
	}
	for _, i := range g.Incentives {
		incentives = append(incentives, map[string]any{"code": i.Code, "name": i.Name, "nameEn": i.NameEn,
			"amountYuan": i.AmountYuan, "designation": bulkNullIfZero(i.Designation), "localOnly": i.LocalOnly,
			"minYear": bulkNullIfZero(i.MinYear)})
	}
	for _, e := range g.Enterprises {
		row := map[string]any{"uscc": e.USCC, "name": e.Name, "nameEn": bulkNullIfZero(e.NameEn), "isLocal": e.IsLocal,
			"homeCity": bulkNullIfZero(e.HomeCity), "founded": bulkNullIfZero(e.Founded), "dataSource": bulkNullIfZero(e.DataSource),
			"owner": e.Owner, "contactPerson": bulkNullIfZero(e.ContactPerson), "contactPhone": bulkNullIfZero(e.ContactPhone),
			"contactEmail": bulkNullIfZero(e.ContactEmail), "lat": nil, "lon": nil}
		if e.HasLocation {
			row["lat"], row["lon"] = e.Lat, e.Lon
		}
		enterprises = append(enterprises, row)
		if e.DistrictCode != "" {
			located = append(located, map[string]any{"uscc": e.USCC, "district": e.DistrictCode})
		}
		if e.ParkCode != "" {
			inPark = append(inPark, map[string]any{"uscc": e.USCC, "park": e.ParkCode})
		}
	}
	for _, h := range g.Grants {
		holds = append(holds, map[string]any{"uscc": h.USCC, "designation": h.Designation, "year": h.Year})
	}
	for _, m := range g.Makes {
		makes = append(makes, map[string]any{"uscc": m.USCC, "product": m.ProductCode, "amount": m.AnnualCapacity, "unit": bulkNullIfZero(m.Unit)})
	}
	for _, n := range g.Needs {
		needs = append(needs, map[string]any{"uscc": n.USCC, "product": n.ProductCode, "amount": n.AnnualVolume, "unit": bulkNullIfZero(n.Unit)})
	}
	for _, x := range g.Supplies {
		supplies = append(supplies, map[string]any{"supplier": x.SupplierUSCC, "customer": x.CustomerUSCC,
			"product": x.ProductCode, "since": bulkNullIfZero(x.Since)})
	}
	return []bulkStep{
		{qBulkChains, chains, false},
		{qBulkSegments, segments, false},
		{qBulkProducts, products, false},
		{qBulkProductInputs, inputs, true},
		{qBulkDistricts, districts, false},
		{qBulkParks, parks, false},
		{qBulkParkFocus, focus, true},
		{qBulkDesignations, designations, false},
		{qBulkIncentives, incentives, false},
		{qBulkEnterprises, enterprises, false},
		{qBulkLocatedIn, located, true},
		{qBulkInPark, inPark, true},
		{qBulkHolds, holds, true},
		{qBulkMakes, makes, true},
		{qBulkNeeds, needs, true},
		{qBulkSupplies, supplies, true},
	}
}

// bulkNullIfZero stores Go's zero value as an absent property.
func bulkNullIfZero[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// GraphCounts is the number of nodes per label and relationships per type.
type GraphCounts struct {
	Nodes         map[string]int64
	Relationships map[string]int64
}

// qCountGraph counts every label and relationship type of the model (an
// allow-list written out, so the counts come from Neo4j's count store).
const qCountGraph = `
	MATCH (n:Enterprise) RETURN 'node' AS kind, 'Enterprise' AS name, count(n) AS n
	UNION ALL MATCH (n:Product) RETURN 'node' AS kind, 'Product' AS name, count(n) AS n
	UNION ALL MATCH (n:ChainSegment) RETURN 'node' AS kind, 'ChainSegment' AS name, count(n) AS n
	UNION ALL MATCH (n:IndustrialChain) RETURN 'node' AS kind, 'IndustrialChain' AS name, count(n) AS n
	UNION ALL MATCH (n:District) RETURN 'node' AS kind, 'District' AS name, count(n) AS n
	UNION ALL MATCH (n:Park) RETURN 'node' AS kind, 'Park' AS name, count(n) AS n
	UNION ALL MATCH (n:Incentive) RETURN 'node' AS kind, 'Incentive' AS name, count(n) AS n
	UNION ALL MATCH (n:Designation) RETURN 'node' AS kind, 'Designation' AS name, count(n) AS n
	UNION ALL MATCH ()-[r:MAKES]->() RETURN 'rel' AS kind, 'MAKES' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:NEEDS]->() RETURN 'rel' AS kind, 'NEEDS' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:SUPPLIES]->() RETURN 'rel' AS kind, 'SUPPLIES' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:INPUT_OF]->() RETURN 'rel' AS kind, 'INPUT_OF' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:IN_SEGMENT]->() RETURN 'rel' AS kind, 'IN_SEGMENT' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:PART_OF]->() RETURN 'rel' AS kind, 'PART_OF' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:LOCATED_IN]->() RETURN 'rel' AS kind, 'LOCATED_IN' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:IN_PARK]->() RETURN 'rel' AS kind, 'IN_PARK' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:IN_DISTRICT]->() RETURN 'rel' AS kind, 'IN_DISTRICT' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:FOCUSES_ON]->() RETURN 'rel' AS kind, 'FOCUSES_ON' AS name, count(r) AS n
	UNION ALL MATCH ()-[r:HOLDS]->() RETURN 'rel' AS kind, 'HOLDS' AS name, count(r) AS n`

// CountGraph counts the model's nodes by label and relationships by type,
// for reports (`chainmatch demo`) and tests.
func (s *Store) CountGraph(ctx context.Context) (GraphCounts, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (GraphCounts, error) {
		recs, err := run(ctx, tx, qCountGraph, nil)
		if err != nil {
			return GraphCounts{}, err
		}
		c := GraphCounts{Nodes: map[string]int64{}, Relationships: map[string]int64{}}
		for _, r := range recs {
			kind, _, err := neo4j.GetRecordValue[string](r, "kind")
			if err != nil {
				return GraphCounts{}, err
			}
			name, _, err := neo4j.GetRecordValue[string](r, "name")
			if err != nil {
				return GraphCounts{}, err
			}
			n, _, err := neo4j.GetRecordValue[int64](r, "n")
			if err != nil {
				return GraphCounts{}, err
			}
			if kind == "node" {
				c.Nodes[name] = n
			} else {
				c.Relationships[name] = n
			}
		}
		return c, nil
	})
}

// TotalNodes sums the node counts.
func (c GraphCounts) TotalNodes() int64 { return sumCounts(c.Nodes) }

// TotalRelationships sums the relationship counts.
func (c GraphCounts) TotalRelationships() int64 { return sumCounts(c.Relationships) }

func sumCounts(m map[string]int64) int64 {
	var t int64
	for _, v := range m {
		t += v
	}
	return t
}

const qIsEmpty = `RETURN NOT EXISTS { MATCH (:Enterprise) } AS empty`

// IsEmpty reports whether the graph holds no enterprise; `make run` loads
// the demo data then.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qIsEmpty, nil)
		if err != nil || rec == nil {
			return false, err
		}
		empty, _, err := neo4j.GetRecordValue[bool](rec, "empty")
		return empty, err
	})
}
