package neo4jstore

import (
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// benchEnterpriseRecord is a record of enterpriseColumns as Neo4j returns it.
func benchEnterpriseRecord() *neo4j.Record {
	return &neo4j.Record{
		Keys: []string{"uscc", "name", "nameEn", "isLocal", "homeCity", "location", "founded", "dataSource", "owner", "district", "park"},
		Values: []any{"913304007429141869", "嘉兴翊禾航空科技有限公司", "Jiaxing Yihe Aviation Technology Co., Ltd.", true, nil,
			neo4j.Point2D{X: 120.68519, Y: 30.79922, SpatialRefId: 4326}, int64(2016), "demo", "", "330411", "JX-ETDZ"},
	}
}

// BenchmarkMapEnterprise maps one enterprise record to the domain type;
// a page of 50 enterprises pays it 50 times.
func BenchmarkMapEnterprise(b *testing.B) {
	rec := benchEnterpriseRecord()
	b.ReportAllocs()
	for b.Loop() {
		r := &row{rec: rec}
		_ = mapEnterprise(r)
		if r.err != nil {
			b.Fatal(r.err)
		}
	}
}

// BenchmarkMapCandidate maps one match-candidate record (the store returns
// up to ~1,500 per supplierMatches request).
func BenchmarkMapCandidate(b *testing.B) {
	hit := map[string]any{"fit": "PRODUCT", "wanted": "PV-GLASS", "wantedName": "光伏玻璃", "wantedNameEn": "PV glass",
		"via": "PV-GLASS", "viaName": "光伏玻璃", "viaNameEn": "PV glass", "amount": 1200.0, "unit": "t"}
	rec := &neo4j.Record{
		Keys: []string{"uscc", "isLocal", "distanceKm", "park", "designations", "hits", "peers", "shared", "existing"},
		Values: []any{"913304007429141869", true, 12.4, "JX-ETDZ", []any{"PROVINCIAL_SRDI", "INNOVATIVE_SME"},
			[]any{hit, hit}, int64(3), int64(1), false},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := candidate(rec); err != nil {
			b.Fatal(err)
		}
	}
}
