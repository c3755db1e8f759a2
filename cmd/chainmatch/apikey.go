package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"chainmatch/graph"
	"chainmatch/internal/auth"
	"chainmatch/internal/config"
	"chainmatch/internal/httpserver"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// security is what the access layer is built from: the auth service (API
// keys, JWT, audit), trusted documents and rate limits.
type security struct {
	access  *auth.Service
	trusted *graph.TrustedDocuments
	rates   map[auth.Role]httpserver.RateLimit
}

// newSecurity builds the access layer from configuration; it fails on an
// unreadable JWT key or trusted-documents manifest.
func newSecurity(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) (security, error) {
	jc := auth.JWTConfig{Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, RoleClaim: cfg.JWTRoleClaim}
	if cfg.JWTHS256Secret != "" {
		jc.HS256Secret = []byte(cfg.JWTHS256Secret)
	}
	if cfg.JWTRS256PublicKeyFile != "" {
		pem, err := os.ReadFile(cfg.JWTRS256PublicKeyFile)
		if err != nil {
			return security{}, fmt.Errorf("CHAINMATCH_JWT_RS256_PUBLIC_KEY_FILE: %w", err)
		}
		if jc.RS256PublicKey, err = auth.ParseRSAPublicKeyPEM(pem); err != nil {
			return security{}, fmt.Errorf("CHAINMATCH_JWT_RS256_PUBLIC_KEY_FILE: %w", err)
		}
	}
	sec := security{
		access: auth.NewService(st, auth.Config{AdminKey: cfg.AdminKey, JWT: jc, KeyCacheTTL: cfg.KeyCacheTTL, Log: log}),
		rates:  map[auth.Role]httpserver.RateLimit{},
	}
	for role, r := range cfg.RateLimits {
		sec.rates[auth.Role(strings.ToUpper(role))] = httpserver.RateLimit{PerSecond: r.PerSecond, Burst: r.Burst}
	}
	if cfg.TrustedDocuments != "" {
		docs, err := graph.LoadTrustedDocuments(cfg.TrustedDocuments)
		if err != nil {
			return security{}, err
		}
		td := &graph.TrustedDocuments{Docs: docs, Roles: map[auth.Role]bool{}}
		for _, role := range cfg.TrustedDocumentsRoles {
			td.Roles[auth.Role(strings.ToUpper(role))] = true
		}
		sec.trusted = td
	}
	return sec, nil
}

// mustSecurity is newSecurity for newHandler, after serve has validated
// the same configuration.
func mustSecurity(cfg config.Config, st *neo4jstore.Store, log *slog.Logger) security {
	sec, err := newSecurity(cfg, st, log)
	if err != nil {
		panic(err)
	}
	return sec
}

const apikeyUsage = `usage:
  chainmatch apikey create --name NAME --role partner|staff|admin
  chainmatch apikey list
  chainmatch apikey revoke ID
`

// apikeyCmd manages API keys from the command line, acting as admin (the
// operator already holds the Neo4j credentials).
func apikeyCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, apikeyUsage)
		return errUsage
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	svc := auth.NewService(st, auth.Config{Log: log})
	ctx = auth.WithPrincipal(ctx, auth.Principal{ID: "cli", Name: "chainmatch apikey", Role: auth.Admin})
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
		name := fs.String("name", "", "who the key is for")
		role := fs.String("role", "partner", "partner, staff or admin")
		if err := fs.Parse(args[1:]); err != nil {
			return errUsage
		}
		k, err := svc.CreateKey(ctx, *name, auth.Role(strings.ToUpper(*role)))
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "created key %s (%s, %s); the secret below is shown only now:\n", k.Key.ID, k.Key.Name, k.Key.Role)
		fmt.Println(k.Secret)
		return nil
	case "list":
		ks, err := svc.ListKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
		for _, k := range ks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.Format(time.RFC3339), orDash(k.LastUsedAt), orDash(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 2 {
			fmt.Fprint(os.Stderr, apikeyUsage)
			return errUsage
		}
		k, err := svc.RevokeKey(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Printf("revoked %s (%s) at %s; other replicas stop accepting it within %s\n", k.ID, k.Name, k.RevokedAt.Format(time.RFC3339), cfg.KeyCacheTTL)
		return nil
	default:
		fmt.Fprint(os.Stderr, apikeyUsage)
		return errUsage
	}
}

func orDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
