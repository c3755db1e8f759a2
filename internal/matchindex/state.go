package matchindex

import (
	"math"
	"slices"

	"chainmatch/internal/geo"
)

// state is one snapshot of the match facts, mutated in place by catch-ups
// under Index.mu. Firms, products, segments and chains are addressed by
// dense int32 ids; a firm id, once given to a USCC, stays (a deleted firm
// is kept as not present, with no facts).
type state struct {
	seq   int64
	epoch string

	firms []firm
	// gens is each firm's generation: it changes whenever the firm's
	// stream (isLocal, designations) or location changes, it stops holding
	// a product, or it is removed; stream entries of an older generation
	// are stale (stream.go). Apart from firms, so that checking an entry
	// touches 4 bytes, not the firm.
	gens []uint32
	// local is, per firm id, whether the firm exists and is local: the
	// firms' isLocal in one byte each, so that counting the local firms of a
	// list (a gap candidate's local customers) stays in the caches instead
	// of reading a firm record per id.
	local  []bool
	byUSCC map[string]int32
	// present counts the firms that exist.
	present int

	products  []product
	prodByKey map[string]int32
	segments  []segment
	segByKey  map[string]int32
	chains    []chainNode
	chainKey  map[string]int32

	// indexed is set once the streams are built (stream.go); from then on
	// put and remove keep them, and touched lists the (2·product + side)
	// streams changed since the last maintain.
	indexed bool
	touched []int32
}

// firm is one enterprise's match facts.
type firm struct {
	uscc         string
	present      bool
	isLocal      bool
	hasLoc       bool
	loc          geo.Point
	park         *string
	designations []string
	makes, needs []holding
	// out are the firms it supplies, in those supplying it: distinct ids,
	// sorted.
	out, in []int32
}

type holding struct {
	prod   int32
	amount *float64
	unit   *string
}

type product struct {
	code, name string
	nameEn     *string
	segs       []int32
	// makers and buyers are the present firms with a MAKES (NEEDS) edge to
	// the product: distinct ids.
	makers, buyers []int32
	// localMakers and localBuyers count the local firms among makers and
	// buyers (chain gap statistics read them without walking the lists).
	localMakers, localBuyers int
	// streams are the makers [sideMakes] and buyers [sideNeeds] by stream
	// (stream.go).
	streams [2][]stream
}

type segment struct {
	code     string
	position *float64
	chains   []int32
	products []int32
}

type chainNode struct {
	code string
	segs []int32
}

// newState builds the catalogue part of a snapshot.
func newState(h Head, c Catalog) *state {
	st := &state{seq: h.Seq, epoch: h.Epoch, byUSCC: map[string]int32{},
		prodByKey: map[string]int32{}, segByKey: map[string]int32{}, chainKey: map[string]int32{}}
	for _, code := range c.Chains {
		if _, ok := st.chainKey[code]; !ok {
			st.chainKey[code] = int32(len(st.chains))
			st.chains = append(st.chains, chainNode{code: code})
		}
	}
	for _, s := range c.Segments {
		if _, ok := st.segByKey[s.Code]; ok {
			continue
		}
		id := int32(len(st.segments))
		st.segByKey[s.Code] = id
		sg := segment{code: s.Code, position: s.Position}
		for _, ch := range s.Chains {
			if ci, ok := st.chainKey[ch]; ok {
				sg.chains = append(sg.chains, ci)
				st.chains[ci].segs = append(st.chains[ci].segs, id)
			}
		}
		st.segments = append(st.segments, sg)
	}
	for _, p := range c.Products {
		if _, ok := st.prodByKey[p.Code]; ok {
			continue
		}
		id := int32(len(st.products))
		st.prodByKey[p.Code] = id
		pr := product{code: p.Code, name: p.Name, nameEn: p.NameEn}
		for _, s := range p.Segments {
			if si, ok := st.segByKey[s]; ok {
				pr.segs = append(pr.segs, si)
				st.segments[si].products = append(st.segments[si].products, id)
			}
		}
		st.products = append(st.products, pr)
	}
	return st
}

// firmID returns the id of uscc, giving a new (not present) one when the
// snapshot has none yet.
func (st *state) firmID(uscc string) int32 {
	if id, ok := st.byUSCC[uscc]; ok {
		return id
	}
	id := int32(len(st.firms))
	st.byUSCC[uscc] = id
	st.firms = append(st.firms, firm{uscc: uscc})
	st.gens = append(st.gens, 0)
	st.local = append(st.local, false)
	return id
}

