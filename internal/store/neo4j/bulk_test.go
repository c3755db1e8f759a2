package neo4jstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// bulkFixture is a tiny but complete graph: a two-segment chain, products
// with an input, a district with a park, two firms (one visitor) that make,
// need and supply, a designation and an incentive.
func bulkFixture() *neo4jstore.BulkGraph {
	return &neo4jstore.BulkGraph{
		Chains: []neo4jstore.BulkChain{{Code: "PV", Name: "光伏", NameEn: "Photovoltaics"}},
		Segments: []neo4jstore.BulkSegment{
			{Code: "PV-S1", Name: "硅片", NameEn: "Wafers", Stage: "UPSTREAM", Position: 1, ChainCode: "PV"},
			{Code: "PV-S2", Name: "电池片", NameEn: "Cells", Stage: "MIDSTREAM", Position: 2, ChainCode: "PV"},
		},
		Products: []neo4jstore.BulkProduct{
			{Code: "PV-WAFER", Name: "光伏硅片", NameEn: "Solar wafer", SegmentCode: "PV-S1"},
			{Code: "PV-CELL", Name: "电池片", NameEn: "Cell", SegmentCode: "PV-S2", Inputs: []string{"PV-WAFER"}},
		},
		Districts:    []neo4jstore.BulkDistrict{{Code: "330411", Name: "秀洲区", NameEn: "Xiuzhou", Lat: 30.76, Lon: 120.71}},
		Parks:        []neo4jstore.BulkPark{{Code: "XZ-HTZ", Name: "秀洲高新区", NameEn: "Xiuzhou High-tech Zone", DistrictCode: "330411", Lat: 30.79, Lon: 120.69, FocusChains: []string{"PV"}}},
		Designations: []string{"NATIONAL_LITTLE_GIANT"},
		Incentives:   []neo4jstore.BulkIncentive{{Code: "JX-LG", Name: "小巨人奖励", NameEn: "Little giant award", AmountYuan: 1_500_000, Designation: "NATIONAL_LITTLE_GIANT", LocalOnly: true}},
		Enterprises: []neo4jstore.BulkEnterprise{
			{USCC: "91330411000000010X", Name: "嘉兴甲光伏有限公司", IsLocal: true, DistrictCode: "330411", ParkCode: "XZ-HTZ", HasLocation: true, Lat: 30.79, Lon: 120.69, Founded: 2010, DataSource: "demo"},
			{USCC: "915101000000000206", Name: "成都乙硅片有限公司", HomeCity: "成都", HasLocation: true, Lat: 30.66, Lon: 104.07, Founded: 2005, DataSource: "demo"},
		},
		Grants:   []neo4jstore.BulkGrant{{USCC: "915101000000000206", Designation: "NATIONAL_LITTLE_GIANT", Year: 2022}},
		Makes:    []neo4jstore.BulkOffer{{USCC: "91330411000000010X", ProductCode: "PV-CELL", AnnualCapacity: 500, Unit: "MW"}, {USCC: "915101000000000206", ProductCode: "PV-WAFER", AnnualCapacity: 20, Unit: "M pcs"}},
		Needs:    []neo4jstore.BulkNeed{{USCC: "91330411000000010X", ProductCode: "PV-WAFER", AnnualVolume: 5, Unit: "M pcs"}},
		Supplies: []neo4jstore.BulkSupply{{SupplierUSCC: "915101000000000206", CustomerUSCC: "91330411000000010X", ProductCode: "PV-WAFER", Since: 2019}},
	}
}

