// Command matchlatency measures the latency and Cypher round trips of every
// matchmaking and chain-analytics operation of internal/match against a
// real Neo4j, optionally after loading the demo graph at a given scale:
//
//	NEO4J_URI=bolt://127.0.0.1:7693 go run ./bench/matchlatency -load -scale 100000
//
// It times the service calls (the Cypher and the scoring, not GraphQL
// encoding) for a sample of askers and prints p50/p95/max per operation.
// The figures in docs/matching.md come from it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"chainmatch/internal/demo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	"chainmatch/internal/matchindex"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "matchlatency:", err)
		os.Exit(1)
	}
}

func run() error {
	load := flag.Bool("load", false, "wipe the database and load the demo graph first")
	scale := flag.Int("scale", 100000, "demo enterprises to load with -load")
	samples := flag.Int("n", 20, "askers sampled per operation")
	neo4jPID := flag.Int("neo4j-pid", 0, "Neo4j's process id: also report its CPU time per call (from /proc)")
	only := flag.String("ops", "", "comma-separated operation name prefixes to run (default all)")
	useIndex := flag.Bool("index", false, "answer matches from the in-process match index (package matchindex), loaded first; reports its load time and heap bytes per firm")
	flag.Parse()
	ctx := context.Background()

	s, err := neo4jstore.Open(neo4jtest.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	g := demo.Generate(demo.Options{Scale: *scale})
	if *load {
		start := time.Now()
		st, err := demo.Load(ctx, s, demo.Options{Scale: *scale, Reset: true})
		if err != nil {
			return err
		}
		fmt.Printf("loaded %d node rows, %d relationship rows in %s\n", st.NodeRows, st.RelationshipRows, time.Since(start).Round(time.Second))
	}
	var ms match.Storer = s
	if *useIndex {
		ix := matchindex.New(s, s, matchindex.Config{Poll: time.Hour})
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		if err := ix.Refresh(ctx); err != nil {
			return err
		}
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := ix.Stats()
		grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		fmt.Printf("match index: %d firms loaded in %s; heap %+d bytes (%d bytes per firm)\n",
			st.Firms, took.Round(time.Millisecond), grown, grown/int64(max(1, st.Firms)))
		ms = ix
		defer runtime.KeepAlive(ix)
	}
	svc, err := match.NewService(ms, match.DefaultWeights())
	if err != nil {
		return err
	}

	// Sample askers deterministically from the generated graph: local firms
	// that need and make something, non-local visitors, and supply pairs.
	needs, makes := map[string]bool{}, map[string]bool{}
	for _, n := range g.Needs {
		needs[n.USCC] = true
	}
	for _, m := range g.Makes {
		makes[m.USCC] = true
	}
	var locals, visitors []string
	for _, e := range g.Enterprises {
		switch {
		case e.IsLocal && needs[e.USCC] && makes[e.USCC] && len(locals) < *samples:
			locals = append(locals, e.USCC)
		case !e.IsLocal && makes[e.USCC] && len(visitors) < *samples:
			visitors = append(visitors, e.USCC)
		}
	}
	// Supply pairs two hops apart (a -> b -> c), so that paths exist.
	out := map[string][]string{}
	for _, r := range g.Supplies {
		out[r.SupplierUSCC] = append(out[r.SupplierUSCC], r.CustomerUSCC)
	}
	var pairs [][2]string
	for _, r := range g.Supplies {
		if next := out[r.CustomerUSCC]; len(next) > 0 && next[0] != r.SupplierUSCC && len(pairs) < *samples {
			pairs = append(pairs, [2]string{r.SupplierUSCC, next[0]})
		}
	}
	var chains []string
	for _, c := range g.Chains {
		chains = append(chains, c.Code)
	}
	fmt.Printf("graph: %d enterprises; samples: %d local askers, %d visitors, %d path pairs, %d chains\n",
		len(g.Enterprises), len(locals), len(visitors), len(pairs), len(chains))

	e := func(u string) string { return gid.Encode(gid.Enterprise, u) }
	ops := []struct {
		name string
		keys []string
		call func(ctx context.Context, key string) (int, error)
	}{
		{"supplierMatches", locals, func(ctx context.Context, k string) (int, error) {
			ms, err := svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: e(k)})
			return len(ms), err
		}},
		{"supplierMatches(maxDistanceKm:20, localOnly:false)", locals, func(ctx context.Context, k string) (int, error) {
			d, f := 20.0, false
			ms, err := svc.SupplierMatches(ctx, match.MatchQuery{EnterpriseID: e(k), MaxDistanceKm: &d, LocalOnly: &f})
			return len(ms), err
		}},
		{"customerMatches", locals, func(ctx context.Context, k string) (int, error) {
			ms, err := svc.CustomerMatches(ctx, match.MatchQuery{EnterpriseID: e(k)})
			return len(ms), err
		}},
		{"partnerMatches", locals, func(ctx context.Context, k string) (int, error) {
			ms, err := svc.PartnerMatches(ctx, match.MatchQuery{EnterpriseID: e(k)})
			return len(ms), err
		}},
		{"chainGaps(first:20) + candidates(first:5)", chains, func(ctx context.Context, k string) (int, error) {
			gs, err := svc.ChainGaps(ctx, gid.Encode(gid.Chain, k), nil, 5)
			return len(gs), err
		}},
		{"settlementOptions", visitors, func(ctx context.Context, k string) (int, error) {
			os, err := svc.SettlementOptions(ctx, e(k), nil)
			return len(os), err
		}},
		{"supplyPaths(maxHops:4)", pairKeys(pairs), func(ctx context.Context, k string) (int, error) {
			from, to := k[:18], k[18:]
			ps, err := svc.SupplyPaths(ctx, e(from), e(to), nil, nil)
			return len(ps), err
		}},
		{"supplyPaths(maxHops:6)", pairKeys(pairs), func(ctx context.Context, k string) (int, error) {
			from, to := k[:18], k[18:]
			six := 6
			ps, err := svc.SupplyPaths(ctx, e(from), e(to), &six, nil)
			return len(ps), err
		}},
		{"incentivesFor", locals, func(ctx context.Context, k string) (int, error) {
			is, err := svc.IncentivesFor(ctx, e(k))
			return len(is), err
		}},
		{"cultivationProgress", locals[:min(5, len(locals))], func(ctx context.Context, _ string) (int, error) {
			_, err := svc.CultivationProgress(ctx)
			return 1, err
		}},
	}
	fmt.Printf("\n| operation | calls | p50 ms | p95 ms | max ms | round trips | avg results | Neo4j CPU ms/call |\n|---|---|---|---|---|---|---|---|\n")
	for _, op := range ops {
		if len(op.keys) == 0 || !selected(*only, op.name) {
			continue
		}
		// One warm-up call so that plans are cached, as in a running server.
		if _, err := op.call(ctx, op.keys[0]); err != nil {
			return fmt.Errorf("%s: %w", op.name, err)
		}
		var lat []time.Duration
		var trips atomic.Int64
		results := 0
		cpu0, _ := cpuTicks(*neo4jPID)
		for _, k := range op.keys {
			c := neo4jstore.WithRoundTripCounter(ctx, &trips)
			start := time.Now()
			n, err := op.call(c, k)
			if err != nil {
				return fmt.Errorf("%s %s: %w", op.name, k, err)
			}
			lat = append(lat, time.Since(start))
			results += n
		}
		cpu1, cpuOK := cpuTicks(*neo4jPID)
		slices.Sort(lat)
		ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
		cpu := "–"
		if cpuOK {
			cpu = fmt.Sprintf("%.1f", float64(cpu1-cpu0)*1000/clockTicks/float64(len(lat)))
		}
		fmt.Printf("| %s | %d | %s | %s | %s | %.1f | %.1f | %s |\n", op.name, len(lat), ms(lat[len(lat)/2]),
			ms(lat[(len(lat)*95+99)/100-1]), ms(lat[len(lat)-1]), float64(trips.Load())/float64(len(lat)), float64(results)/float64(len(lat)), cpu)
	}
	return nil
}

// selected reports whether the operation name starts with one of the
// comma-separated prefixes (all when there are none).
func selected(prefixes, name string) bool {
	if prefixes == "" {
		return true
	}
	for _, p := range strings.Split(prefixes, ",") {
		if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100.0

// cpuTicks is the user + system CPU time of a process so far, in clock
// ticks; false when pid is 0 or unreadable.
func cpuTicks(pid int) (int64, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the parenthesised command name; utime and stime are
	// the 14th and 15th fields of the line.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return u + st, true
}

func pairKeys(ps [][2]string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p[0] + p[1]
	}
	return out
}
