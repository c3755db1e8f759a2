package matchindex

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// Streams: the top-n of a candidate branch without walking every holder.
//
// The rank key of a candidate is w_p·proximity(d) + w_q·q(designations),
// proximity non-increasing in the distance d. The holders of a product on
// one side (makers or buyers) are split into streams by (isLocal,
// designation set): within a stream q is the same for every firm, so the
// key order is the distance order. A stream keeps its located firms in a
// static KD-tree over unit vectors (3D bounding boxes give a rigorous lower
// bound on the distance of everything below a node) and its unlocated
// firms in USCC order (one constant key). A query walks each stream
// best-first and yields its firms in exact (key desc, USCC asc) order; a
// k-way merge over the streams of a branch then yields the branch's firms
// in the statement's order, and the caller keeps the first n that pass the
// filters. Streams whose best possible key cannot reach the n-th firm are
// never opened.
//
// Writes do not rebuild trees: a (product, side, firm) fact that is new or
// changed goes to the stream's overflow list (merged in at query time); an
// entry whose firm changed (generation), no longer holds the product or is
// gone is skipped when met. A stream with too many overflow or stale
// entries is rebuilt at the end of the catch-up (state.maintain).

// Sides of a product's holders.
const (
	sideMakes = 0
	sideNeeds = 1
)

// leafSize is the most points a KD-tree leaf holds.
const leafSize = 16

// ent is a firm in a stream as of its generation gen (state.gens at the
// time it was indexed): the entry is valid while the firm has that
// generation (same location, locality and designations, present, and it
// has lost no product since).
type ent struct {
	id  int32
	gen uint32
}

// stream is the holders of one product on one side with one (isLocal,
// designation set).
type stream struct {
	local bool
	sig   string   // sorted designations joined by NUL
	desig []string // sorted designations (for the key)

	// The located firms in KD-tree order: ll holds latitude and longitude
	// per point (as indexed: the exact distance is computed from them), pts
	// the entries; box holds 6 values per node, the bounding box of the
	// node's points as unit vectors (min x, y, z, max x, y, z). Node i
	// covers pts[lo:hi], its children 2i+1 and 2i+2 the halves [lo, mid)
	// and [mid, hi), mid = (lo+hi)/2; a node of at most leafSize points is
	// a leaf.
	ll  []float64
	pts []ent
	box []float64
	// unloc are the unlocated firms in USCC order.
	unloc []ent
	// over are entries added since the stream was built; stale counts the
	// built entries invalidated since.
	over  []ent
	stale int
}

func (s *stream) size() int { return len(s.pts) + len(s.unloc) }

// dirty reports whether the stream should be rebuilt.
func (s *stream) dirty() bool { return len(s.over)+s.stale > max(64, s.size()/20) }

// sigOf is the stream signature of a designation set.
func sigOf(ds []string) string {
	if len(ds) == 0 {
		return ""
	}
	if len(ds) == 1 {
		return ds[0]
	}
	c := slices.Clone(ds)
	slices.Sort(c)
	return strings.Join(c, "\x00")
}

func unitVector(p geo.Point) [3]float64 {
	const rad = math.Pi / 180
	lat, lon := p.Latitude*rad, p.Longitude*rad
	cl := math.Cos(lat)
	return [3]float64{cl * math.Cos(lon), cl * math.Sin(lon), math.Sin(lat)}
}

// valid reports whether e is current.
func (st *state) valid(e ent) bool { return st.gens[e.id] == e.gen }

// streamOf returns the stream of (p, side, local, sig), creating it when
// create is set (else nil when there is none).
func (st *state) streamOf(p int32, side int, local bool, sig string, desig []string, create bool) *stream {
	ss := &st.products[p].streams[side]
	for i := range *ss {
		if s := &(*ss)[i]; s.local == local && s.sig == sig {
			return s
		}
	}
	if !create {
		return nil
	}
	d := slices.Clone(desig)
	slices.Sort(d)
	*ss = append(*ss, stream{local: local, sig: sig, desig: d})
	return &(*ss)[len(*ss)-1]
}