// put replaces the facts of f.USCC by f; the reverse supply ties of the
// firms it gained or lost are updated so that out and in stay mirrors.
func (st *state) put(f Firm) {
	id := st.firmID(f.USCC)
	out := st.ids(f.Customers) // may grow st.firms: take pointers after
	in := st.ids(f.Suppliers)
	makes, needs := st.holdings(f.Makes), st.holdings(f.Needs)
	var old facts
	if st.indexed {
		old = st.factsOf(id)
	}
	st.detach(id, false)
	n := &st.firms[id]
	if !n.present {
		st.present++
	}
	n.present = true
	n.isLocal = f.IsLocal
	st.local[id] = f.IsLocal
	n.hasLoc = f.Location != nil
	n.loc = geo.Point{}
	if n.hasLoc {
		n.loc = *f.Location
	}
	n.park = f.Park
	n.designations = slices.Clip(f.Designations)
	n.makes, n.needs, n.out, n.in = makes, needs, out, in
	for _, x := range out {
		st.firms[x].in = insertID(st.firms[x].in, id)
	}
	for _, x := range in {
		st.firms[x].out = insertID(st.firms[x].out, id)
	}
	local := 0
	if n.isLocal {
		local = 1
	}
	for _, h := range makes {
		p := &st.products[h.prod]
		if added := appendOnce(&p.makers, id); added {
			p.localMakers += local
		}
	}
	for _, h := range needs {
		p := &st.products[h.prod]
		if added := appendOnce(&p.buyers, id); added {
			p.localBuyers += local
		}
	}
	if st.indexed {
		st.track(id, old)
	}
}

// remove drops a firm that no longer exists.
func (st *state) remove(uscc string) {
	if id, ok := st.byUSCC[uscc]; ok {
		if st.firms[id].present {
			st.present--
		}
		var old facts
		if st.indexed {
			old = st.factsOf(id)
		}
		st.detach(id, true)
		if st.indexed {
			st.track(id, old)
		}
	}
}

// detach takes firm id out of the product lists and its neighbours' ties;
// with gone it also forgets the firm's facts.
func (st *state) detach(id int32, gone bool) {
	n := &st.firms[id]
	local := 0
	if n.present && n.isLocal {
		local = 1
	}
	for _, h := range n.makes {
		p := &st.products[h.prod]
		if deleteID(&p.makers, id) {
			p.localMakers -= local
		}
	}
	for _, h := range n.needs {
		p := &st.products[h.prod]
		if deleteID(&p.buyers, id) {
			p.localBuyers -= local
		}
	}
	for _, x := range n.out {
		st.firms[x].in = deleteSorted(st.firms[x].in, id)
	}
	for _, x := range n.in {
		st.firms[x].out = deleteSorted(st.firms[x].out, id)
	}
	n.out, n.in, n.makes, n.needs = nil, nil, nil, nil
	if gone {
		*n = firm{uscc: n.uscc}
		st.local[id] = false
	}
}

// holdings maps products by code; a product missing from the catalogue
// is left out (it cannot be matched by code either).
func (st *state) holdings(hs []Holding) []holding {
	out := make([]holding, 0, len(hs))
	for _, h := range hs {
		if p, ok := st.prodByKey[h.Product]; ok {
			out = append(out, holding{prod: p, amount: h.Amount, unit: h.Unit})
		}
	}
	return out
}

// ids maps USCCs to sorted distinct firm ids.
func (st *state) ids(usccs []string) []int32 {
	out := make([]int32, 0, len(usccs))
	for _, u := range usccs {
		out = append(out, st.firmID(u))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func insertID(s []int32, id int32) []int32 {
	i, found := slices.BinarySearch(s, id)
	if found {
		return s
	}
	return slices.Insert(s, i, id)
}

func deleteSorted(s []int32, id int32) []int32 {
	if i, found := slices.BinarySearch(s, id); found {
		return slices.Delete(s, i, i+1)
	}
	return s
}

// appendOnce appends the firm id to the holder list *s unless it is its
// last entry, and reports whether it did. put appends a firm's ids right
// after detach took every earlier one out, so a firm is already in the list
// only when it holds the product twice, and then it is the last entry: no
// walk of the list (which made loading a million firms quadratic).
func appendOnce(s *[]int32, id int32) bool {
	if n := len(*s); n > 0 && (*s)[n-1] == id {
		return false
	}
	*s = append(*s, id)
	return true
}

// deleteID removes id from *s and reports whether it was there.
func deleteID(s *[]int32, id int32) bool {
	if i := slices.Index(*s, id); i >= 0 {
		*s = slices.Delete(*s, i, i+1)
		return true
	}
	return false
}

func containsSorted(s []int32, id int32) bool {
	_, found := slices.BinarySearch(s, id)
	return found
}

// earthRadiusMeters is the sphere of Neo4j's point.distance for WGS-84
// points (its haversine; TestDistanceAsNeo4j holds the two together).
const earthRadiusMeters = 6378140.0

// distanceMeters is point.distance(a, b) as Neo4j computes it.
func distanceMeters(a, b geo.Point) float64 {
	const rad = math.Pi / 180
	lat1, lat2 := a.Latitude*rad, b.Latitude*rad
	dLat := lat2 - lat1
	dLon := (b.Longitude - a.Longitude) * rad
	sLat, sLon := math.Sin(dLat/2), math.Sin(dLon/2)
	alpha := sLat*sLat + math.Cos(lat1)*math.Cos(lat2)*sLon*sLon
	return earthRadiusMeters * 2 * math.Atan2(math.Sqrt(alpha), math.Sqrt(1-alpha))
}
