package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/textkey"
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

// DefaultBulkBatchSize is the rows per UNWIND statement. With two batches
// in flight, 5,000 loaded the 100,000-enterprise graph ~4% faster than
// 10,000 on a 2-core machine, fresh or merged, and 20,000 was slower
// (docs/demo-data.md).
const DefaultBulkBatchSize = 5000

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
// number of statements, whether it took the fresh-graph path (see
// LoadGraph), how many batches the driver had to run again after a
// transient error such as a deadlock, and how long it took (including
// rebuilding the full-text index).
type BulkStats struct {
	NodeRows         int
	RelationshipRows int
	Statements       int
	Fresh            bool
	Reruns           int
	Duration         time.Duration
}

// RelationshipsPerSecond is the load's relationship throughput.
func (s BulkStats) RelationshipsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.RelationshipRows) / s.Duration.Seconds()
}

// The bulk statements. Each UNWINDs one batch of rows.
//
// The merge statements (qBulk...) MERGE on the constrained natural keys, so
// a batch retried by the driver or a whole load run twice leaves the same
// graph. The create statements (qBulkCreate...) are for a fresh load, into
// a graph that holds none of the labels LoadGraph writes: nothing can match
// yet, so they skip MERGE's lookups and its out-of-order locks. The unique
// constraints still reject a duplicate node key, and LoadGraph drops
// repeated relationship rows before it sends them (bulkStep.distinct). The
// driver reruns a batch only when its transaction did not commit (never
// after a connection lost during the commit), so a rerun creates nothing
// twice.
//
// Relationship rows name an enterprise by r.firm (or r.supplier and
// r.customer): its USCC in a merge statement, and in a create statement
// the element id that qBulkCreateEnterprises returned for it, which spares
// a seek in the USCC index per relationship end (about a quarter of
// Neo4j's CPU time in a fresh load of the 100,000-firm graph).
const (
	qBulkChains = `UNWIND $rows AS r
		MERGE (c:IndustrialChain {code: r.code})
		SET c.name = r.name, c.nameEn = r.nameEn, c.searchKeys = r.searchKeys, c.searchKeysVersion = '` + textkey.Version + `'`
	qBulkCreateChains = `UNWIND $rows AS r
		CREATE (:IndustrialChain {code: r.code, name: r.name, nameEn: r.nameEn,
		                          searchKeys: r.searchKeys, searchKeysVersion: '` + textkey.Version + `'})`

	qBulkSegments = `UNWIND $rows AS r
		MERGE (s:ChainSegment {code: r.code})
		SET s.name = r.name, s.nameEn = r.nameEn, s.stage = r.stage, s.position = r.position
		WITH s, r
		MATCH (c:IndustrialChain {code: r.chain})
		MERGE (s)-[:PART_OF]->(c)`
	qBulkCreateSegments = `UNWIND $rows AS r
		CREATE (s:ChainSegment {code: r.code, name: r.name, nameEn: r.nameEn, stage: r.stage, position: r.position})
		WITH s, r
		MATCH (c:IndustrialChain {code: r.chain})
		CREATE (s)-[:PART_OF]->(c)`

	qBulkProducts = `UNWIND $rows AS r
		MERGE (p:Product {code: r.code})
		SET p.name = r.name, p.nameEn = r.nameEn, p.searchKeys = r.searchKeys, p.searchKeysVersion = '` + textkey.Version + `'
		WITH p, r
		MATCH (s:ChainSegment {code: r.segment})
		MERGE (p)-[:IN_SEGMENT]->(s)`
	qBulkCreateProducts = `UNWIND $rows AS r
		CREATE (p:Product {code: r.code, name: r.name, nameEn: r.nameEn,
		                   searchKeys: r.searchKeys, searchKeysVersion: '` + textkey.Version + `'})
		WITH p, r
		MATCH (s:ChainSegment {code: r.segment})
		CREATE (p)-[:IN_SEGMENT]->(s)`

	qBulkProductInputs = `UNWIND $rows AS r
		MATCH (i:Product {code: r.input})
		MATCH (o:Product {code: r.output})
		MERGE (i)-[:INPUT_OF]->(o)`
	qBulkCreateProductInputs = `UNWIND $rows AS r
		MATCH (i:Product {code: r.input})
		MATCH (o:Product {code: r.output})
		CREATE (i)-[:INPUT_OF]->(o)`

	qBulkDistricts = `UNWIND $rows AS r
		MERGE (d:District {code: r.code})
		SET d.name = r.name, d.nameEn = r.nameEn,
		    d.location = point({latitude: r.lat, longitude: r.lon})`
	qBulkCreateDistricts = `UNWIND $rows AS r
		CREATE (:District {code: r.code, name: r.name, nameEn: r.nameEn,
		                   location: point({latitude: r.lat, longitude: r.lon})})`

	qBulkParks = `UNWIND $rows AS r
		MERGE (p:Park {code: r.code})
		SET p.name = r.name, p.nameEn = r.nameEn,
		    p.location = point({latitude: r.lat, longitude: r.lon})
		WITH p, r
		MATCH (d:District {code: r.district})
		MERGE (p)-[:IN_DISTRICT]->(d)`
	qBulkCreateParks = `UNWIND $rows AS r
		CREATE (p:Park {code: r.code, name: r.name, nameEn: r.nameEn,
		                location: point({latitude: r.lat, longitude: r.lon})})
		WITH p, r
		MATCH (d:District {code: r.district})
		CREATE (p)-[:IN_DISTRICT]->(d)`

	qBulkParkFocus = `UNWIND $rows AS r
		MATCH (p:Park {code: r.park})
		MATCH (c:IndustrialChain {code: r.chain})
		MERGE (p)-[:FOCUSES_ON]->(c)`
	qBulkCreateParkFocus = `UNWIND $rows AS r
		MATCH (p:Park {code: r.park})
		MATCH (c:IndustrialChain {code: r.chain})
		CREATE (p)-[:FOCUSES_ON]->(c)`

	qBulkDesignations = `UNWIND $rows AS r
		MERGE (:Designation {code: r.code})`
	qBulkCreateDesignations = `UNWIND $rows AS r
		CREATE (:Designation {code: r.code})`

	qBulkIncentives = `UNWIND $rows AS r
		MERGE (i:Incentive {code: r.code})
		SET i.name = r.name, i.nameEn = r.nameEn, i.amountYuan = r.amountYuan,
		    i.designation = r.designation, i.localOnly = r.localOnly, i.minYear = r.minYear`
	qBulkCreateIncentives = `UNWIND $rows AS r
		CREATE (:Incentive {code: r.code, name: r.name, nameEn: r.nameEn, amountYuan: r.amountYuan,
		                    designation: r.designation, localOnly: r.localOnly, minYear: r.minYear})`

	qBulkEnterprises = `UNWIND $rows AS r
		MERGE (e:Enterprise {uscc: r.uscc})
		SET e.name = r.name, e.nameEn = r.nameEn, e.isLocal = r.isLocal,
		    e.homeCity = r.homeCity, e.founded = r.founded,
		    e.dataSource = r.dataSource, e.owner = r.owner,
		    e.contactPerson = r.contactPerson, e.contactPhone = r.contactPhone,
		    e.contactEmail = r.contactEmail,
		    e.location = CASE WHEN r.lat IS NULL THEN null
		                      ELSE point({latitude: r.lat, longitude: r.lon}) END,
		    e.updatedAt = datetime(),
		    e.searchKeys = r.searchKeys, e.searchKeysVersion = '` + textkey.Version + `'`
	qBulkCreateEnterprises = `UNWIND $rows AS r
		CREATE (e:Enterprise {uscc: r.uscc, name: r.name, nameEn: r.nameEn, isLocal: r.isLocal,
		    homeCity: r.homeCity, founded: r.founded,
		    dataSource: r.dataSource, owner: r.owner,
		    contactPerson: r.contactPerson, contactPhone: r.contactPhone,
		    contactEmail: r.contactEmail,
		    location: CASE WHEN r.lat IS NULL THEN null
		                   ELSE point({latitude: r.lat, longitude: r.lon}) END,
		    updatedAt: datetime(),
		    searchKeys: r.searchKeys, searchKeysVersion: '` + textkey.Version + `'})
		RETURN e.uscc AS uscc, elementId(e) AS id`

	qBulkLocatedIn = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.firm})
		MATCH (d:District {code: r.district})
		MERGE (e)-[:LOCATED_IN]->(d)`
	qBulkCreateLocatedIn = `UNWIND $rows AS r
		MATCH (e:Enterprise) WHERE elementId(e) = r.firm
		MATCH (d:District {code: r.district})
		CREATE (e)-[:LOCATED_IN]->(d)`

	qBulkInPark = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.firm})
		MATCH (p:Park {code: r.park})
		MERGE (e)-[:IN_PARK]->(p)`
	qBulkCreateInPark = `UNWIND $rows AS r
		MATCH (e:Enterprise) WHERE elementId(e) = r.firm
		MATCH (p:Park {code: r.park})
		CREATE (e)-[:IN_PARK]->(p)`

	qBulkHolds = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.firm})
		MATCH (d:Designation {code: r.designation})
		MERGE (e)-[h:HOLDS]->(d)
		SET h.year = r.year`
	qBulkCreateHolds = `UNWIND $rows AS r
		MATCH (e:Enterprise) WHERE elementId(e) = r.firm
		MATCH (d:Designation {code: r.designation})
		CREATE (e)-[:HOLDS {year: r.year}]->(d)`

	qBulkMakes = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.firm})
		MATCH (p:Product {code: r.product})
		MERGE (e)-[m:MAKES]->(p)
		SET m.annualCapacity = r.amount, m.unit = r.unit`
	qBulkCreateMakes = `UNWIND $rows AS r
		MATCH (e:Enterprise) WHERE elementId(e) = r.firm
		MATCH (p:Product {code: r.product})
		CREATE (e)-[:MAKES {annualCapacity: r.amount, unit: r.unit}]->(p)`

	qBulkNeeds = `UNWIND $rows AS r
		MATCH (e:Enterprise {uscc: r.firm})
		MATCH (p:Product {code: r.product})
		MERGE (e)-[n:NEEDS]->(p)
		SET n.annualVolume = r.amount, n.unit = r.unit`
	qBulkCreateNeeds = `UNWIND $rows AS r
		MATCH (e:Enterprise) WHERE elementId(e) = r.firm
		MATCH (p:Product {code: r.product})
		CREATE (e)-[:NEEDS {annualVolume: r.amount, unit: r.unit}]->(p)`

	qBulkSupplies = `UNWIND $rows AS r
		MATCH (s:Enterprise {uscc: r.supplier})
		MATCH (c:Enterprise {uscc: r.customer})
		MERGE (s)-[x:SUPPLIES {product: r.product}]->(c)
		SET x.since = r.since`
	qBulkCreateSupplies = `UNWIND $rows AS r
		MATCH (s:Enterprise) WHERE elementId(s) = r.supplier
		MATCH (c:Enterprise) WHERE elementId(c) = r.customer
		CREATE (s)-[:SUPPLIES {product: r.product, since: r.since}]->(c)`
)

