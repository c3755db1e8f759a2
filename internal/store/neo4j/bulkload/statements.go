package bulkload

import (
	"fmt"
	"strings"
)

// The bulk statements are generated once, at start-up, from one template
// per kind of record, in two forms. Labels, types and property names come
// from the specs below, never from input; values are always parameters.
//
// The merge form MERGEs on the constrained natural keys, so a batch retried
// by the driver or a whole load run twice leaves the same graph. The create
// form is for a fresh load, into a graph that holds none of the labels the
// loader writes: nothing can match yet, so it skips MERGE's lookups and its
// out-of-order locks. The unique constraints still reject a duplicate node
// key, and the loader drops repeated relationship rows before it sends them
// (step.distinct). The driver reruns a batch only when its transaction did
// not commit (never after a connection lost during the commit), so a rerun
// creates nothing twice.
//
// Relationship rows name an enterprise by the row's firm field (or supplier
// and customer): its USCC in the merge form, and in the create form the
// element id that the enterprise statement returned for it, which spares a
// seek in the USCC index per relationship end (about a quarter of Neo4j's
// CPU time in a fresh load of the 100,000-firm graph).

// mode is how a statement writes.
type mode int

const (
	merge  mode = iota // MERGE on natural keys, SET the rest
	create             // CREATE with every property
)

// prop is a property written from a row: the row field of the same name,
// or expr (a Cypher expression over the row r) when set.
type prop struct {
	name string
	expr string
}

func (p prop) value() string {
	if p.expr != "" {
		return p.expr
	}
	return "r." + p.name
}

// locationProp is a point built from the row's lat and lon (null when lat is).
var locationProp = prop{name: "location",
	expr: "CASE WHEN r.lat IS NULL THEN null ELSE point({latitude: r.lat, longitude: r.lon}) END"}

// end is a node a relationship row refers to: label {key: r.field}.
type end struct {
	label, key, field string
}

// firmEnd refers to an enterprise; in the create form by element id.
func firmEnd(field string) end { return end{label: "Enterprise", key: "uscc", field: field} }

// match is the MATCH clause binding v to e in mode m.
func (e end) match(v string, m mode) string {
	if m == create && e.label == "Enterprise" {
		return fmt.Sprintf("MATCH (%s:Enterprise) WHERE elementId(%s) = r.%s", v, v, e.field)
	}
	return fmt.Sprintf("MATCH (%s:%s {%s: r.%s})", v, e.label, e.key, e.field)
}

// nodeSpec is a label written from rows that carry its key and props.
type nodeSpec struct {
	label string
	key   string
	props []prop
	// stamp sets updatedAt to the write's time.
	stamp bool
	// link, when set, relates each new node to an existing one in the same
	// statement: (n)-[:link.typ]->(link.to).
	link *link
	// returnIDs makes the create form return each node's key and element
	// id (the enterprises, which later rows refer to by id).
	returnIDs bool
}

type link struct {
	typ string
	to  end
}

// cypher is the statement for m.
func (s nodeSpec) cypher(m mode) string {
	var b strings.Builder
	b.WriteString("UNWIND $rows AS r\n")
	props := s.props
	if s.stamp {
		props = append(props[:len(props):len(props)], prop{name: "updatedAt", expr: "datetime()"})
	}
	switch m {
	case merge:
		fmt.Fprintf(&b, "MERGE (n:%s {%s: r.%s})", s.label, s.key, s.key)
		if len(props) > 0 {
			sets := make([]string, len(props))
			for i, p := range props {
				sets[i] = "n." + p.name + " = " + p.value()
			}
			b.WriteString("\nSET " + strings.Join(sets, ", "))
		}
	case create:
		fields := []string{s.key + ": r." + s.key}
		for _, p := range props {
			fields = append(fields, p.name+": "+p.value())
		}
		fmt.Fprintf(&b, "CREATE (n:%s {%s})", s.label, strings.Join(fields, ", "))
	}
	if s.link != nil {
		verb := map[mode]string{merge: "MERGE", create: "CREATE"}[m]
		fmt.Fprintf(&b, "\nWITH n, r\n%s\n%s (n)-[:%s]->(m)", s.link.to.match("m", m), verb, s.link.typ)
	}
	if s.returnIDs && m == create {
		fmt.Fprintf(&b, "\nRETURN n.%s AS key, elementId(n) AS id", s.key)
	}
	return b.String()
}

// relSpec is a relationship type written from rows that name its ends.
type relSpec struct {
	typ      string
	from, to end
	// keys are properties that tell relationships between the same nodes
	// apart (MERGE matches on them); props are set on it.
	keys  []prop
	props []prop
}