// build makes s hold exactly es (valid, distinct entries): the located
// ones in a new KD-tree, the others in USCC order; overflow and stale
// counts start again.
func (st *state) build(s *stream, es []ent) {
	type bpt struct {
		p [3]float64
		e ent
	}
	var located []bpt
	s.unloc = s.unloc[:0]
	for _, e := range es {
		if f := &st.firms[e.id]; f.hasLoc {
			located = append(located, bpt{unitVector(f.loc), e})
		} else {
			s.unloc = append(s.unloc, e)
		}
	}
	slices.SortFunc(s.unloc, func(a, b ent) int { return strings.Compare(st.usccOf(a.id), st.usccOf(b.id)) })
	s.unloc = slices.Clip(s.unloc)
	if len(s.unloc) == 0 {
		s.unloc = nil
	}
	s.over, s.stale = nil, 0
	n := len(located)
	s.ll, s.pts, s.box = nil, nil, nil
	if n == 0 {
		return
	}
	depth := 0
	for m := n; m > leafSize; m = (m + 1) / 2 {
		depth++
	}
	s.box = make([]float64, 6*((1<<(depth+1))-1))
	var rec func(node, lo, hi int)
	rec = func(node, lo, hi int) {
		b := s.box[6*node : 6*node+6]
		for k := 0; k < 3; k++ {
			b[k], b[3+k] = math.Inf(1), math.Inf(-1)
		}
		for _, q := range located[lo:hi] {
			for k := 0; k < 3; k++ {
				b[k] = math.Min(b[k], q.p[k])
				b[3+k] = math.Max(b[3+k], q.p[k])
			}
		}
		if hi-lo <= leafSize {
			return
		}
		axis := 0
		for k := 1; k < 3; k++ {
			if b[3+k]-b[k] > b[3+axis]-b[axis] {
				axis = k
			}
		}
		mid := (lo + hi) / 2
		// Quickselect: located[lo:mid] <= located[mid] <= located[mid:hi] on axis.
		a := located[lo:hi]
		k := mid - lo
		l, r := 0, len(a)-1
		for l < r {
			pivot := a[(l+r)/2].p[axis]
			i, j := l, r
			for i <= j {
				for a[i].p[axis] < pivot {
					i++
				}
				for a[j].p[axis] > pivot {
					j--
				}
				if i <= j {
					a[i], a[j] = a[j], a[i]
					i++
					j--
				}
			}
			switch {
			case k <= j:
				r = j
			case k >= i:
				l = i
			default:
				l = r
			}
		}
		rec(2*node+1, lo, mid)
		rec(2*node+2, mid, hi)
	}
	rec(0, 0, n)
	s.ll = make([]float64, 2*n)
	s.pts = make([]ent, n)
	for i, q := range located {
		loc := st.firms[q.e.id].loc
		s.ll[2*i], s.ll[2*i+1] = loc.Latitude, loc.Longitude
		s.pts[i] = q.e
	}
}

// rebuild rebuilds s (of product p, side) from its valid entries.
func (st *state) rebuild(s *stream, p int32, side int) {
	es := make([]ent, 0, len(s.pts)+len(s.unloc)+len(s.over))
	for _, part := range [][]ent{s.pts, s.unloc, s.over} {
		for _, e := range part {
			if st.valid(e) {
				es = append(es, e)
			}
		}
	}
	slices.SortFunc(es, func(a, b ent) int { return cmp.Compare(a.id, b.id) })
	st.build(s, slices.Compact(es))
}

// indexAll builds every stream from the product lists (the end of a full
// load); from then on put and remove keep the streams.
func (st *state) indexAll() {
	sigs := map[string]int32{}
	var names []string
	sig := make([]int32, len(st.firms))
	for id := range st.firms {
		s := st.sigOfFirm(int32(id))
		i, ok := sigs[s]
		if !ok {
			i = int32(len(names))
			sigs[s] = i
			names = append(names, s)
		}
		sig[id] = i
	}
	for p := range st.products {
		for side := 0; side < 2; side++ {
			holders := st.products[p].makers
			if side == sideNeeds {
				holders = st.products[p].buyers
			}
			st.products[p].streams[side] = nil
			groups := map[[2]int32][]ent{}
			var order [][2]int32
			for _, id := range holders {
				f := &st.firms[id]
				k := [2]int32{sig[id], 0}
				if f.isLocal {
					k[1] = 1
				}
				if _, ok := groups[k]; !ok {
					order = append(order, k)
				}
				groups[k] = append(groups[k], ent{id, st.gens[id]})
			}
			for _, k := range order {
				es := groups[k]
				s := st.streamOf(int32(p), side, k[1] == 1, names[k[0]], st.desigOf(es[0].id), true)
				st.build(s, es)
			}
			st.products[p].streams[side] = slices.Clip(st.products[p].streams[side])
		}
	}
	st.indexed = true
}