// qIsFresh is true when the graph holds no node of a label LoadGraph
// writes (an allow-list written out; each test stops at the first node).
const qIsFresh = `RETURN NOT (EXISTS { MATCH (:Enterprise) } OR EXISTS { MATCH (:Product) }
	OR EXISTS { MATCH (:ChainSegment) } OR EXISTS { MATCH (:IndustrialChain) }
	OR EXISTS { MATCH (:District) } OR EXISTS { MATCH (:Park) }
	OR EXISTS { MATCH (:Incentive) } OR EXISTS { MATCH (:Designation) }) AS fresh`

// bulkSessions is how many batches a load sends at once, each on its own
// session: with two, one of Neo4j's two cores writes a batch while the
// other commits the last one or parses the next. Relationship batches of a
// merge load go one at a time: MERGE takes node locks out of order, so
// concurrent batches over the same products and firms deadlock. CREATE
// takes them in sorted order at commit (Neo4j Operations Manual, "Locks and
// deadlocks"), which is what lets a fresh load overlap its relationship
// batches.
const bulkSessions = 2

// nameSearchRebuildTimeout bounds rebuilding the full-text index after a
// fresh load, which runs even when the load failed or was cancelled.
const nameSearchRebuildTimeout = 10 * time.Minute

// bulkStep is one kind of record to load: its statements, and n rows that
// row builds one at a time, so that only the batches in flight exist as
// statement parameters.
type bulkStep struct {
	merge  string // the statement for a load over existing data
	create string // the statement for a fresh load
	rels   bool   // rows are relationships
	// phase orders a fresh load: a step matches only nodes written in
	// earlier phases, so the batches of one phase may overlap.
	phase int
	n     int
	row   func(i int) map[string]any
	// key identifies a relationship row's relationship as MERGE matches
	// it (nil for node rows, whose keys are constrained).
	key func(i int) bulkKey
	// firms marks the enterprise step, whose create statement returns
	// each new node's element id.
	firms bool
}

