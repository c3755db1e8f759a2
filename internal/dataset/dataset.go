// Package dataset describes a whole business graph as plain rows keyed by
// natural keys (USCC, codes): the catalogue, the enterprises and their
// relationships. The demo generator produces one and the store's bulk
// loader writes one, so neither knows the other.
package dataset

import "time"

// Graph is a whole graph to load at once: the catalogue (chains,
// segments, products, districts, parks, designations, incentives), the
// enterprises and their relationships. Records are plain values keyed by
// natural keys, so loading the same graph twice changes nothing. The demo
// generator produces one; the store's bulk loader writes it.
type Graph struct {
	Chains       []Chain
	Segments     []Segment
	Products     []Product
	Districts    []District
	Parks        []Park
	Designations []string // designation codes, e.g. NATIONAL_LITTLE_GIANT
	Incentives   []Incentive
	Enterprises  []Enterprise
	Grants       []Grant
	Makes        []Offer
	Needs        []Need
	Supplies     []Supply
	// BatchSize is the number of rows per statement (and per transaction);
	// 0 means the loader's default.
	BatchSize int
}

// Chain is an industrial chain.
type Chain struct{ Code, Name, NameEn string }

// Segment is a chain segment; Stage is UPSTREAM, MIDSTREAM or DOWNSTREAM
// and Position is 1-based within the chain.
type Segment struct {
	Code, Name, NameEn string
	Stage              string
	Position           int
	ChainCode          string
}

// Product is a product in a segment; Inputs are the codes of the
// products it is made from ((input)-[:INPUT_OF]->(product)).
type Product struct {
	Code, Name, NameEn string
	SegmentCode        string
	Inputs             []string
}

// District is a Jiaxing district or county.
type District struct {
	Code, Name, NameEn string
	Lat, Lon           float64
}

// Park is an industrial park with the chains it focuses on.
type Park struct {
	Code, Name, NameEn string
	DistrictCode       string
	Lat, Lon           float64
	FocusChains        []string
}

// Incentive is an award for a designation. Designation "" and MinYear 0
// are stored as absent.
type Incentive struct {
	Code, Name, NameEn string
	AmountYuan         int
	Designation        string
	LocalOnly          bool
	MinYear            int
}

// Enterprise is a firm. DistrictCode, ParkCode and HomeCity are "" when
// they do not apply (non-local firms have no district; local firms no home
// city); HasLocation false means no location.
type Enterprise struct {
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

// Grant is a designation an enterprise holds since Year.
type Grant struct {
	USCC        string
	Designation string
	Year        int
}

// Offer is a product an enterprise makes.
type Offer struct {
	USCC, ProductCode string
	AnnualCapacity    float64
	Unit              string
}

// Need is a product an enterprise buys.
type Need struct {
	USCC, ProductCode string
	AnnualVolume      float64
	Unit              string
}

// Supply says Supplier supplies Customer with ProductCode ("" when not
// about one product) since Since (0 = unknown).
type Supply struct {
	SupplierUSCC, CustomerUSCC string
	ProductCode                string
	Since                      int
}

// LoadStats reports what a bulk load wrote: rows sent (each row created or
// updated one node or relationship, or matched an identical one), the
// number of statements, whether it took the fresh-graph path (CREATE
// into a graph without any of the loaded labels), how many batches the driver had to run again after a
// transient error such as a deadlock, and how long it took (including
// rebuilding the full-text index).
type LoadStats struct {
	NodeRows         int
	RelationshipRows int
	Statements       int
	Fresh            bool
	Reruns           int
	Duration         time.Duration
}

// RelationshipsPerSecond is the load's relationship throughput.
func (s LoadStats) RelationshipsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.RelationshipRows) / s.Duration.Seconds()
}
