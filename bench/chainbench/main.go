// Command chainbench is chainmatch's side-by-side benchmark harness
// (docs/benchmarks.md); scripts/bench.sh drives it.
//
//	chainbench csv --scale N --out DIR      write the demo graph as neo4j-admin import CSV; print the importer's arguments
//	chainbench measure --out F -- CMD...    run CMD, record wall time, peak RSS and CPU seconds as JSON
//	chainbench load --scale N              load the demo graph with demo.Load (what `chainmatch demo --reset` runs)
//	chainbench loadsteps --scale N         empty the graph, then load it one record kind at a time and time each
//	chainbench cypher STATEMENT            run one statement, print the records as JSON
//	chainbench counts                       print the graph's node and relationship counts as JSON
//	chainbench floor --addr HOST:PORT       serve the raw floor (hand-written Cypher, no GraphQL)
//	chainbench run [flags]                  check the workloads give identical answers everywhere, then time them
//
// Neo4j is reached through NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"chainmatch/internal/demo"
	neo4jstore "chainmatch/internal/store/neo4j"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chainbench:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func neo4jEnv() (uri, user, password string) {
	return env("NEO4J_URI", "bolt://127.0.0.1:7695"), env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", "chainmatch-dev")
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: chainbench csv|measure|counts|floor|run [flags]")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fs := flag.NewFlagSet("chainbench "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "csv":
		scale := fs.Int("scale", 100000, "enterprises")
		out := fs.String("out", "", "output directory")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *out == "" {
			return errors.New("csv: --out is required")
		}
		importArgs, err := exportCSV(*scale, *out)
		if err != nil {
			return err
		}
		for _, a := range importArgs {
			fmt.Println(a)
		}
		return nil
	case "measure":
		out := fs.String("out", "", "JSON result file")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return measure(ctx, *out, fs.Args())
	case "counts":
		uri, user, pw := neo4jEnv()
		st, err := neo4jstore.Open(neo4jstore.Config{URI: uri, User: user, Password: pw}, log)
		if err != nil {
			return err
		}
		defer st.Close(context.Background())
		c, err := st.CountGraph(ctx)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(map[string]any{
			"nodes": c.Nodes, "relationships": c.Relationships,
			"totalNodes": c.TotalNodes(), "totalRelationships": c.TotalRelationships()})
	case "load":
		// The same demo.Load that `chainmatch demo --reset` runs, for when
		// the binary at hand has no demo command.
		scale := fs.Int("scale", 100000, "enterprises")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		uri, user, pw := neo4jEnv()
		st, err := neo4jstore.Open(neo4jstore.Config{URI: uri, User: user, Password: pw, MaxRetryTime: 30 * time.Second}, log)
		if err != nil {
			return err
		}
		defer st.Close(context.Background())
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
		stats, err := demo.Load(ctx, st, demo.Options{Scale: *scale, Reset: true})
		if err != nil {
			return err
		}
		fmt.Printf("loaded %d node rows and %d relationship rows in %d statements, %s (%.0f relationships/s)\n",
			stats.NodeRows, stats.RelationshipRows, stats.Statements, stats.Duration.Round(time.Millisecond), stats.RelationshipsPerSecond())
		return nil
	case "loadsteps":
		scale := fs.Int("scale", 100000, "enterprises")
		steps := fs.Int("steps", 0, "stop after this many steps (0: all)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		uri, user, pw := neo4jEnv()
		st, err := neo4jstore.Open(neo4jstore.Config{URI: uri, User: user, Password: pw, MaxRetryTime: 30 * time.Second}, log)
		if err != nil {
			return err
		}
		defer st.Close(context.Background())
		return loadSteps(ctx, st, *scale, *steps)
	case "cypher":
		// Runs one statement (benchmark set-up and experiments only).
		uri, user, pw := neo4jEnv()
		drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, pw, ""))
		if err != nil {
			return err
		}
		defer drv.Close(context.Background())
		if len(args) != 2 {
			return errors.New("usage: chainbench cypher STATEMENT")
		}
		start := time.Now()
		res, err := neo4j.ExecuteQuery(ctx, drv, args[1], nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			b, _ := json.Marshal(r.AsMap())
			fmt.Println(string(b))
		}
		fmt.Fprintf(os.Stderr, "%d records in %s\n", len(res.Records), time.Since(start).Round(time.Millisecond))
		return nil
	case "floor":
		addr := fs.String("addr", "127.0.0.1:18081", "listen address")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		uri, user, pw := neo4jEnv()
		return runFloor(ctx, *addr, uri, user, pw, log)
	case "run":
		return runBench(ctx, fs, args[1:])
	default:
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// measured is what `chainbench measure` records about a command.
type measured struct {
	Command    []string `json:"command"`
	WallSec    float64  `json:"wallSeconds"`
	CPUSec     float64  `json:"cpuSeconds"`
	MaxRSSB    int64    `json:"maxRSSBytes"`
	ExitCode   int      `json:"exitCode"`
	StartedAt  string   `json:"startedAt"`
	FinishedAt string   `json:"finishedAt"`
}

// measure runs argv with the harness's stdout and stderr and writes its
// wall time, CPU time and peak RSS (from the kernel's rusage) to out.
func measure(ctx context.Context, out string, argv []string) error {
	if len(argv) == 0 {
		return errors.New("measure: no command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	runErr := cmd.Run()
	m := measured{Command: argv, WallSec: time.Since(start).Seconds(),
		StartedAt: start.UTC().Format(time.RFC3339), FinishedAt: time.Now().UTC().Format(time.RFC3339)}
	if ps := cmd.ProcessState; ps != nil {
		m.ExitCode = ps.ExitCode()
		m.CPUSec = (ps.UserTime() + ps.SystemTime()).Seconds()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			m.MaxRSSB = ru.Maxrss * 1024
		}
	}
	if out != "" {
		b, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	if runErr != nil {
		return fmt.Errorf("%s: %w", argv[0], runErr)
	}
	return nil
}
