// Command alertload measures match alerts under load against a real
// Neo4j: it loads the demo graph, saves 1,000 searches (supplier, customer
// and partner, with and without products, various minimum scores) for 20
// partners, runs the change-log follower with the alert evaluator as the
// server does, then writes a burst of 100 enterprise upserts (new local
// firms making and buying products those searches ask about) from 10
// concurrent writers and reports, per alert, the latency from the write's
// acknowledgement to the alert being readable (a reader polls every 5 ms),
// with the CPU time the evaluation cost, the statements per event, the
// events evaluated per second and the machine's load average (-batch sets
// the evaluator's batch, default alert.FollowerBatch):
//
//	NEO4J_URI=bolt://127.0.0.1:7723 go run ./bench/alertload -load -neo4j-pid $(pgrep -f 'Launcher.*7723')
//
// The figures in docs/benchmarks.md ("Match alerts") come from it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "alertload:", err)
		os.Exit(1)
	}
}

func run() error {
	load := flag.Bool("load", false, "wipe the business graph and load the demo graph first (needed for a clean run)")
	nSearches := flag.Int("searches", 1000, "saved searches")
	nWrites := flag.Int("writes", 100, "upserts in the burst")
	workers := flag.Int("workers", 10, "concurrent writers")
	neo4jPID := flag.Int("neo4j-pid", 0, "Neo4j's process id: also report its CPU time (from /proc)")
	batch := flag.Int("batch", alert.FollowerBatch, "the evaluator's batch: most change events per transaction")
	flag.Parse()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	s, err := neo4jstore.Open(neo4jtest.Config(), quiet)
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	g := demo.Generate(demo.Options{})
	if *load {
		if _, err := demo.Load(ctx, s, demo.Options{Reset: true}); err != nil {
			return err
		}
	}
	matches, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		return err
	}
	firms := enterprise.NewService(s)
	svc := alert.NewService(s, matches)

	// Askers: local firms that need and make something.
	needs, makes := map[string][]string{}, map[string][]string{}
	for _, n := range g.Needs {
		needs[n.USCC] = append(needs[n.USCC], n.ProductCode)
	}
	for _, m := range g.Makes {
		makes[m.USCC] = append(makes[m.USCC], m.ProductCode)
	}
	var askers []string
	loc := map[string]geo.Point{}
	district := map[string]string{}
	for _, e := range g.Enterprises {
		if e.IsLocal && len(needs[e.USCC]) > 0 && len(makes[e.USCC]) > 0 {
			askers = append(askers, e.USCC)
			loc[e.USCC] = geo.Point{Latitude: e.Lat, Longitude: e.Lon}
			district[e.USCC] = e.DistrictCode
		}
	}
	rng := rand.New(rand.NewPCG(16, 3))
	start := time.Now()
	kinds := []alert.Kind{alert.Supplier, alert.Supplier, alert.Supplier, alert.Customer, alert.Partner}
	for i := 0; i < *nSearches; i++ {
		a := askers[rng.IntN(len(askers))]
		k := kinds[i%len(kinds)]
		in := alert.SaveInput{Name: fmt.Sprintf("search %d", i), Kind: k, EnterpriseID: gid.Encode(gid.Enterprise, a),
			MinScore: ptr(0.3 + 0.1*float64(i%4))}
		if i%2 == 0 { // half name a product, half follow the firm's needs or products
			own := needs[a]
			if k != alert.Supplier {
				own = makes[a]
			}
			in.ProductIDs = []string{gid.Encode(gid.Product, own[rng.IntN(len(own))])}
		}
		p := auth.WithPrincipal(ctx, auth.Principal{ID: fmt.Sprintf("partner-%d", i%20), Role: auth.Partner})
		if _, err := svc.Save(p, in); err != nil {
			return fmt.Errorf("save search %d: %w", i, err)
		}
	}
	fmt.Printf("demo graph: %d enterprises; %d saved searches over %d askers in %s\n",
		len(g.Enterprises), *nSearches, len(askers), time.Since(start).Round(time.Millisecond))

	// The evaluator, as the server runs it: the follower's handler, with
	// its statements and busy time counted.
	var trips, handled, calls atomic.Int64
	var handlerBusy atomic.Int64
	signal := changes.NewSignal()
	s.SetChangeSignal(signal) // as serve does: local writes wake the follower
	fctx, stop := context.WithCancel(neo4jstore.WithRoundTripCounter(ctx, &trips))
	defer stop()
	f := changes.NewFollower(s, changes.FollowerConfig{
		Name: alert.ConsumerName, FromNow: true, Signal: signal, Log: quiet, BatchSize: *batch,
		Handle: func(ctx context.Context, evs []changes.Event) error {
			calls.Add(1)
			t0 := time.Now()
			err := svc.HandleChanges(ctx, evs)
			handlerBusy.Add(int64(time.Since(t0)))
			if err == nil && len(evs) > 0 {
				handled.Store(evs[len(evs)-1].Seq)
			}
			return err
		},
	})
	go func() { _ = f.Run(fctx) }()
	firstSeq, err := s.LatestChangeSeq(ctx)
	if err != nil {
		return err
	}
	time.Sleep(time.Second) // the follower takes its lease

	// The reader: first time each alert is readable.
	seen := map[string]time.Time{} // candidate USCC|search id -> first seen
	byCandidate := map[string]int{}
	var mu sync.Mutex
	lastSeq, err := s.LastAlertSeq(ctx)
	if err != nil {
		return err
	}
	last := alert.Position{Seq: lastSeq + 1}
	go func() {
		for fctx.Err() == nil {
			as, err := s.AlertsAfter(ctx, last, 1000)
			now := time.Now()
			if err == nil {
				mu.Lock()
				for _, a := range as {
					k := a.Match.CandidateUSCC + "|" + a.SearchID
					if _, ok := seen[k]; !ok {
						seen[k] = now
						byCandidate[a.Match.CandidateUSCC]++
					}
					if last.Before(a.Position()) {
						last = a.Position()
					}
				}
				mu.Unlock()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// The burst: new local firms near an asker, making one product and
	// buying another that saved searches ask about.
	admin := auth.WithPrincipal(ctx, auth.Principal{ID: "bench", Role: auth.Admin})
	inputs := make([]enterprise.Input, *nWrites)
	for i := range inputs {
		a := askers[rng.IntN(len(askers))]
		u, err := uscc.Make(district[a], uint64(900000+i))
		if err != nil {
			return err
		}
		p := loc[a]
		in := enterprise.Input{USCC: u, Name: fmt.Sprintf("嘉兴压测企业%03d有限公司", i), IsLocal: true, DistrictCode: ptr(district[a]),
			Location: &geo.Point{Latitude: p.Latitude + (rng.Float64()-0.5)*0.05, Longitude: p.Longitude + (rng.Float64()-0.5)*0.05},
			Products: []enterprise.OfferInput{{ProductID: gid.Encode(gid.Product, needs[a][rng.IntN(len(needs[a]))])}},
			Needs:    []enterprise.NeedInput{{ProductID: gid.Encode(gid.Product, makes[a][rng.IntN(len(makes[a]))])}}}
		if i%3 == 0 {
			in.Designations = []enterprise.DesignationGrant{{Designation: enterprise.NationalLittleGiant, Year: 2024}}
		}
		inputs[i] = in
	}
	acked := make([]time.Time, len(inputs))
	cpu0, neo0 := processCPU(), neo4jCPU(*neo4jPID)
	busy0, trips0, calls0 := handlerBusy.Load(), trips.Load(), calls.Load()
	load0 := loadAverage()
	burst := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, *workers)
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(inputs) {
					return
				}
				if _, err := firms.Upsert(admin, inputs[i]); err != nil {
					errs <- fmt.Errorf("upsert %d: %w", i, err)
					return
				}
				acked[i] = time.Now()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	writeTime := time.Since(burst)
	// Wait for the follower to pass every event of the burst.
	latest, err := s.LatestChangeSeq(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Minute)
	for handled.Load() < latest && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	drained := time.Since(burst)
	// The last batch commits after its handler returned: wait until the
	// reader has seen no new alert for 2 s.
	for quiet := 0; quiet < 200 && time.Now().Before(deadline); quiet++ {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		if len(seen) != n {
			quiet = 0
		}
		mu.Unlock()
	}
	cpu1, neo1 := processCPU(), neo4jCPU(*neo4jPID)
	load1 := loadAverage()
	stop()

	mu.Lock()
	defer mu.Unlock()
	var lat []time.Duration
	writesWithAlerts := 0
	for i, in := range inputs {
		if byCandidate[in.USCC] > 0 {
			writesWithAlerts++
		}
		for k, t := range seen {
			if strings.HasPrefix(k, in.USCC+"|") {
				lat = append(lat, t.Sub(acked[i]))
			}
		}
	}
	if len(lat) == 0 {
		return fmt.Errorf("the burst raised no alert (events %d..%d, handled through %d)", firstSeq, latest, handled.Load())
	}
	slices.Sort(lat)
	pct := func(p int) time.Duration { return lat[min(len(lat)-1, (len(lat)*p+99)/100-1)] }
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }
	events := latest - firstSeq
	fmt.Printf("burst: %d upserts from %d writers in %s; %d change events; evaluator through them %s after the burst began\n",
		len(inputs), *workers, writeTime.Round(time.Millisecond), events, drained.Round(time.Millisecond))
	fmt.Printf("alerts: %d (from %d of the %d writes)\n", len(lat), writesWithAlerts, len(inputs))
	fmt.Printf("\n| alert latency (write ack -> alert readable) | p50 | p99 | max |\n|---|---|---|---|\n| ms | %s | %s | %s |\n",
		ms(pct(50)), ms(pct(99)), ms(lat[len(lat)-1]))
	busy := time.Duration(handlerBusy.Load() - busy0)
	fmt.Printf("\nevaluator (batch up to %d events): %d transactions, %s busy in the handler (%.1f ms per event), %d Cypher statements (%.1f per event), %.1f events/s from the burst's start through the last event\n",
		*batch, calls.Load()-calls0, busy.Round(time.Millisecond), float64(busy.Microseconds())/1000/float64(events), trips.Load()-trips0,
		float64(trips.Load()-trips0)/float64(events), float64(events)/drained.Seconds())
	fmt.Printf("CPU over the burst and its evaluation: this process %s (writers, evaluator and reader together)", (cpu1 - cpu0).Round(time.Millisecond))
	if neo0 >= 0 && neo1 >= 0 {
		fmt.Printf(", Neo4j %s", (neo1 - neo0).Round(time.Millisecond))
	}
	fmt.Println()
	fmt.Printf("load average (1 min) before the burst %s, after %s\n", load0, load1)

	// For comparison: what re-running every saved search on each write
	// would cost, from 50 of them.
	sample := min(50, *nSearches)
	page, err := svc.List(admin, ptr(sample), nil)
	if err != nil {
		return err
	}
	t0 := time.Now()
	for _, ss := range page.Searches {
		q := match.MatchQuery{EnterpriseID: gid.Encode(gid.Enterprise, ss.EnterpriseUSCC), LocalOnly: &ss.LocalOnly}
		for _, c := range ss.ProductCodes {
			q.ProductIDs = append(q.ProductIDs, gid.Encode(gid.Product, c))
		}
		if _, err := matches.SupplierMatches(ctx, q); err != nil {
			return err
		}
	}
	per := time.Since(t0) / time.Duration(len(page.Searches))
	fmt.Printf("re-running all %d searches per write instead: %.1f ms per search, %s per write\n",
		*nSearches, float64(per.Microseconds())/1000, (per * time.Duration(*nSearches)).Round(time.Millisecond))
	return nil
}

func ptr[T any](v T) *T { return &v }

// loadAverage is the machine's 1-minute load average ("?" when unknown).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// processCPU is this process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// neo4jCPU is the user + system CPU time of process pid so far (from
// /proc/<pid>/stat, in USER_HZ = 100 ticks per second); -1 when pid is 0
// or unreadable.
func neo4jCPU(pid int) time.Duration {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return -1
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
