package matchindex

import (
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"unsafe"

	"chainmatch/internal/geo"
)

// state is one snapshot of the match facts, mutated in place by catch-ups
// under Index.mu. Firms, products, segments and chains are addressed by
// dense int32 ids; a firm id, once given to a USCC, stays (a deleted firm
// is kept as not present, with no facts).
//
// The firm records hold no Go pointers: USCCs live in one byte arena,
// holdings and supply ties in two arenas addressed by spans, parks, units
// and designation sets in small intern tables, and the USCC lookup is a
// map from a 64-bit hash. At a million firms the garbage collector then
// marks a few dozen large pointer-free blocks instead of tens of millions
// of strings and slices on every cycle (docs/matching.md, "Memory").
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
	local []bool
	// present counts the firms that exist.
	present int

	// text holds every firm's USCC (append only: a firm id keeps its USCC).
	text []byte
	// byHash finds a firm id by maphash of its USCC; a USCC whose hash
	// another already has is in clash (with 64-bit hashes: practically
	// never, but then still exact).
	seed   maphash.Seed
	byHash map[uint64]int32
	clash  map[string]int32
	// holds are the firms' makes and needs, ties their supply ties.
	holds arena[holding]
	ties  arena[int32]
	// parks, units and dsets (designation lists) are interned; index 0 is
	// none (the empty list for dsets).
	parks, units strTable
	dsets        []dset
	dsetID       map[string]int32

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

// firm is one enterprise's match facts (no Go pointers: see state).
type firm struct {
	uscc    strRef
	present bool
	isLocal bool
	hasLoc  bool
	loc     geo.Point
	park    int32 // in state.parks, 0: none
	desig   int32 // in state.dsets, 0: none
	makes   span  // in state.holds
	needs   span
	// out are the firms it supplies, in those supplying it: distinct ids,
	// sorted (in state.ties).
	out, in span
}

// strRef is a string in state.text.
type strRef struct{ off, n uint32 }

// holding is a product held with its amount and unit (in state.units, 0:
// none).
type holding struct {
	prod      int32
	unit      int32
	hasAmount bool
	amount    float64
}

// dset is an interned designation list: as stored (list) and its stream
// signature (sorted, joined by NUL).
type dset struct {
	list []string
	sig  string
}

// strTable interns strings; index 0 is none.
type strTable struct {
	s  []string
	id map[string]int32
}

func (t *strTable) intern(v *string) int32 {
	if v == nil {
		return 0
	}
	if t.id == nil {
		t.s, t.id = []string{""}, map[string]int32{}
	}
	if i, ok := t.id[*v]; ok {
		return i
	}
	i := int32(len(t.s))
	t.s = append(t.s, *v)
	t.id[*v] = i
	return i
}