// facts is what decides a firm's streams, kept across a put.
type facts struct {
	present, local, hasLoc bool
	loc                    geo.Point
	sig                    string
	prods                  [2][]int32
}

func (st *state) factsOf(id int32) facts {
	f := &st.firms[id]
	x := facts{present: f.present, local: f.isLocal, hasLoc: f.hasLoc, loc: f.loc, sig: st.sigOfFirm(id)}
	for side, hs := range [2][]holding{st.makesOf(id), st.needsOf(id)} {
		for _, h := range hs {
			if !slices.Contains(x.prods[side], h.prod) {
				x.prods[side] = append(x.prods[side], h.prod)
			}
		}
	}
	return x
}

// track updates the streams after firm id's facts changed from old: a
// firm whose location, locality or designations changed, that lost a
// product or is gone gets a new generation (its old entries turn stale)
// and new entries for everything it holds; otherwise only the products it
// gained get entries.
func (st *state) track(id int32, old facts) {
	now := st.factsOf(id)
	same := old.present && now.present && old.local == now.local && old.hasLoc == now.hasLoc &&
		old.loc == now.loc && old.sig == now.sig
	for side := 0; side < 2 && same; side++ {
		for _, p := range old.prods[side] {
			if !slices.Contains(now.prods[side], p) {
				same = false
			}
		}
	}
	if !same {
		st.gens[id]++
	}
	for side := 0; side < 2; side++ {
		if old.present {
			for _, p := range old.prods[side] {
				if same && slices.Contains(now.prods[side], p) {
					continue
				}
				if s := st.streamOf(p, side, old.local, old.sig, nil, false); s != nil {
					s.stale++
					st.touch(p, side)
				}
			}
		}
		if !now.present {
			continue
		}
		for _, p := range now.prods[side] {
			if same && slices.Contains(old.prods[side], p) {
				continue
			}
			s := st.streamOf(p, side, now.local, now.sig, st.desigOf(id), true)
			s.over = append(s.over, ent{id, st.gens[id]})
			st.touch(p, side)
		}
	}
}

func (st *state) touch(p int32, side int) {
	k := 2*p + int32(side)
	if !slices.Contains(st.touched, k) {
		st.touched = append(st.touched, k)
	}
}

// maintain rebuilds the streams touched since the last call that have
// too many overflow or stale entries.
func (st *state) maintain() {
	for _, k := range st.touched {
		p, side := k/2, int(k%2)
		for i := range st.products[p].streams[side] {
			if s := &st.products[p].streams[side][i]; s.dirty() {
				st.rebuild(s, p, side)
			}
		}
	}
	st.touched = st.touched[:0]
}

// Query side.

// ranker is what a stream walk needs of one query.
type ranker struct {
	st   *state
	side int
	at   geo.Point
	atV  [3]float64
	// gap orders by distance (value = -metres, unlocated last) instead of
	// by rank key.
	gap     bool
	w       match.Weights
	maxM    float64
	hasMax  bool
	localIs int // 0 any, 1 local only, 2 non-local only
	desig   []string
	// visited counts the tree points a walk looked at (for benchmarks).
	visited int
}

// value is the order value of a firm of s at dMeters (higher first).
func (r *ranker) value(s *stream, dMeters float64) float64 {
	if r.gap {
		return -dMeters
	}
	km := dMeters / 1000.0
	return match.ScoreKey(r.w, &km, s.desig)
}

// unlocValue is the order value of an unlocated firm of s.
func (r *ranker) unlocValue(s *stream) float64 {
	if r.gap {
		return math.Inf(-1)
	}
	return match.ScoreKey(r.w, nil, s.desig)
}

// bound is at least the value of any firm of s at lbMeters or farther.
// The margin covers float rounding (exp is not guaranteed monotone to the
// last bit); it only makes the walk expand a little more.
func (r *ranker) bound(s *stream, lbMeters float64) float64 {
	if r.gap {
		return -lbMeters
	}
	return r.value(s, lbMeters) + 1e-12
}