func TestLoadGraphWritesEverythingAndIsIdempotent(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	empty, err := s.IsEmpty(ctx)
	if err != nil || !empty {
		t.Fatalf("IsEmpty on a wiped graph = %v, %v", empty, err)
	}

	g := bulkFixture()
	g.BatchSize = 1 // one statement per row: exercises the batching
	var trips atomic.Int64
	var progress [][2]int
	stats, err := s.LoadGraph(neo4jstore.WithRoundTripCounter(ctx, &trips), g, func(d, tot int) { progress = append(progress, [2]int{d, tot}) })
	if err != nil {
		t.Fatal(err)
	}
	// Counted by hand: 11 node rows, 9 relationship rows (PART_OF,
	// IN_SEGMENT and IN_DISTRICT are written with their nodes).
	if stats.NodeRows != 1+2+2+1+1+1+1+2 || stats.RelationshipRows != 1+1+1+1+1+2+1+1 {
		t.Errorf("stats %+v", stats)
	}
	// Into the wiped graph the load takes the fresh path: besides one
	// statement per row, the probe, dropping the full-text index, creating
	// it after the nodes, the rebuild's create and at least one state poll.
	if !stats.Fresh {
		t.Error("a load into a wiped graph did not take the fresh path")
	}
	if stats.Statements != stats.NodeRows+stats.RelationshipRows || trips.Load() < int64(stats.Statements)+5 {
		t.Errorf("%d statements, %d round trips, want one statement per row and 5+ more round trips", stats.Statements, trips.Load())
	}
	if len(progress) != stats.Statements || progress[len(progress)-1][0] != progress[len(progress)-1][1] {
		t.Errorf("progress calls %v", progress)
	}

	counts, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := map[string]int64{"Enterprise": 2, "Product": 2, "ChainSegment": 2, "IndustrialChain": 1,
		"District": 1, "Park": 1, "Incentive": 1, "Designation": 1}
	wantRels := map[string]int64{"MAKES": 2, "NEEDS": 1, "SUPPLIES": 1, "INPUT_OF": 1, "IN_SEGMENT": 2, "PART_OF": 2,
		"LOCATED_IN": 1, "IN_PARK": 1, "IN_DISTRICT": 1, "FOCUSES_ON": 1, "HOLDS": 1}
	if !reflect.DeepEqual(counts.Nodes, wantNodes) || !reflect.DeepEqual(counts.Relationships, wantRels) {
		t.Fatalf("counts\n got %v %v\nwant %v %v", counts.Nodes, counts.Relationships, wantNodes, wantRels)
	}
	endsAsModelled(t, s) // a fresh load
	if counts.TotalNodes() != 11 || counts.TotalRelationships() != 14 {
		t.Errorf("totals %d nodes, %d relationships", counts.TotalNodes(), counts.TotalRelationships())
	}
	if empty, err := s.IsEmpty(ctx); err != nil || empty {
		t.Errorf("IsEmpty after load = %v, %v", empty, err)
	}

	if state, err := neo4jstore.NameSearchState(ctx, s); err != nil || state != "ONLINE" {
		t.Errorf("full-text index after a fresh load: %q, %v", state, err)
	}

	// A second load, now in one batch per kind, merges (the probe and one
	// statement per kind, nothing for the index, and the match epoch's new
	// token) and leaves the same graph.
	g.BatchSize = 0
	trips.Store(0)
	stats, err = s.LoadGraph(neo4jstore.WithRoundTripCounter(ctx, &trips), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Upper bounds: at most one statement per kind of row (16 kinds in
	// the fixture), never one per row, and two round trips besides.
	if stats.Fresh || stats.Statements > 16 || trips.Load() > int64(stats.Statements)+2 {
		t.Errorf("second load: fresh %v, %d statements, %d round trips; want a merge, at most 16 and 18", stats.Fresh, stats.Statements, trips.Load())
	}
	again, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(counts, again) {
		t.Errorf("second load changed the graph:\n%v\n%v", counts, again)
	}
}

func TestLoadGraphFailsOnCancelledContext(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.LoadGraph(ctx, bulkFixture(), nil); err == nil {
		t.Fatal("LoadGraph with a cancelled context succeeded")
	}
}

// searchable fails the test unless the full-text index is online, the
// schema passes CheckMigrated and a name search for uscc's firm finds it
// (uscc "" only runs a search).
func searchable(t *testing.T, s *neo4jstore.Store, name, uscc string) {
	t.Helper()
	ctx := context.Background()
	if state, err := neo4jstore.NameSearchState(ctx, s); err != nil || state != "ONLINE" {
		t.Fatalf("full-text index: %q, %v; want ONLINE", state, err)
	}
	if err := s.CheckMigrated(ctx); err != nil {
		t.Fatalf("CheckMigrated: %v", err)
	}
	hits, err := s.Search(ctx, chain.SearchQuery{Names: name, Limit: 10})
	if err != nil {
		t.Fatalf("search %q: %v", name, err)
	}
	if uscc == "" {
		return
	}
	for _, h := range hits {
		if h.Key == uscc {
			return
		}
	}
	t.Fatalf("search %q: %d hits, none is %s", name, len(hits), uscc)
}

func TestFreshLoadRebuildsTheFullTextIndex(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	stats, err := s.LoadGraph(ctx, bulkFixture(), nil)
	if err != nil || !stats.Fresh {
		t.Fatalf("fresh load: %+v, %v", stats, err)
	}
	// Written and searchable at once, with no wait in the test.
	searchable(t, s, "成都乙硅片有限公司", "915101000000000206")
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after a fresh load: %v", err)
	}
}

func TestFreshLoadWithADuplicateKeyFailsAndKeepsTheIndex(t *testing.T) {
	s := neo4jtest.Open(t)
	g := bulkFixture()
	g.Enterprises = append(g.Enterprises, g.Enterprises[0]) // a second 91330411000000010X
	_, err := s.LoadGraph(context.Background(), g, nil)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("fresh load with a duplicate USCC: %v, want a conflict", err)
	}
	searchable(t, s, "光伏", "")
}

