// Command chainmatch serves the chainmatch GraphQL API and manages its graph.
//
//	chainmatch serve            serve the API (migrates first unless CHAINMATCH_MIGRATE=false)
//	chainmatch migrate          apply schema migrations and exit
//	chainmatch demo [flags]     load the Jiaxing demo graph (see -h)
//	chainmatch import FILE      import enterprises from .csv or .jsonl
//	chainmatch audit purge      delete old audit entries (explicit, logged, audited)
//	chainmatch healthcheck      exit 0 when the local server's /healthz answers (for containers)
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"chainmatch/internal/config"
	neo4jstore "chainmatch/internal/store/neo4j"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "chainmatch:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `usage: chainmatch <command> [flags]

commands:
  serve     serve the GraphQL API, GraphiQL and the explorer
  migrate   apply schema migrations (constraints and indexes) and exit
  demo      load the deterministic Jiaxing demo graph
  import    import enterprises from a .csv or .jsonl file
  synonyms  load the search synonym list (synonyms load [--file FILE])
  apikey    create, list or revoke API keys (create --name N --role R | list | revoke ID)
  audit     purge --before T --reason R: delete audit entries older than T (logged, itself audited)
  healthcheck  probe the local server's /healthz (for container health checks)
`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return migrate(ctx, cfg, log)
	case "demo":
		return demoCmd(ctx, cfg, log, args[1:])
	case "import":
		return importCmd(ctx, cfg, log, args[1:])
	case "synonyms":
		return synonymsCmd(ctx, cfg, log, args[1:])
	case "apikey":
		return apikeyCmd(ctx, cfg, log, args[1:])
	case "audit":
		return auditCmd(ctx, cfg, log, args[1:])
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func openStore(cfg config.Config, log *slog.Logger) (*neo4jstore.Store, error) {
	return neo4jstore.Open(neo4jstore.Config{
		URI:          cfg.Neo4jURI,
		User:         cfg.Neo4jUser,
		Password:     cfg.Neo4jPassword,
		Database:     cfg.Neo4jDatabase,
		MaxRetryTime: cfg.Neo4jRetry,
	}, log)
}

// openMigrated opens the store, checks that Neo4j answers and applies any
// missing migration: what every command that touches data needs first.
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*neo4jstore.Store, error) {
	st, err := openStore(cfg, log)
	if err != nil {
		return nil, err
	}
	if err := st.Ping(ctx); err != nil {
		st.Close(context.Background())
		return nil, fmt.Errorf("neo4j at %s: %w", cfg.Neo4jURI, err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close(context.Background())
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrated", "applied", applied, "schema_version", neo4jstore.LatestMigration())
	}
	return st, nil
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	st.Close(context.Background())
	log.Info("schema up to date", "schema_version", neo4jstore.LatestMigration())
	return nil
}
