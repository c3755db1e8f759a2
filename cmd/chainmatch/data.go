package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/config"
	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/importer"
	"chainmatch/internal/textkey"
)

// demoCmd loads the deterministic Jiaxing demo graph:
//
//	chainmatch demo [--scale N] [--reset | --reset-all] [--if-empty] [--batch N] [--no-leads]
//
// --reset keeps API keys and the audit trail; --reset-all deletes them too
// and says so.
func demoCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	scale := fs.Int("scale", 0, "number of enterprises (0: the standard ~2,000-firm Jiaxing demo)")
	reset := fs.Bool("reset", false, "delete the business graph before loading (API keys, audit trail and schema are kept)")
	resetAll := fs.Bool("reset-all", false, "delete everything before loading, API keys and the audit trail included (the schema is kept)")
	ifEmpty := fs.Bool("if-empty", false, "load only when the graph holds no enterprise (what make run does)")
	batch := fs.Int("batch", 0, "rows per bulk statement (0: the store's default)")
	noLeads := fs.Bool("no-leads", false, "skip the demo lead pipeline (built only for the standard demo, not with --scale)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *scale < 0 || *batch < 0 {
		return fmt.Errorf("demo: --scale and --batch must be >= 0")
	}
	if (*reset || *resetAll) && *ifEmpty {
		return fmt.Errorf("demo: --reset/--reset-all and --if-empty exclude each other")
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if *ifEmpty {
		empty, err := st.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			fmt.Println("demo: the graph already holds enterprises; nothing loaded (use `chainmatch demo --reset` to reload)")
			return nil
		}
	}
	if *resetAll {
		fmt.Println("demo: --reset-all: deleting every API key and the audit trail along with the graph")
	}
	start := time.Now()
	stats, err := demo.Load(ctx, st, demo.Options{
		Scale:     *scale,
		Reset:     *reset,
		ResetAll:  *resetAll,
		BatchSize: *batch,
		Progress:  demo.ProgressBar(os.Stdout, "loading demo graph"),
	})
	if err != nil {
		return err
	}
	leads := 0
	if *scale == 0 && !*noLeads {
		// The pipeline is built from the loaded graph's gaps, through the
		// services, so that its leads obey the stage rules.
		r := newResolver(cfg, st, log)
		if leads, err = demo.LoadLeads(ctx, demo.LeadServices{Catalog: r.Catalog, Matches: r.Matches, Leads: r.Leads}); err != nil {
			return err
		}
	}
	counts, err := st.CountGraph(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("demo: %d leads in the investment-promotion pipeline\n", leads)
	fmt.Printf("demo: loaded %d node rows and %d relationship rows in %s (%.0f relationships/s, %d statements)\n",
		stats.NodeRows, stats.RelationshipRows, time.Since(start).Round(time.Millisecond),
		stats.RelationshipsPerSecond(), stats.Statements)
	fmt.Printf("demo: graph now holds %+v\n", counts)
	return nil
}

// synonymsCmd loads the search synonym list into the graph, replacing the
// one there:
//
//	chainmatch synonyms load [--file FILE]
//
// Without --file it loads the list shipped with chainmatch
// (internal/textkey/synonyms.txt; docs/search.md).
func synonymsCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("synonyms load", flag.ContinueOnError)
	file := fs.String("file", "", "synonym list to load (default: the list shipped with chainmatch)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: chainmatch synonyms load [--file FILE]")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "load" {
		fs.Usage()
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		return errUsage
	}
	var src io.Reader = strings.NewReader(textkey.DefaultSynonyms)
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return fmt.Errorf("synonyms: %w", err)
		}
		defer f.Close()
		src = f
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if err := demo.LoadSynonyms(ctx, st, src); err != nil {
		return err
	}
	fmt.Println("synonyms: loaded")
	return nil
}

// importCmd imports enterprises from a CSV or JSON Lines file through the
// enterprise service (the API's validation), in batches of 1,000:
//
//	chainmatch import FILE.csv|FILE.jsonl
//
// It exits non-zero when any row was rejected; the summary names each.
func importCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: chainmatch import FILE.csv|FILE.jsonl\n\nCSV columns: %s\n", strings.Join(importer.CSVColumns, ","))
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	// The operator at the console acts as an administrator; the records
	// get no partner owner.
	ctx = auth.WithPrincipal(ctx, auth.Principal{Name: "chainmatch import", Role: auth.Admin})
	sum, err := importer.Run(ctx, fs.Arg(0), enterprise.NewService(st), os.Stdout)
	if err != nil {
		return fmt.Errorf("import %s: %w", fs.Arg(0), err)
	}
	if len(sum.Rejected) > 0 {
		return fmt.Errorf("import: %d of %d rows rejected (see above)", len(sum.Rejected), sum.Rows)
	}
	return nil
}
