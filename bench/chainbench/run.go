package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// result is one timed run: a server, an operation, a concurrency.
type result struct {
	Server      string  `json:"server"`
	Op          string  `json:"op"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"firstError,omitempty"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50ms"`
	P95ms       float64 `json:"p95ms"`
	P99ms       float64 `json:"p99ms"`
	PeakRSSMB   float64 `json:"peakRssMB"`
	CPUPer1k    float64 `json:"serverCpuSecPer1kReq"`
	Neo4jPer1k  float64 `json:"neo4jCpuSecPer1kReq"`
	Seconds     float64 `json:"seconds"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func runBench(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var (
		cmURL      = fs.String("chainmatch", "http://127.0.0.1:18080", "chainmatch base URL")
		cmPID      = fs.Int("chainmatch-pid", 0, "chainmatch process id")
		cmKey      = fs.String("chainmatch-key", os.Getenv("CHAINMATCH_ADMIN_KEY"), "API key sent to chainmatch")
		baseURL    = fs.String("baseline", "", "base URL of an earlier chainmatch binary timed beside the current one (empty: none)")
		basePID    = fs.Int("baseline-pid", 0, "baseline chainmatch process id")
		floorURL   = fs.String("floor", "http://127.0.0.1:18081", "raw floor base URL")
		floorPID   = fs.Int("floor-pid", 0, "raw floor process id")
		peerURL    = fs.String("neo4j-graphql", "http://127.0.0.1:18082", "@neo4j/graphql peer base URL")
		peerPID    = fs.Int("neo4j-graphql-pid", 0, "@neo4j/graphql peer process id")
		neoPID     = fs.Int("neo4j-pid", 0, "Neo4j process id")
		concs      = fs.String("concurrency", "1,8,32", "closed-loop concurrencies")
		warmup     = fs.Duration("warmup", 3*time.Second, "warm-up per run (not recorded)")
		duration   = fs.Duration("duration", 20*time.Second, "recorded time per run")
		opsFlag    = fs.String("ops", "W1,W2,W3,W4,W5,W6", "workloads to run")
		serversArg = fs.String("servers", "chainmatch,floor,neo4j-graphql", "servers to compare")
		nParams    = fs.Int("params", 100, "parameter sets per workload")
		checkOnly  = fs.Bool("check-only", false, "only check that the answers agree")
		allowDiff  = fs.Bool("allow-mismatch", false, "time workloads even when the answers differ")
		jsonOut    = fs.String("json", "", "write the results as JSON here")
		mdOut      = fs.String("markdown", "", "write the results table as Markdown here")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	concurrencies, err := parseInts(*concs)
	if err != nil {
		return err
	}
	auth := ""
	if *cmKey != "" {
		auth = "Bearer " + *cmKey
	}
	targets := map[string]target{
		srvChainmatch:   {name: srvChainmatch, base: *cmURL, pid: *cmPID, auth: auth},
		srvFloor:        {name: srvFloor, base: *floorURL, pid: *floorPID},
		srvNeo4jGraphQL: {name: srvNeo4jGraphQL, base: *peerURL, pid: *peerPID},
	}
	servers := strings.Split(*serversArg, ",")
	if *baseURL != "" {
		targets[srvBaseline] = target{name: srvBaseline, base: *baseURL, pid: *basePID, auth: auth}
		servers = append(servers, srvBaseline)
	}
	wantOps := map[string]bool{}
	for _, o := range strings.Split(*opsFlag, ",") {
		wantOps[strings.TrimSpace(o)] = true
	}

	uri, user, pw := neo4jEnv()
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, pw, ""))
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	params, err := pickParams(ctx, drv, *nParams)
	if err != nil {
		return err
	}
	ops := operations(params)
	client := newHTTPClient()

	// 1. Identical answers, before any timing.
	fmt.Printf("## Checking that every server gives the same answers\n\n")
	mismatches := 0
	for _, op := range ops {
		if !wantOps[op.name] && !(wantOps["W6"] && (op.name == "W1" || op.name == "W2" || op.name == "W3")) {
			continue
		}
		n, checked, err := checkOp(ctx, client, op, targets, servers)
		if err != nil {
			return fmt.Errorf("%s: %w", op.name, err)
		}
		mismatches += n
		fmt.Printf("- %s %s: %d parameter sets, %d differ\n", op.name, op.title, checked, n)
	}
	if mismatches > 0 && !*allowDiff {
		return fmt.Errorf("%d answers differ between servers; not timing (use --allow-mismatch to time anyway)", mismatches)
	}
	if *checkOnly {
		return nil
	}

	// 2. Timed runs: per workload and concurrency, each server in turn,
	// so that the servers see the same machine conditions.
	watches := map[string]*rssWatch{}
	for _, s := range servers {
		if t := targets[s]; t.pid > 0 {
			watches[s] = watchRSS(t.pid, 250*time.Millisecond)
			defer watches[s].Close()
		}
	}
	timed := append([]operation{}, ops...)
	timed = append(timed, operation{name: "W6", title: "mixed reads (W1 50%, W2 25%, W3 25%)",
		servers: []string{srvChainmatch, srvFloor, srvNeo4jGraphQL}})
	var results []result
	start := time.Now()
	requests := func(op operation, t target) []request {
		if op.name == "W6" {
			return mixedRequests(t, ops)
		}
		var reqs []request
		for _, p := range op.params {
			reqs = append(reqs, op.build(t, p))
		}
		return reqs
	}
	turn := -1
	for _, op := range timed {
		if !wantOps[op.name] {
			continue
		}
		// Warm every server on the operation before timing any: the first
		// one timed would otherwise meet Neo4j cold for the operation's
		// statements (plans, JIT, pages) while the others find it warm.
		for _, s := range servers {
			if op.appliesTo(s) {
				closedLoop(ctx, client, requests(op, targets[s]), concurrencies[0], 0, *warmup)
			}
		}
		for _, c := range concurrencies {
			// The servers take turns at going first: whatever Neo4j still
			// does in the background (a checkpoint after the load) or has
			// not warmed yet falls on each of them in turn, not always on
			// the first.
			turn++
			for i := range servers {
				s := servers[(i+turn)%len(servers)]
				if !op.appliesTo(s) {
					continue
				}
				t := targets[s]
				reqs := requests(op, t)
				r := timeRun(ctx, client, t, *neoPID, watches[s], op.name, reqs, c, *warmup, *duration)
				results = append(results, r)
				fmt.Fprintf(os.Stderr, "%-4s c=%-3d %-14s %8.1f req/s  p50 %7.2f  p95 %7.2f  p99 %7.2f ms  err %d  rss %.0f MB  cpu %.3f s/1k  neo4j %.3f s/1k  [%s]\n",
					r.Op, r.Concurrency, r.Server, r.RPS, r.P50ms, r.P95ms, r.P99ms, r.Errors, r.PeakRSSMB, r.CPUPer1k, r.Neo4jPer1k,
					time.Since(start).Round(time.Second))
				if ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
	}
	var md bytes.Buffer
	writeReport(&md, results, timed, concurrencies)
	fmt.Print(md.String())
	if *mdOut != "" {
		if err := os.WriteFile(*mdOut, md.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{
			"startedAt": start.UTC().Format(time.RFC3339), "warmup": warmup.String(), "duration": duration.String(),
			"goVersion": runtime.Version(), "results": results,
		}, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	totalErrors := 0
	for _, r := range results {
		totalErrors += r.Errors
	}
	if totalErrors > 0 {
		return fmt.Errorf("%d requests failed", totalErrors)
	}
	return nil
}

// checkOp fetches every parameter set from every server and compares the
// canonical answers with the first server's (chainmatch's). It returns the
// number of parameter sets that differ and the number checked.
func checkOp(ctx context.Context, client *http.Client, op operation, targets map[string]target, servers []string) (int, int, error) {
	var buf bytes.Buffer
	differ := 0
	for i, p := range op.params {
		var ref []byte
		refServer := ""
		for _, s := range servers {
			if !op.appliesTo(s) || s == srvBaseline {
				continue
			}
			body, err := do(ctx, client, op.build(targets[s], p), &buf)
			if err != nil {
				return differ, i, fmt.Errorf("%s with %v: %w", s, p, err)
			}
			v, err := op.canon(s, body)
			if err != nil {
				return differ, i, fmt.Errorf("%s with %v: %w", s, p, err)
			}
			got, _ := json.Marshal(v)
			if refServer == "" {
				ref, refServer = got, s
				continue
			}
			if !sameJSON(ref, got) {
				differ++
				if differ <= 3 {
					fmt.Printf("  %s with %v: %s and %s differ\n    %s: %.600s\n    %s: %.600s\n", op.name, p, refServer, s,
						refServer, ref, s, got)
				}
			}
		}
	}
	return differ, len(op.params), nil
}

// sameJSON reports whether two canonical answers are equal, numbers within
// a relative 1e-9: the servers compute distances in different places
// (Neo4j's point.distance in Cypher, the same haversine in Go in the match
// index), which agree to about 1e-12, not to the last bit.
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return sameValue(x, y)
}

func sameValue(x, y any) bool {
	switch x := x.(type) {
	case float64:
		y, ok := y.(float64)
		return ok && math.Abs(x-y) <= 1e-9*max(1, math.Abs(x), math.Abs(y))
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return x == y
}

// timeRun warms the server up with the same requests, then runs one
// recorded closed loop and reads the processes' CPU and memory around it.
func timeRun(ctx context.Context, client *http.Client, t target, neoPID int, w *rssWatch, op string, reqs []request,
	c int, warmup, duration time.Duration) result {
	closedLoop(ctx, client, reqs, c, 0, warmup)
	before, _ := readProc(t.pid)
	neoBefore, _ := readProc(neoPID)
	if w != nil {
		w.Peak()
	}
	st := closedLoop(ctx, client, reqs, c, 0, duration)
	after, _ := readProc(t.pid)
	neoAfter, _ := readProc(neoPID)
	r := result{Server: t.name, Op: op, Concurrency: c, Requests: st.Requests, Errors: st.Errors, FirstError: st.FirstErr,
		RPS: st.RPS(), P50ms: ms(st.Pct(50)), P95ms: ms(st.Pct(95)), P99ms: ms(st.Pct(99)), Seconds: st.Elapsed.Seconds()}
	if w != nil {
		r.PeakRSSMB = float64(max(w.Peak(), after.RSS)) / (1 << 20)
	}
	if st.Requests > 0 {
		if t.pid > 0 {
			r.CPUPer1k = (after.CPU - before.CPU).Seconds() / float64(st.Requests) * 1000
		}
		if neoPID > 0 {
			r.Neo4jPer1k = (neoAfter.CPU - neoBefore.CPU).Seconds() / float64(st.Requests) * 1000
		}
	}
	return r
}