func TestFreshLoadCancelledMidwayKeepsTheIndexAndResumesAsAMerge(t *testing.T) {
	s := neo4jtest.Open(t)
	g := bulkFixture()
	g.BatchSize = 1
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var batches int
	stats, err := s.LoadGraph(ctx, g, func(done, total int) {
		if batches++; batches == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || !stats.Fresh {
		t.Fatalf("cancelled fresh load: %+v, %v; want a fresh load failing with context.Canceled", stats, err)
	}
	if stats.NodeRows+stats.RelationshipRows >= 20 {
		t.Fatalf("cancelled load wrote all %d rows", stats.NodeRows+stats.RelationshipRows)
	}
	searchable(t, s, "光伏", "")

	// The graph is no longer fresh: loading again merges and completes it.
	stats, err = s.LoadGraph(context.Background(), g, nil)
	if err != nil || stats.Fresh {
		t.Fatalf("load after the cancelled one: %+v, %v; want a merge", stats, err)
	}
	counts, err := s.CountGraph(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	endsAsModelled(t, s) // a merge load
	if counts.TotalNodes() != 11 || counts.TotalRelationships() != 14 {
		t.Errorf("after resuming: %d nodes, %d relationships; want 11 and 14", counts.TotalNodes(), counts.TotalRelationships())
	}
	searchable(t, s, "成都乙硅片有限公司", "915101000000000206")
}

// A repeated relationship row gives one relationship with the last row's
// properties, whether the load creates (fresh graph) or merges.
func TestRepeatedRelationshipRowsCreateWhatMergeWould(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	g := bulkFixture()
	g.Makes = append(g.Makes, neo4jstore.BulkOffer{USCC: "91330411000000010X", ProductCode: "PV-CELL", AnnualCapacity: 700, Unit: "MW"})
	g.Supplies = append(g.Supplies, g.Supplies[0])
	g.Grants = append(g.Grants, g.Grants[0])

	load := func(fresh bool) (neo4jstore.GraphCounts, []enterprise.ProductOffer) {
		t.Helper()
		if err := s.DeleteAllData(ctx); err != nil {
			t.Fatal(err)
		}
		if !fresh { // a catalogue node makes the graph not fresh
			if _, err := s.LoadGraph(ctx, &neo4jstore.BulkGraph{Chains: g.Chains}, nil); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := s.LoadGraph(ctx, g, nil)
		if err != nil || stats.Fresh != fresh {
			t.Fatalf("load (fresh %v): %+v, %v", fresh, stats, err)
		}
		counts, err := s.CountGraph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		offers, err := s.OffersOf(ctx, []string{"91330411000000010X"})
		if err != nil {
			t.Fatal(err)
		}
		return counts, offers[0]
	}
	created, createdOffers := load(true)
	merged, mergedOffers := load(false)
	if !reflect.DeepEqual(created, merged) {
		t.Errorf("counts differ:\n created %v\n  merged %v", created, merged)
	}
	if created.Relationships["MAKES"] != 2 || created.Relationships["SUPPLIES"] != 1 || created.Relationships["HOLDS"] != 1 {
		t.Errorf("repeated rows doubled relationships: %v", created.Relationships)
	}
	if !reflect.DeepEqual(createdOffers, mergedOffers) || len(createdOffers) != 1 ||
		createdOffers[0].AnnualCapacity == nil || *createdOffers[0].AnnualCapacity != 700 {
		t.Errorf("offers: created %+v, merged %+v; want one PV-CELL offer of 700", createdOffers, mergedOffers)
	}
}

// endsAsModelled checks that each relationship type ends at the one label
// docs/graph-model.md draws: statements rely on it (the designation
// filters check no label).
func endsAsModelled(t *testing.T, s *neo4jstore.Store) {
	t.Helper()
	ends, err := neo4jstore.RelationshipEnds(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"MAKES": {"Enterprise->Product"}, "NEEDS": {"Enterprise->Product"},
		"SUPPLIES": {"Enterprise->Enterprise"}, "INPUT_OF": {"Product->Product"}, "IN_SEGMENT": {"Product->ChainSegment"},
		"PART_OF": {"ChainSegment->IndustrialChain"}, "LOCATED_IN": {"Enterprise->District"}, "IN_PARK": {"Enterprise->Park"},
		"IN_DISTRICT": {"Park->District"}, "FOCUSES_ON": {"Park->IndustrialChain"}, "HOLDS": {"Enterprise->Designation"}}
	if !reflect.DeepEqual(ends, want) {
		t.Errorf("relationship ends\n got %v\nwant %v", ends, want)
	}
}