// get returns a new pointer to string i, nil for 0.
func (t *strTable) get(i int32) *string {
	if i == 0 {
		return nil
	}
	v := t.s[i]
	return &v
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
	st := &state{seq: h.Seq, epoch: h.Epoch, seed: maphash.MakeSeed(), byHash: map[uint64]int32{},
		clash: map[string]int32{}, dsets: []dset{{}}, dsetID: map[string]int32{"": 0},
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

// Reading a firm's facts.

// usccOf is firm id's USCC, a view of state.text (the arena's bytes never
// change; results handed out of the package are copies).
func (st *state) usccOf(id int32) string {
	r := st.firms[id].uscc
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&st.text[r.off], r.n)
}

func (st *state) makesOf(id int32) []holding { return st.holds.of(st.firms[id].makes) }
func (st *state) needsOf(id int32) []holding { return st.holds.of(st.firms[id].needs) }
func (st *state) outOf(id int32) []int32     { return st.ties.of(st.firms[id].out) }
func (st *state) inOf(id int32) []int32      { return st.ties.of(st.firms[id].in) }

// desigOf is firm id's designations as stored (shared: clone to hand out).
func (st *state) desigOf(id int32) []string { return st.dsets[st.firms[id].desig].list }

// sigOfFirm is the stream signature of firm id's designations.
func (st *state) sigOfFirm(id int32) string { return st.dsets[st.firms[id].desig].sig }

// amountOf and unitOf give a holding's amount and unit as new pointers.
func (st *state) amountOf(h *holding) *float64 {
	if !h.hasAmount {
		return nil
	}
	v := h.amount
	return &v
}

func (st *state) unitOf(h *holding) *string { return st.units.get(h.unit) }

// lookup finds the id of uscc.
func (st *state) lookup(uscc string) (int32, bool) {
	if id, ok := st.byHash[maphash.String(st.seed, uscc)]; ok && st.usccOf(id) == uscc {
		return id, true
	}
	id, ok := st.clash[uscc]
	return id, ok
}

// firmID returns the id of uscc, giving a new (not present) one when the
// snapshot has none yet.
func (st *state) firmID(uscc string) int32 {
	if id, ok := st.lookup(uscc); ok {
		return id
	}
	id := int32(len(st.firms))
	ref := strRef{off: uint32(len(st.text)), n: uint32(len(uscc))}
	st.text = append(st.text, uscc...)
	st.firms = append(st.firms, firm{uscc: ref})
	st.gens = append(st.gens, 0)
	st.local = append(st.local, false)
	if h := maphash.String(st.seed, uscc); !hasKey(st.byHash, h) {
		st.byHash[h] = id
	} else {
		st.clash[uscc] = id
	}
	return id
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// dsetOf interns a designation list.
func (st *state) dsetOf(ds []string) int32 {
	if len(ds) == 0 {
		return 0
	}
	k := strings.Join(ds, "\x00")
	if i, ok := st.dsetID[k]; ok {
		return i
	}
	i := int32(len(st.dsets))
	st.dsets = append(st.dsets, dset{list: slices.Clone(ds), sig: sigOf(ds)})
	st.dsetID[k] = i
	return i
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
	n.park = st.parks.intern(f.Park)
	n.desig = st.dsetOf(f.Designations)
	st.holds.set(&n.makes, makes)
	st.holds.set(&n.needs, needs)
	st.ties.set(&n.out, out)
	st.ties.set(&n.in, in)
	for _, x := range out {
		insertSorted(&st.ties, &st.firms[x].in, id)
	}
	for _, x := range in {
		insertSorted(&st.ties, &st.firms[x].out, id)
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
	st.tidy()
}

// remove drops a firm that no longer exists.
func (st *state) remove(uscc string) {
	if id, ok := st.lookup(uscc); ok {
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
		st.tidy()
	}
}

// detach takes firm id out of the product lists and its neighbours' ties;
// with gone it also forgets the firm's facts. The firm's spans keep their
// room for the next put.
func (st *state) detach(id int32, gone bool) {
	n := &st.firms[id]
	local := 0
	if n.present && n.isLocal {
		local = 1
	}
	for _, h := range st.holds.of(n.makes) {
		p := &st.products[h.prod]
		if deleteID(&p.makers, id) {
			p.localMakers -= local
		}
	}
	for _, h := range st.holds.of(n.needs) {
		p := &st.products[h.prod]
		if deleteID(&p.buyers, id) {
			p.localBuyers -= local
		}
	}
	for _, x := range st.ties.of(n.out) {
		deleteSorted(&st.ties, &st.firms[x].in, id)
	}
	for _, x := range st.ties.of(n.in) {
		deleteSorted(&st.ties, &st.firms[x].out, id)
	}
	n.out.n, n.in.n, n.makes.n, n.needs.n = 0, 0, 0, 0
	if gone {
		*n = firm{uscc: n.uscc, makes: n.makes, needs: n.needs, out: n.out, in: n.in}
		st.local[id] = false
	}
}

// tidy compacts an arena that is more than half dead space.
func (st *state) tidy() {
	if st.holds.bloated() {
		st.holds.compact(func(yield func(*span)) {
			for i := range st.firms {
				yield(&st.firms[i].makes)
				yield(&st.firms[i].needs)
			}
		})
	}
	if st.ties.bloated() {
		st.ties.compact(func(yield func(*span)) {
			for i := range st.firms {
				yield(&st.firms[i].out)
				yield(&st.firms[i].in)
			}
		})
	}
}

// holdings maps products by code; a product missing from the catalogue
// is left out (it cannot be matched by code either).
func (st *state) holdings(hs []Holding) []holding {
	out := make([]holding, 0, len(hs))
	for _, h := range hs {
		if p, ok := st.prodByKey[h.Product]; ok {
			x := holding{prod: p, unit: st.units.intern(h.Unit), hasAmount: h.Amount != nil}
			if x.hasAmount {
				x.amount = *h.Amount
			}
			out = append(out, x)
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
