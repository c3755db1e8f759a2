package main

import (
	"fmt"
	"io"
)

// writeReport prints, per workload and concurrency, each server's numbers
// and chainmatch's ratios to the others, then the targets.
func writeReport(w io.Writer, results []result, ops []operation, concurrencies []int) {
	find := func(server, op string, c int) *result {
		for i := range results {
			if r := &results[i]; r.Server == server && r.Op == op && r.Concurrency == c {
				return r
			}
		}
		return nil
	}
	fmt.Fprintf(w, "\n## Results\n\n")
	fmt.Fprintf(w, "| op | conc | server | req/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | server CPU s/1k req | Neo4j CPU s/1k req |\n")
	fmt.Fprintf(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, op := range ops {
		for _, c := range concurrencies {
			for _, s := range []string{srvChainmatch, srvBaseline, srvFloor, srvNeo4jGraphQL} {
				if r := find(s, op.name, c); r != nil {
					fmt.Fprintf(w, "| %s | %d | %s | %.1f | %.2f | %.2f | %.2f | %d | %.0f | %.3f | %.3f |\n",
						r.Op, r.Concurrency, r.Server, r.RPS, r.P50ms, r.P95ms, r.P99ms, r.Errors, r.PeakRSSMB, r.CPUPer1k, r.Neo4jPer1k)
				}
			}
		}
	}
	fmt.Fprintf(w, "\n## Ratios (throughput, same run)\n\n")
	fmt.Fprintf(w, "| op | conc | chainmatch / floor | chainmatch / @neo4j/graphql | chainmatch / baseline | p99 chainmatch ms | p99 baseline ms |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, op := range ops {
		for _, c := range concurrencies {
			cm := find(srvChainmatch, op.name, c)
			if cm == nil {
				continue
			}
			ratio := func(o *result) string {
				if o == nil || o.RPS == 0 {
					return "–"
				}
				return fmt.Sprintf("%.2f", cm.RPS/o.RPS)
			}
			baseP99 := "–"
			if b := find(srvBaseline, op.name, c); b != nil {
				baseP99 = fmt.Sprintf("%.2f", b.P99ms)
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.2f | %s |\n", op.name, c, ratio(find(srvFloor, op.name, c)),
				ratio(find(srvNeo4jGraphQL, op.name, c)), ratio(find(srvBaseline, op.name, c)), cm.P99ms, baseP99)
		}
	}
	fmt.Fprintf(w, "\n## Targets\n\n")
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	for _, op := range []string{"W1", "W2", "W3"} {
		cm, fl, pe := find(srvChainmatch, op, 32), find(srvFloor, op, 32), find(srvNeo4jGraphQL, op, 32)
		if cm == nil || fl == nil || pe == nil || pe.RPS == 0 || fl.RPS == 0 {
			continue
		}
		fmt.Fprintf(w, "- %s at concurrency 32: chainmatch/@neo4j/graphql %.2f (>= 2: %s), chainmatch/floor %.2f (>= 0.8: %s)\n",
			op, cm.RPS/pe.RPS, check(cm.RPS/pe.RPS >= 2), cm.RPS/fl.RPS, check(cm.RPS/fl.RPS >= 0.8))
	}
	for _, op := range []string{"W4", "W5"} {
		cm32, fl32, cm8 := find(srvChainmatch, op, 32), find(srvFloor, op, 32), find(srvChainmatch, op, 8)
		if cm32 != nil && fl32 != nil && fl32.RPS > 0 {
			fmt.Fprintf(w, "- %s at concurrency 32: chainmatch/floor %.2f (>= 0.8: %s)\n", op, cm32.RPS/fl32.RPS, check(cm32.RPS/fl32.RPS >= 0.8))
		}
		if cm8 != nil {
			fmt.Fprintf(w, "- %s p99 at concurrency 8: %.1f ms (< 100: %s)\n", op, cm8.P99ms, check(cm8.P99ms < 100))
		}
	}
	peak, errs := 0.0, 0
	for _, r := range results {
		if r.Server == srvChainmatch {
			peak = max(peak, r.PeakRSSMB)
		}
		errs += r.Errors
	}
	fmt.Fprintf(w, "- chainmatch peak RSS during the runs: %.0f MB (< 150: %s)\n", peak, check(peak < 150))
	fmt.Fprintf(w, "- errors in all runs: %d (0: %s)\n", errs, check(errs == 0))
}