// lowerBound is a lower bound of distanceMeters from the query point to
// any point in node's box, never above it despite rounding.
func (r *ranker) lowerBound(box []float64) float64 {
	var d2 float64
	for k := 0; k < 3; k++ {
		v := r.atV[k]
		switch {
		case v < box[k]:
			d2 += (box[k] - v) * (box[k] - v)
		case v > box[3+k]:
			d2 += (v - box[3+k]) * (v - box[3+k])
		}
	}
	chord := math.Sqrt(d2)
	theta := 2 * math.Asin(math.Min(1, chord/2))
	lb := earthRadiusMeters*theta*(1-1e-9) - 1e-6
	return max(lb, 0)
}

// found is a firm found by a walk, with its order value.
type found struct {
	v  float64
	id int32
}

// before is the walk's order: value desc, USCC asc (the firm is looked up
// only on a tie).
func (r *ranker) before(a, b *found) bool {
	if a.v != b.v {
		return a.v > b.v
	}
	return r.st.usccOf(a.id) < r.st.usccOf(b.id)
}

type nodeRef struct {
	lb           float64
	node, lo, hi int32
}

// source yields one stream's firms in order: either the KD-tree (with the
// overflow entries) or the unlocated list.
type source struct {
	s    *stream
	p    int32
	list bool
	li   int // next index in s.unloc
	// tree walk: nodes not yet expanded (min-heap by lb), found firms not
	// yet yielded (heap by before).
	nodes []nodeRef
	ready []found
	// head: the source's next firm (cert) or an upper bound of the value
	// of every firm it can still yield (!cert).
	head found
	cert bool
	done bool
}

func (r *ranker) newTreeSource(src *source, s *stream, p int32) {
	*src = source{s: s, p: p}
	if len(s.pts) > 0 {
		lb := r.lowerBound(s.box[:6])
		if !r.hasMax || lb <= r.maxM {
			src.nodes = append(src.nodes, nodeRef{lb, 0, 0, int32(len(s.pts))})
		}
	}
	for _, e := range s.over {
		if !r.st.valid(e) {
			continue
		}
		f := &r.st.firms[e.id]
		if !f.hasLoc {
			if !r.hasMax {
				r.pushReady(src, found{r.unlocValue(s), e.id})
			}
			continue
		}
		d := distanceMeters(f.loc, r.at)
		if r.hasMax && !(d <= r.maxM) {
			continue
		}
		r.pushReady(src, found{r.value(s, d), e.id})
	}
	r.settle(src)
}

// order is a strict order for heapPush and heapPop (a type parameter, so
// that the comparison is called directly, without a closure per call).
type order[T any] interface{ less(a, b *T) bool }

