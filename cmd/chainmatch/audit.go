package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/config"
)

const auditUsage = `usage:
  chainmatch audit purge --before 2026-01-01T00:00:00Z --reason "retention: 3 years"
    deletes the audit entries recorded before that instant (the only way
    anything leaves the append-only audit trail); the purge is logged and
    recorded in the trail itself.
`

// auditCmd runs the explicit admin purge of old audit entries, acting as
// admin on behalf of the operating-system user who runs it.
func auditCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] != "purge" {
		fmt.Fprint(os.Stderr, auditUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("audit purge", flag.ContinueOnError)
	before := fs.String("before", "", "RFC 3339 instant: entries recorded before it are deleted")
	reason := fs.String("reason", "", "why (kept in the trail with the purge)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	at, err := time.Parse(time.RFC3339, *before)
	if err != nil {
		fmt.Fprint(os.Stderr, auditUsage)
		return fmt.Errorf("--before: want an RFC 3339 instant: %w", err)
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	ctx = auth.WithPrincipal(ctx, auth.Principal{ID: "cli:" + who, Name: "chainmatch audit purge", Role: auth.Admin})
	n, err := auth.NewService(st, auth.Config{Log: log}).PurgeAudit(ctx, at, *reason)
	if err != nil {
		return err
	}
	fmt.Printf("purged %d audit entries recorded before %s; the purge is recorded in the audit trail\n", n, at.UTC().Format(time.RFC3339))
	return nil
}