// bulkKey is a relationship's natural key: its end nodes' keys and, for
// SUPPLIES, the product.
type bulkKey struct{ from, to, product string }

// distinct drops the rows whose relationship a later row of st repeats, so
// that creating the rows gives what merging them would: one relationship
// per key, with the last row's properties.
func (st bulkStep) distinct() bulkStep {
	if st.key == nil {
		return st
	}
	seen := make(map[bulkKey]struct{}, st.n)
	var drop []bool
	for i := st.n - 1; i >= 0; i-- {
		k := st.key(i)
		if _, dup := seen[k]; dup {
			if drop == nil {
				drop = make([]bool, st.n)
			}
			drop[i] = true
			continue
		}
		seen[k] = struct{}{}
	}
	if drop == nil {
		return st
	}
	keep := make([]int, 0, st.n)
	for i, d := range drop {
		if !d {
			keep = append(keep, i)
		}
	}
	row := st.row
	st.n, st.row = len(keep), func(i int) map[string]any { return row(keep[i]) }
	return st
}

// LoadGraph writes g in batches: the catalogue and the enterprises, then
// their relationships. Each batch is one UNWIND statement in its own write
// transaction. progress, when not nil, is called after every batch with
// the rows handled so far and the total.
//
// LoadGraph decides once, at the start, how to write. Into a fresh graph
// (none of the labels it writes exists, e.g. after DeleteAllData) it
// CREATEs nodes and relationships, bulkSessions batches at a time, and
// finds an enterprise by the element id its creation returned. It drops the
// full-text index name_search first and builds it again, from the
// migration's definition, once the nodes are written: the index is online
// when LoadGraph returns, also when the load failed or ctx was cancelled
// (the rebuild then runs on a context of its own); searches fail while it
// is missing. A duplicate node key among the rows fails its batch (unique
// constraint); a repeated relationship row is written once, the last one
// winning, as MERGE would. A fresh load assumes that no one else writes or
// deletes those labels meanwhile. Over existing data, LoadGraph MERGEs
// everything on natural keys, relationship batches one at a time, so
// running it again with the same graph leaves the graph unchanged (but for
// updatedAt).
//
// On error the batches committed so far stay written.
func (s *Store) LoadGraph(ctx context.Context, g *BulkGraph, progress func(done, total int)) (stats BulkStats, err error) {
	start := time.Now()
	var reruns atomic.Int64
	defer func() { stats.Duration, stats.Reruns = time.Since(start), int(reruns.Load()) }()
	fresh, err := s.isFresh(ctx)
	if err != nil {
		return stats, fmt.Errorf("bulk load: %w", err)
	}
	stats.Fresh = fresh
	if fresh {
		if err := s.schemaWrite(ctx, qDropNameSearchIndex); err != nil {
			return stats, fmt.Errorf("bulk load: drop full-text index %s: %w", nameSearchIndex, err)
		}
		defer func() {
			if rerr := s.rebuildNameSearch(ctx); rerr != nil {
				err = errors.Join(err, fmt.Errorf("bulk load: %w", rerr))
			}
		}()
	}
	size := g.BatchSize
	if size <= 0 {
		size = DefaultBulkBatchSize
	}
	// firm is what a relationship row says for an enterprise: its USCC,
	// or in a fresh load the element id of the node the load created
	// (nil, matching nothing, for a USCC that is not among g's firms).
	firm := func(uscc string) any { return uscc }
	var ids map[string]string
	if fresh {
		ids = make(map[string]string, len(g.Enterprises))
		firm = func(uscc string) any {
			if id, ok := ids[uscc]; ok {
				return id
			}
			return nil
		}
	}
	steps := bulkSteps(g, firm)
	total := 0
	for _, st := range steps {
		total += st.n
	}
	done := 0
	wrote := func(st *bulkStep, rows int, recs []*neo4j.Record) error {
		stats.Statements++
		if st.rels {
			stats.RelationshipRows += rows
		} else {
			stats.NodeRows += rows
		}
		done += rows
		if progress != nil {
			progress(done, total)
		}
		if !fresh || !st.firms {
			return nil
		}
		for _, rec := range recs {
			uscc, _, err := neo4j.GetRecordValue[string](rec, "uscc")
			if err != nil {
				return err
			}
			id, _, err := neo4j.GetRecordValue[string](rec, "id")
			if err != nil {
				return err
			}
			ids[uscc] = id
		}
		return nil
	}

	if !fresh {
		for i := range steps {
			st := &steps[i]
			sessions := bulkSessions
			if st.rels {
				sessions = 1
			}
			if err := s.loadSteps(ctx, []*bulkStep{st}, st.merge, size, sessions, &reruns, wrote); err != nil {
				return stats, fmt.Errorf("bulk load after %d of %d rows: %w", done, total, err)
			}
		}
		return stats, nil
	}
	lastNodes := 0 // the last phase that writes nodes
	for _, st := range steps {
		if !st.rels {
			lastNodes = max(lastNodes, st.phase)
		}
	}
	for lo := 0; lo < len(steps); {
		var phase []*bulkStep
		hi := lo
		for ; hi < len(steps) && steps[hi].phase == steps[lo].phase; hi++ {
			n := steps[hi].n
			steps[hi] = steps[hi].distinct()
			done += n - steps[hi].n // repeated rows count as handled
			phase = append(phase, &steps[hi])
		}
		if err := s.loadSteps(ctx, phase, "", size, bulkSessions, &reruns, wrote); err != nil {
			return stats, fmt.Errorf("bulk load after %d of %d rows: %w", done, total, err)
		}
		if steps[lo].phase == lastNodes {
			// Neo4j populates the index in the background while the
			// relationships load; the deferred rebuild waits for it.
			if err := s.schemaWrite(ctx, qCreateNameSearchIndex); err != nil {
				return stats, fmt.Errorf("bulk load: create full-text index %s: %w", nameSearchIndex, err)
			}
		}
		clear(steps[lo:hi]) // the phase's rows are garbage now
		lo = hi
	}
	return stats, nil
}

