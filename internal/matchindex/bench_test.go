package matchindex

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"chainmatch/internal/match"
)

// benchState is a synthetic index state for the benchmarks, built once
// per size.
type benchState struct {
	st     *state
	askers []int32
	// load is the time to put every firm, index the time to build the
	// streams; stateBytes and streamBytes the heap they hold after GC.
	load, index             time.Duration
	stateBytes, streamBytes uint64
}

var benchStates = map[int]*benchState{}

func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// benchStateOf builds (once) n synthetic firms shaped like Jiaxing's over
// the demo catalogue (synthFirms) and picks 2,000 local askers with a
// location and needs.
func benchStateOf(n int) *benchState {
	if bs, ok := benchStates[n]; ok {
		return bs
	}
	for k := range benchStates { // one size in memory at a time
		delete(benchStates, k)
	}
	cat := demoCatalog()
	base := heapAfterGC()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	firms := synthFirms(rng, cat, synthShape{n: n})
	bs := &benchState{}
	start := time.Now()
	st := newState(Head{Seq: 1, Epoch: "bench"}, cat)
	for _, f := range firms {
		st.put(f)
	}
	bs.load = time.Since(start)
	firms = nil
	mid := heapAfterGC()
	start = time.Now()
	st.indexAll()
	bs.index = time.Since(start)
	bs.stateBytes, bs.streamBytes = mid-base, heapAfterGC()-mid
	bs.st = st
	for len(bs.askers) < 2000 {
		id := int32(rng.IntN(len(st.firms)))
		if f := &st.firms[id]; f.present && f.isLocal && f.hasLoc && len(st.needsOf(id)) > 0 {
			bs.askers = append(bs.askers, id)
		}
	}
	benchStates[n] = bs
	return bs
}

// BenchmarkCandidates compares the linear path and the streams on one
// default supplier query per operation (the asker's needs, local only,
// 100 per product and fit, default weights): "product" asks for the very
// product only (the service's first statement), "all" for every fit.
// Run: go test ./internal/matchindex -run '^$' -bench Candidates -benchtime 200x
// supplierQuery is the service's default supplier query of asker a: its
// needs, local firms only, CandidatesPerKind per product and fit.
func supplierQuery(st *state, a int32, rank match.RankKey) match.CandidateQuery {
	q := match.CandidateQuery{Kind: match.Suppliers, AskerUSCC: st.usccOf(a), LocalOnly: true,
		PerKind: match.CandidatesPerKind, Rank: rank}
	for _, h := range st.needsOf(a) {
		q.ProductCodes = append(q.ProductCodes, st.products[h.prod].code)
	}
	return q
}

func BenchmarkCandidates(b *testing.B) {
	rank := defaultRank()
	for _, n := range []int{100_000, 1_000_000} {
		for _, fits := range []string{"product", "all"} {
			for _, path := range []string{"linear", "stream"} {
				b.Run(fmt.Sprintf("firms=%d/fits=%s/%s", n, fits, path), func(b *testing.B) {
					bs := benchStateOf(n)
					st := bs.st
					b.ReportAllocs()
					b.ResetTimer()
					for i := range b.N {
						a := bs.askers[i%len(bs.askers)]
						q := supplierQuery(st, a, rank)
						if fits == "product" {
							q.Fits = []match.Fit{match.FitProduct}
						}
						if cs := st.candidatesBy(q, path == "stream"); len(cs) == 0 {
							b.Fatal("no candidates")
						}
					}
					b.StopTimer()
					// After the loop: ResetTimer clears reported metrics.
					b.ReportMetric(float64(bs.stateBytes)/float64(n), "state-B/firm")
					b.ReportMetric(float64(bs.streamBytes)/float64(n), "streams-B/firm")
					b.ReportMetric(bs.load.Seconds(), "load-s")
					b.ReportMetric(bs.index.Seconds(), "index-s")
				})
			}
		}
		b.Run(fmt.Sprintf("firms=%d/gc", n), func(b *testing.B) {
			// A full collection with the state live: what every GC cycle
			// of a serving replica spends marking the index.
			bs := benchStateOf(n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				runtime.GC()
			}
			b.StopTimer()
			runtime.KeepAlive(bs.st)
		})
		b.Run(fmt.Sprintf("firms=%d/walk", n), func(b *testing.B) {
			// The very-product walk alone, with how many tree points it
			// looked at and how many holders the linear path would key.
			bs := benchStateOf(n)
			st := bs.st
			visited, holders := 0, 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				a := bs.askers[i%len(bs.askers)]
				q := supplierQuery(st, a, rank)
				r := st.rankerFor(q, a, sideMakes)
				for _, h := range st.needsOf(a) {
					r.top([]int32{h.prod}, q.PerKind, nil)
					holders += len(st.products[h.prod].makers)
				}
				visited += r.visited
			}
			b.StopTimer()
			b.ReportMetric(float64(visited)/float64(b.N), "points/op")
			b.ReportMetric(float64(holders)/float64(b.N), "holders/op")
		})
		for _, path := range []string{"linear", "stream"} {
			b.Run(fmt.Sprintf("firms=%d/gap/%s", n, path), func(b *testing.B) {
				bs := benchStateOf(n)
				st := bs.st
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					codes := []string{st.products[i%len(st.products)].code, st.products[(i*7+3)%len(st.products)].code}
					if gs := st.gapCandidatesBy(codes, match.JiaxingCentre, match.CandidatesPerKind, path == "stream"); len(gs) == 0 {
						b.Fatal("no gap candidates")
					}
				}
			})
		}
	}
}
