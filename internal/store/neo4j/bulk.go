package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/dataset"
	"chainmatch/internal/store/neo4j/bulkload"
)

// The bulk loader's record types are the dataset's (package dataset);
// these names keep the store's callers readable.
type (
	// BulkGraph is a dataset.Graph.
	BulkGraph = dataset.Graph
	// BulkChain is a dataset.Chain.
	BulkChain = dataset.Chain
	// BulkSegment is a dataset.Segment.
	BulkSegment = dataset.Segment
	// BulkProduct is a dataset.Product.
	BulkProduct = dataset.Product
	// BulkDistrict is a dataset.District.
	BulkDistrict = dataset.District
	// BulkPark is a dataset.Park.
	BulkPark = dataset.Park
	// BulkIncentive is a dataset.Incentive.
	BulkIncentive = dataset.Incentive
	// BulkEnterprise is a dataset.Enterprise.
	BulkEnterprise = dataset.Enterprise
	// BulkGrant is a dataset.Grant.
	BulkGrant = dataset.Grant
	// BulkOffer is a dataset.Offer.
	BulkOffer = dataset.Offer
	// BulkNeed is a dataset.Need.
	BulkNeed = dataset.Need
	// BulkSupply is a dataset.Supply.
	BulkSupply = dataset.Supply
	// BulkStats is a dataset.LoadStats.
	BulkStats = dataset.LoadStats
)

// DefaultBulkBatchSize is the rows per bulk statement (bulkload.DefaultBatchSize).
const DefaultBulkBatchSize = bulkload.DefaultBatchSize

// LoadGraph writes g with the bulk loader (package bulkload, which
// documents how): batches of UNWIND statements, CREATE into a fresh graph
// with the full-text index rebuilt afterwards, MERGE over existing data.
// progress, when not nil, is called after every batch. It appends no
// change events: a bulk load writes a database's starting state (the demo
// data set), which consumers read through the queries, not the change log
// (docs/changes.md). Instead it gives the match epoch a new token, after
// the load and also after a failed one, so that every in-process match
// index rebuilds (package matchindex).
func (s *Store) LoadGraph(ctx context.Context, g *BulkGraph, progress func(done, total int)) (BulkStats, error) {
	stats, err := bulkload.Load(ctx, bulkDB{s}, g, progress, s.log)
	if berr := s.BumpMatchEpoch(context.WithoutCancel(ctx)); berr != nil && err == nil {
		err = fmt.Errorf("bulk load: mark the match epoch: %w", berr)
	}
	return stats, err
}

// bulkTxTimeout is the limit of one bulk statement's transaction: a batch
// of DefaultBulkBatchSize rows into a graph of a million firms can take
// longer than a request's defaultTxTimeout on a busy machine (a 1,000,000
// firm load failed at 30 s), and a batch that times out fails the load.
const bulkTxTimeout = 10 * time.Minute

// bulkDB gives the bulk loader the store's transactions, statement
// counting and error translation.
type bulkDB struct{ s *Store }

func (d bulkDB) Write(ctx context.Context, query string, params map[string]any, attempt func(n int)) ([]*neo4j.Record, error) {
	n := 0
	return write(withTxLimit(ctx, bulkTxTimeout), d.s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		n++
		attempt(n)
		return run(ctx, tx, query, params)
	})
}

func (d bulkDB) Read(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
	return read(withTxLimit(ctx, bulkTxTimeout), d.s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		return run(ctx, tx, query, params)
	})
}

func (d bulkDB) DropNameSearch(ctx context.Context) error {
	return d.s.schemaWrite(ctx, qDropNameSearchIndex)
}

func (d bulkDB) CreateNameSearch(ctx context.Context) error {
	return d.s.schemaWrite(ctx, qCreateNameSearchIndex)
}

func (d bulkDB) AwaitNameSearch(ctx context.Context) error {
	return d.s.awaitIndexOnline(ctx, nameSearchIndex)
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