// isFresh reports whether the graph holds none of the labels LoadGraph
// writes.
func (s *Store) isFresh(ctx context.Context) (bool, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		rec, err := single(ctx, tx, qIsFresh, nil)
		if err != nil || rec == nil {
			return false, err
		}
		fresh, _, err := neo4j.GetRecordValue[bool](rec, "fresh")
		return fresh, err
	})
}

// rebuildNameSearch creates the full-text index if it is missing and waits
// until it is online. It ignores ctx's cancellation (bounded by
// nameSearchRebuildTimeout instead), so that a failed or cancelled fresh
// load still leaves the index in place.
func (s *Store) rebuildNameSearch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), nameSearchRebuildTimeout)
	defer cancel()
	if err := s.schemaWrite(ctx, qCreateNameSearchIndex); err != nil {
		return fmt.Errorf("rebuild full-text index %s: %w", nameSearchIndex, err)
	}
	return s.awaitIndexOnline(ctx, nameSearchIndex)
}

// loadSteps writes the rows of steps in batches of size, each in its own
// write transaction with query (or, when query is "", the step's create
// statement), up to sessions batches at once and in step order, so that
// the first batch of a step overlaps the last of the one before. It
// hands each committed batch's rows and records to wrote, always from the
// calling goroutine, counts the driver's reruns of a batch in reruns, and
// stops at the first failure.
func (s *Store) loadSteps(ctx context.Context, steps []*bulkStep, query string, size, sessions int,
	reruns *atomic.Int64, wrote func(st *bulkStep, rows int, recs []*neo4j.Record) error) error {
	type batch struct {
		st *bulkStep
		lo int
	}
	var batches []batch
	for _, st := range steps {
		for lo := 0; lo < st.n; lo += size {
			batches = append(batches, batch{st, lo})
		}
	}
	send := func(ctx context.Context, b batch) (int, []*neo4j.Record, error) {
		rows := make([]any, 0, min(size, b.st.n-b.lo))
		for i := b.lo; i < min(b.lo+size, b.st.n); i++ {
			rows = append(rows, b.st.row(i))
		}
		stmt := cmp.Or(query, b.st.create)
		attempts := 0
		recs, err := write(ctx, s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
			if attempts++; attempts > 1 {
				reruns.Add(1)
				s.log.Warn("bulk load: batch rerun after a transient error", "rows", len(rows), "attempt", attempts)
			}
			return run(ctx, tx, stmt, map[string]any{"rows": rows})
		})
		return len(rows), recs, err
	}
	if sessions <= 1 || len(batches) <= 1 {
		for _, b := range batches {
			n, recs, err := send(ctx, b)
			if err == nil {
				err = wrote(b.st, n, recs)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		batch
		rows int
		recs []*neo4j.Record
		err  error
	}
	next := make(chan batch)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(sessions, len(batches)) {
		wg.Go(func() {
			for b := range next {
				n, recs, err := send(ctx, b)
				results <- result{b, n, recs, err}
			}
		})
	}
	go func() {
	feed:
		for _, b := range batches {
			select {
			case next <- b:
			case <-ctx.Done():
				break feed
			}
		}
		close(next)
		wg.Wait()
		close(results)
	}()
	var first error
	committed := 0
	for r := range results {
		err := r.err
		if err == nil {
			committed++
			err = wrote(r.st, r.rows, r.recs)
		}
		if err != nil && first == nil {
			first = err
			cancel() // no new batches; those in flight fail or commit
		}
	}
	if first == nil && committed < len(batches) {
		first = fmt.Errorf("%d of %d batches not sent: %w", len(batches)-committed, len(batches), ctx.Err())
	}
	return first
}

// bulkPair is a relationship row between two keys.
type bulkPair struct{ from, to string }

// bulkSteps describes g's records as statement rows, in load order: a step
// matches only nodes written by the steps before it, and in a fresh load
// only those of earlier phases (the catalogue's PART_OF, IN_SEGMENT and
// IN_DISTRICT come with their nodes). firm gives the value relationship
// rows carry for an enterprise's USCC.
func bulkSteps(g *BulkGraph, firm func(uscc string) any) []bulkStep {
	var inputs, focus, located, inPark []bulkPair
	for _, p := range g.Products {
		for _, in := range p.Inputs {
			inputs = append(inputs, bulkPair{in, p.Code})
		}
	}
	for _, p := range g.Parks {
		for _, c := range p.FocusChains {
			focus = append(focus, bulkPair{p.Code, c})
		}
	}
	for _, e := range g.Enterprises {
		if e.DistrictCode != "" {
			located = append(located, bulkPair{e.USCC, e.DistrictCode})
		}
		if e.ParkCode != "" {
			inPark = append(inPark, bulkPair{e.USCC, e.ParkCode})
		}
	}
	pairKey := func(ps []bulkPair) func(int) bulkKey {
		return func(i int) bulkKey { return bulkKey{from: ps[i].from, to: ps[i].to} }
	}
	return []bulkStep{
		// Phase 0: nodes that need no other node.
		{merge: qBulkChains, create: qBulkCreateChains, n: len(g.Chains), row: func(i int) map[string]any {
			c := g.Chains[i]
			return map[string]any{"code": c.Code, "name": c.Name, "nameEn": c.NameEn, "searchKeys": textkey.Keys(c.Name, c.NameEn)}
		}},
		{merge: qBulkDistricts, create: qBulkCreateDistricts, n: len(g.Districts), row: func(i int) map[string]any {
			d := g.Districts[i]
			return map[string]any{"code": d.Code, "name": d.Name, "nameEn": d.NameEn, "lat": d.Lat, "lon": d.Lon}
		}},
		{merge: qBulkDesignations, create: qBulkCreateDesignations, n: len(g.Designations), row: func(i int) map[string]any {
			return map[string]any{"code": g.Designations[i]}
		}},
		{merge: qBulkIncentives, create: qBulkCreateIncentives, n: len(g.Incentives), row: func(i int) map[string]any {
			in := g.Incentives[i]
			return map[string]any{"code": in.Code, "name": in.Name, "nameEn": in.NameEn,
				"amountYuan": in.AmountYuan, "designation": bulkNullIfZero(in.Designation), "localOnly": in.LocalOnly,
				"minYear": bulkNullIfZero(in.MinYear)}
		}},
		{merge: qBulkEnterprises, create: qBulkCreateEnterprises, n: len(g.Enterprises), firms: true,
			row: func(i int) map[string]any {
				e := g.Enterprises[i]
				row := map[string]any{"uscc": e.USCC, "name": e.Name, "nameEn": bulkNullIfZero(e.NameEn), "isLocal": e.IsLocal,
					"homeCity": bulkNullIfZero(e.HomeCity), "founded": bulkNullIfZero(e.Founded), "dataSource": bulkNullIfZero(e.DataSource),
					"owner": e.Owner, "contactPerson": bulkNullIfZero(e.ContactPerson), "contactPhone": bulkNullIfZero(e.ContactPhone),
					"contactEmail": bulkNullIfZero(e.ContactEmail), "lat": nil, "lon": nil,
					"searchKeys": textkey.Keys(e.Name, e.NameEn)}
				if e.HasLocation {
					row["lat"], row["lon"] = e.Lat, e.Lon
				}
				return row
			}},
		// Phases 1 and 2: the rest of the catalogue.
		{phase: 1, merge: qBulkSegments, create: qBulkCreateSegments, n: len(g.Segments), row: func(i int) map[string]any {
			sg := g.Segments[i]
			return map[string]any{"code": sg.Code, "name": sg.Name, "nameEn": sg.NameEn,
				"stage": sg.Stage, "position": sg.Position, "chain": sg.ChainCode}
		}},
		{phase: 1, merge: qBulkParks, create: qBulkCreateParks, n: len(g.Parks), row: func(i int) map[string]any {
			p := g.Parks[i]
			return map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn,
				"district": p.DistrictCode, "lat": p.Lat, "lon": p.Lon}
		}},
		{phase: 2, merge: qBulkProducts, create: qBulkCreateProducts, n: len(g.Products), row: func(i int) map[string]any {
			p := g.Products[i]
			return map[string]any{"code": p.Code, "name": p.Name, "nameEn": p.NameEn, "segment": p.SegmentCode,
				"searchKeys": textkey.Keys(p.Name, p.NameEn)}
		}},
		{phase: 2, merge: qBulkParkFocus, create: qBulkCreateParkFocus, rels: true, n: len(focus), row: func(i int) map[string]any {
			return map[string]any{"park": focus[i].from, "chain": focus[i].to}
		}, key: pairKey(focus)},
		// Phase 3: relationships between the nodes.
		{phase: 3, merge: qBulkProductInputs, create: qBulkCreateProductInputs, rels: true, n: len(inputs), row: func(i int) map[string]any {
			return map[string]any{"input": inputs[i].from, "output": inputs[i].to}
		}, key: pairKey(inputs)},
		{phase: 3, merge: qBulkLocatedIn, create: qBulkCreateLocatedIn, rels: true, n: len(located), row: func(i int) map[string]any {
			return map[string]any{"firm": firm(located[i].from), "district": located[i].to}
		}, key: pairKey(located)},
		{phase: 3, merge: qBulkInPark, create: qBulkCreateInPark, rels: true, n: len(inPark), row: func(i int) map[string]any {
			return map[string]any{"firm": firm(inPark[i].from), "park": inPark[i].to}
		}, key: pairKey(inPark)},
		{phase: 3, merge: qBulkHolds, create: qBulkCreateHolds, rels: true, n: len(g.Grants), row: func(i int) map[string]any {
			h := g.Grants[i]
			return map[string]any{"firm": firm(h.USCC), "designation": h.Designation, "year": h.Year}
		}, key: func(i int) bulkKey { return bulkKey{from: g.Grants[i].USCC, to: g.Grants[i].Designation} }},
		{phase: 3, merge: qBulkMakes, create: qBulkCreateMakes, rels: true, n: len(g.Makes), row: func(i int) map[string]any {
			m := g.Makes[i]
			return map[string]any{"firm": firm(m.USCC), "product": m.ProductCode, "amount": m.AnnualCapacity, "unit": bulkNullIfZero(m.Unit)}
		}, key: func(i int) bulkKey { return bulkKey{from: g.Makes[i].USCC, to: g.Makes[i].ProductCode} }},
		{phase: 3, merge: qBulkNeeds, create: qBulkCreateNeeds, rels: true, n: len(g.Needs), row: func(i int) map[string]any {
			n := g.Needs[i]
			return map[string]any{"firm": firm(n.USCC), "product": n.ProductCode, "amount": n.AnnualVolume, "unit": bulkNullIfZero(n.Unit)}
		}, key: func(i int) bulkKey { return bulkKey{from: g.Needs[i].USCC, to: g.Needs[i].ProductCode} }},
		{phase: 3, merge: qBulkSupplies, create: qBulkCreateSupplies, rels: true, n: len(g.Supplies), row: func(i int) map[string]any {
			x := g.Supplies[i]
			return map[string]any{"supplier": firm(x.SupplierUSCC), "customer": firm(x.CustomerUSCC),
				"product": x.ProductCode, "since": bulkNullIfZero(x.Since)}
		}, key: func(i int) bulkKey {
			x := g.Supplies[i]
			return bulkKey{x.SupplierUSCC, x.CustomerUSCC, x.ProductCode}
		}},
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