// heapPush adds x to the binary min-heap h (by o).
func heapPush[T any, O order[T]](h []T, x T, o O) []T {
	h = append(h, x)
	for i := len(h) - 1; i > 0; {
		j := (i - 1) / 2
		if !o.less(&h[i], &h[j]) {
			break
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
	return h
}

// heapPop removes and returns the least element of the non-empty heap h.
func heapPop[T any, O order[T]](h []T, o O) (T, []T) {
	top, n := h[0], len(h)-1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if rr := l + 1; rr < n && o.less(&h[rr], &h[l]) {
			m = rr
		}
		if !o.less(&h[m], &h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top, h
}

// readyOrder orders found firms by the walk's order (ranker.before).
type readyOrder struct{ r *ranker }

func (o readyOrder) less(a, b *found) bool { return o.r.before(a, b) }

// nodeOrder orders tree nodes by lower bound.
type nodeOrder struct{}

func (nodeOrder) less(a, b *nodeRef) bool { return a.lb < b.lb }

func (r *ranker) pushReady(src *source, x found) {
	src.ready = heapPush(src.ready, x, readyOrder{r})
}

func (r *ranker) popReady(src *source) found {
	top, h := heapPop(src.ready, readyOrder{r})
	src.ready = h
	return top
}

func (src *source) pushNode(x nodeRef) { src.nodes = heapPush(src.nodes, x, nodeOrder{}) }

func (src *source) popNode() nodeRef {
	top, h := heapPop(src.nodes, nodeOrder{})
	src.nodes = h
	return top
}

// settle sets src's head: the next firm when it is certain (its value is
// above the bound of everything not yet found), else the bound.
func (r *ranker) settle(src *source) {
	if src.list {
		for src.li < len(src.s.unloc) {
			e := src.s.unloc[src.li]
			if r.st.valid(e) {
				src.head, src.cert = found{r.unlocValue(src.s), e.id}, true
				return
			}
			src.li++
		}
		src.done = true
		return
	}
	if len(src.nodes) == 0 {
		if len(src.ready) == 0 {
			src.done = true
			return
		}
		src.head, src.cert = src.ready[0], true
		return
	}
	b := r.bound(src.s, src.nodes[0].lb)
	if len(src.ready) > 0 && src.ready[0].v > b {
		src.head, src.cert = src.ready[0], true
		return
	}
	src.head, src.cert = found{v: b}, false
}

// step expands src's nearest node.
func (r *ranker) step(src *source) {
	nd := src.popNode()
	s := src.s
	if nd.hi-nd.lo <= leafSize {
		r.visited += int(nd.hi - nd.lo)
		for i := nd.lo; i < nd.hi; i++ {
			e := s.pts[i]
			if !r.st.valid(e) {
				continue
			}
			d := distanceMeters(geo.Point{Latitude: s.ll[2*i], Longitude: s.ll[2*i+1]}, r.at)
			if r.hasMax && !(d <= r.maxM) {
				continue
			}
			r.pushReady(src, found{r.value(s, d), e.id})
		}
	} else {
		mid := (nd.lo + nd.hi) / 2
		for c, span := range [2][2]int32{{nd.lo, mid}, {mid, nd.hi}} {
			node := 2*nd.node + 1 + int32(c)
			lb := r.lowerBound(s.box[6*node : 6*node+6])
			if r.hasMax && lb > r.maxM {
				continue
			}
			src.pushNode(nodeRef{lb, node, span[0], span[1]})
		}
	}
	r.settle(src)
}

// next yields src's head (certain) and settles the next one.
func (r *ranker) next(src *source) found {
	x := src.head
	if src.list {
		src.li++
	} else {
		r.popReady(src)
	}
	r.settle(src)
	return x
}

// sourceBefore orders the merge: value desc; at equal value a bound comes
// before a firm (it may hide a firm with a smaller USCC); firms by USCC.
func (r *ranker) sourceBefore(a, b *source) bool {
	if a.head.v != b.head.v {
		return a.head.v > b.head.v
	}
	if a.cert != b.cert {
		return !a.cert
	}
	return a.cert && r.st.usccOf(a.head.id) < r.st.usccOf(b.head.id)
}

// sources opens the streams of products ps on r.side that can hold a firm
// passing r's stream-level filters.
func (r *ranker) sources(ps []int32) []*source {
	n := 0
	for _, p := range ps {
		n += 2 * len(r.st.products[p].streams[r.side])
	}
	backing := make([]source, 0, n) // one allocation for every source
	var out []*source
	for _, p := range ps {
		for i := range r.st.products[p].streams[r.side] {
			s := &r.st.products[p].streams[r.side][i]
			if (r.localIs == 1 && !s.local) || (r.localIs == 2 && s.local) {
				continue
			}
			if len(r.desig) > 0 && !slices.ContainsFunc(s.desig, func(d string) bool { return slices.Contains(r.desig, d) }) {
				continue
			}
			backing = append(backing, source{})
			src := &backing[len(backing)-1]
			if r.newTreeSource(src, s, p); !src.done {
				out = append(out, src)
			}
			if len(s.unloc) > 0 && !r.hasMax {
				backing = append(backing, source{s: s, p: p, list: true})
				src := &backing[len(backing)-1]
				if r.settle(src); !src.done {
					out = append(out, src)
				}
			}
		}
	}
	return out
}

// top returns the first n distinct firms of products ps (holders on
// r.side) in (value desc, USCC asc) order that pass (nil: all).
func (r *ranker) top(ps []int32, n int, pass func(int32) bool) []int32 {
	if n <= 0 {
		return nil
	}
	h := r.sources(ps)
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if rr := l + 1; rr < len(h) && r.sourceBefore(h[rr], h[l]) {
				m = rr
			}
			if !r.sourceBefore(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var out []int32
	last := int32(-1)
	for len(h) > 0 && len(out) < n {
		src := h[0]
		if !src.cert {
			r.step(src)
		} else {
			x := r.next(src)
			// A firm reached through several streams (several products,
			// or a re-added entry) comes out with the same value and USCC,
			// so next to itself.
			if x.id != last {
				last = x.id
				if pass == nil || pass(x.id) {
					out = append(out, x.id)
				}
			}
		}
		if src.done {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return out
}