// cypher is the statement for m.
func (s relSpec) cypher(m mode) string {
	var b strings.Builder
	fmt.Fprintf(&b, "UNWIND $rows AS r\n%s\n%s\n", s.from.match("a", m), s.to.match("b", m))
	fields := func(ps []prop) string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.name + ": " + p.value()
		}
		if len(out) == 0 {
			return ""
		}
		return " {" + strings.Join(out, ", ") + "}"
	}
	switch m {
	case merge:
		fmt.Fprintf(&b, "MERGE (a)-[x:%s%s]->(b)", s.typ, fields(s.keys))
		if len(s.props) > 0 {
			sets := make([]string, len(s.props))
			for i, p := range s.props {
				sets[i] = "x." + p.name + " = " + p.value()
			}
			b.WriteString("\nSET " + strings.Join(sets, ", "))
		}
	case create:
		fmt.Fprintf(&b, "CREATE (a)-[:%s%s]->(b)", s.typ, fields(append(s.keys[:len(s.keys):len(s.keys)], s.props...)))
	}
	return b.String()
}

// statement is a spec's two forms.
type statement [2]string

func (st statement) in(m mode) string { return st[m] }

type spec interface{ cypher(mode) string }

func both(s spec) statement { return statement{merge: s.cypher(merge), create: s.cypher(create)} }

// The kinds of records, in the shape each is written.
var (
	chainSpec = nodeSpec{label: "IndustrialChain", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, {name: "searchKeys"}, {name: "searchKeysVersion"}}}
	districtSpec = nodeSpec{label: "District", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, locationProp}}
	designationSpec = nodeSpec{label: "Designation", key: "code"}
	incentiveSpec   = nodeSpec{label: "Incentive", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, {name: "amountYuan"}, {name: "designation"},
			{name: "localOnly"}, {name: "minYear"}}}
	enterpriseSpec = nodeSpec{label: "Enterprise", key: "uscc", stamp: true, returnIDs: true,
		props: []prop{{name: "name"}, {name: "nameEn"}, {name: "isLocal"}, {name: "homeCity"}, {name: "founded"},
			{name: "dataSource"}, {name: "owner"}, {name: "contactPerson"}, {name: "contactPhone"},
			{name: "contactEmail"}, locationProp, {name: "searchKeys"}, {name: "searchKeysVersion"}}}
	segmentSpec = nodeSpec{label: "ChainSegment", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, {name: "stage"}, {name: "position"}},
		link:  &link{typ: "PART_OF", to: end{label: "IndustrialChain", key: "code", field: "chain"}}}
	parkSpec = nodeSpec{label: "Park", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, locationProp},
		link:  &link{typ: "IN_DISTRICT", to: end{label: "District", key: "code", field: "district"}}}
	productSpec = nodeSpec{label: "Product", key: "code",
		props: []prop{{name: "name"}, {name: "nameEn"}, {name: "searchKeys"}, {name: "searchKeysVersion"}},
		link:  &link{typ: "IN_SEGMENT", to: end{label: "ChainSegment", key: "code", field: "segment"}}}

	parkFocusSpec = relSpec{typ: "FOCUSES_ON",
		from: end{label: "Park", key: "code", field: "park"}, to: end{label: "IndustrialChain", key: "code", field: "chain"}}
	productInputSpec = relSpec{typ: "INPUT_OF",
		from: end{label: "Product", key: "code", field: "input"}, to: end{label: "Product", key: "code", field: "output"}}
	locatedInSpec = relSpec{typ: "LOCATED_IN",
		from: firmEnd("firm"), to: end{label: "District", key: "code", field: "district"}}
	inParkSpec = relSpec{typ: "IN_PARK",
		from: firmEnd("firm"), to: end{label: "Park", key: "code", field: "park"}}
	holdsSpec = relSpec{typ: "HOLDS",
		from: firmEnd("firm"), to: end{label: "Designation", key: "code", field: "designation"},
		props: []prop{{name: "year"}}}
	makesSpec = relSpec{typ: "MAKES",
		from: firmEnd("firm"), to: end{label: "Product", key: "code", field: "product"},
		props: []prop{{name: "annualCapacity"}, {name: "unit"}}}
	needsSpec = relSpec{typ: "NEEDS",
		from: firmEnd("firm"), to: end{label: "Product", key: "code", field: "product"},
		props: []prop{{name: "annualVolume"}, {name: "unit"}}}
	suppliesSpec = relSpec{typ: "SUPPLIES",
		from: firmEnd("supplier"), to: firmEnd("customer"),
		keys: []prop{{name: "product"}}, props: []prop{{name: "since"}}}
)

// The statements, generated once.
var (
	qChains        = both(chainSpec)
	qDistricts     = both(districtSpec)
	qDesignations  = both(designationSpec)
	qIncentives    = both(incentiveSpec)
	qEnterprises   = both(enterpriseSpec)
	qSegments      = both(segmentSpec)
	qParks         = both(parkSpec)
	qProducts      = both(productSpec)
	qParkFocus     = both(parkFocusSpec)
	qProductInputs = both(productInputSpec)
	qLocatedIn     = both(locatedInSpec)
	qInPark        = both(inParkSpec)
	qHolds         = both(holdsSpec)
	qMakes         = both(makesSpec)
	qNeeds         = both(needsSpec)
	qSupplies      = both(suppliesSpec)
)
