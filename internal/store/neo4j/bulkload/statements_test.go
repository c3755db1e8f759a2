package bulkload

import "testing"

// TestBothFormsComeFromOneTemplate shows the two forms of a node with a
// link and of a relationship with a key property, as Neo4j receives them.
func TestBothFormsComeFromOneTemplate(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"segments, merge", qSegments.in(merge), `UNWIND $rows AS r
MERGE (n:ChainSegment {code: r.code})
SET n.name = r.name, n.nameEn = r.nameEn, n.stage = r.stage, n.position = r.position
WITH n, r
MATCH (m:IndustrialChain {code: r.chain})
MERGE (n)-[:PART_OF]->(m)`},
		{"segments, create", qSegments.in(create), `UNWIND $rows AS r
CREATE (n:ChainSegment {code: r.code, name: r.name, nameEn: r.nameEn, stage: r.stage, position: r.position})
WITH n, r
MATCH (m:IndustrialChain {code: r.chain})
CREATE (n)-[:PART_OF]->(m)`},
		{"designations, merge", qDesignations.in(merge), `UNWIND $rows AS r
MERGE (n:Designation {code: r.code})`},
		{"enterprises, create", qEnterprises.in(create), `UNWIND $rows AS r
CREATE (n:Enterprise {uscc: r.uscc, name: r.name, nameEn: r.nameEn, isLocal: r.isLocal, homeCity: r.homeCity, founded: r.founded, dataSource: r.dataSource, owner: r.owner, contactPerson: r.contactPerson, contactPhone: r.contactPhone, contactEmail: r.contactEmail, location: CASE WHEN r.lat IS NULL THEN null ELSE point({latitude: r.lat, longitude: r.lon}) END, searchKeys: r.searchKeys, searchKeysVersion: r.searchKeysVersion, updatedAt: datetime()})
RETURN n.uscc AS key, elementId(n) AS id`},
		{"supplies, merge", qSupplies.in(merge), `UNWIND $rows AS r
MATCH (a:Enterprise {uscc: r.supplier})
MATCH (b:Enterprise {uscc: r.customer})
MERGE (a)-[x:SUPPLIES {product: r.product}]->(b)
SET x.since = r.since`},
		{"supplies, create", qSupplies.in(create), `UNWIND $rows AS r
MATCH (a:Enterprise) WHERE elementId(a) = r.supplier
MATCH (b:Enterprise) WHERE elementId(b) = r.customer
CREATE (a)-[:SUPPLIES {product: r.product, since: r.since}]->(b)`},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, tc.got, tc.want)
		}
	}
}
