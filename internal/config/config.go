// Package config reads chainmatch's configuration from the environment: one
// struct, documented defaults, secrets masked when printed. The README's
// configuration table is generated from the same list (see Vars).
package config

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr            string
	Mode            string // "dev" or "prod"
	LogLevel        string
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	Neo4jRetry      time.Duration
	CORSOrigins     []string
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
	Migrate         bool
	AdminKey        string
	MatchWeights    string
	// MatchIndex turns the in-process match index on (package matchindex);
	// MatchIndexPoll is how often it catches up with the change log.
	MatchIndex     bool
	MatchIndexPoll time.Duration
	// JWT verification (off unless a secret or public key is set).
	JWTHS256Secret        string
	JWTRS256PublicKeyFile string
	JWTIssuer             string
	JWTAudience           string
	JWTRoleClaim          string
	KeyCacheTTL           time.Duration
	// RateLimits by role name (anonymous, partner, staff, admin).
	RateLimits map[string]Rate
	// TrustedDocuments is the manifest path of trusted-documents mode
	// ("" = off); TrustedDocumentsRoles are the roles it restricts.
	TrustedDocuments      string
	TrustedDocumentsRoles []string
	// PprofAddr is the loopback address of the profiling listener ("" = off).
	PprofAddr string
	// ChangesRetention is how long change-log events are kept.
	ChangesRetention time.Duration
	// ChangesPoll is how often subscriptions and change-log followers look
	// for events committed by other replicas.
	ChangesPoll time.Duration
	// Webhook delivery (docs/changes.md, section Webhooks).
	WebhookAllowHosts  []string
	WebhookTimeout     time.Duration
	WebhookConcurrency int
	WebhookRetryBase   time.Duration
	WebhookRetryMax    time.Duration
	WebhookRetryWindow time.Duration
}

// Rate is a token bucket: PerSecond sustained, Burst at once.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Var documents one environment variable.
type Var struct {
	Name    string
	Default string
	Secret  bool
	Doc     string
}

// Vars lists every variable chainmatch reads, with its default.
var Vars = []Var{
	{"CHAINMATCH_ADDR", ":8080", false, "HTTP listen address"},
	{"CHAINMATCH_MODE", "dev", false, "`dev` (GraphiQL, introspection, detailed logs) or `prod`"},
	{"CHAINMATCH_LOG_LEVEL", "info", false, "debug, info, warn or error (JSON logs on stderr)"},
	{"NEO4J_URI", "bolt://127.0.0.1:7687", false, "bolt://, neo4j:// (cluster routing) or their +s/+ssc TLS forms (Aura)"},
	{"NEO4J_USER", "neo4j", false, "Neo4j user"},
	{"NEO4J_PASSWORD", "chainmatch-dev", true, "Neo4j password (the local dev server's default shown)"},
	{"NEO4J_DATABASE", "neo4j", false, "database name"},
	{"NEO4J_MAX_RETRY", "3s", false, "how long the driver retries a transaction before DATABASE_UNAVAILABLE"},
	{"CHAINMATCH_CORS_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173", false, "comma-separated browser origins allowed by CORS (`*` for any, without credentials)"},
	{"CHAINMATCH_READ_TIMEOUT", "10s", false, "HTTP read timeout"},
	{"CHAINMATCH_WRITE_TIMEOUT", "35s", false, "HTTP write timeout"},
	{"CHAINMATCH_IDLE_TIMEOUT", "120s", false, "HTTP keep-alive idle timeout"},
	{"CHAINMATCH_REQUEST_TIMEOUT", "30s", false, "deadline of one GraphQL request, passed on to Neo4j transaction timeouts"},
	{"CHAINMATCH_SHUTDOWN_TIMEOUT", "35s", false, "how long graceful shutdown waits for in-flight requests (longer than CHAINMATCH_REQUEST_TIMEOUT)"},
	{"CHAINMATCH_MAX_BODY_BYTES", "1048576", false, "largest accepted request body"},
	{"CHAINMATCH_MIGRATE", "true", false, "apply schema migrations at `serve` start (replicas may set false and run `chainmatch migrate` once)"},
	{"CHAINMATCH_ADMIN_KEY", "", true, "bootstrap admin API key (optional)"},
	{"CHAINMATCH_MATCH_WEIGHTS", "", false, "override scoring weights, e.g. `proximity=0.3,network=0.1` (names as in `ScoreComponent.name`; see docs/matching.md)"},
	{"CHAINMATCH_MATCH_INDEX", "true", false, "answer supplier, customer and partner matches and chain gaps from the in-process match index, kept exact by the change log (`false`: every match is Cypher; see docs/matching.md)"},
	{"CHAINMATCH_MATCH_INDEX_POLL", "300ms", false, "how often the match index catches up in the background (a match catches up first anyway, so this only keeps that catch-up short)"},
	{"CHAINMATCH_JWT_HS256_SECRET", "", true, "accept HS256 JWTs signed with this secret (at least 32 bytes)"},
	{"CHAINMATCH_JWT_RS256_PUBLIC_KEY_FILE", "", false, "accept RS256 JWTs verified with this PEM public key (instead of HS256)"},
	{"CHAINMATCH_JWT_ISSUER", "", false, "required `iss` of JWTs (empty: not checked)"},
	{"CHAINMATCH_JWT_AUDIENCE", "", false, "required `aud` of JWTs (empty: not checked)"},
	{"CHAINMATCH_JWT_ROLE_CLAIM", "role", false, "JWT claim holding the role (partner, staff or admin)"},
	{"CHAINMATCH_KEY_CACHE_TTL", "30s", false, "how long a verified API key is cached; the longest a revocation takes on other replicas; WebSocket connections re-verify their credential this often (at most every 10 s)"},
	{"CHAINMATCH_RATE_LIMITS", "anonymous=5:20,partner=20:60,staff=50:100,admin=50:100", false, "requests per second:burst per role, per API key (per IP for anonymous callers); 0 turns a role's limit off"},
	{"CHAINMATCH_TRUSTED_DOCUMENTS", "", false, "JSON manifest (sha256 -> document) of registered operations; turns trusted-documents mode on"},
	{"CHAINMATCH_TRUSTED_DOCUMENTS_ROLES", "anonymous,partner", false, "roles restricted to registered operations when trusted-documents mode is on"},
	{"CHAINMATCH_PPROF", "", false, "serve Go's `/debug/pprof/` on this separate loopback address, e.g. `127.0.0.1:6060` (empty: off; other hosts are refused)"},
	{"CHAINMATCH_CHANGES_RETENTION", "720h", false, "how long change-log events are kept (default 30 days); older ones are purged hourly and a cursor before them is CURSOR_EXPIRED (docs/changes.md)"},
	{"CHAINMATCH_CHANGES_POLL", "200ms", false, "how often subscriptions and change-log consumers look for events written by other replicas"},
	{"CHAINMATCH_WEBHOOK_ALLOW_HOSTS", "", false, "comma-separated hosts or host:port pairs webhooks may call although not public, and over plain http (for test receivers and in-house endpoints); all other webhook URLs must be https to public addresses"},
	{"CHAINMATCH_WEBHOOK_TIMEOUT", "10s", false, "timeout of one webhook delivery attempt (connect, TLS, request and response)"},
	{"CHAINMATCH_WEBHOOK_CONCURRENCY", "8", false, "webhook delivery attempts in flight at once per replica"},
	{"CHAINMATCH_WEBHOOK_RETRY_BASE", "30s", false, "largest delay after a webhook's first failed attempt; doubles per attempt (full jitter)"},
	{"CHAINMATCH_WEBHOOK_RETRY_MAX", "1h", false, "cap of the delay between webhook attempts"},
	{"CHAINMATCH_WEBHOOK_RETRY_WINDOW", "24h", false, "how long a failing webhook delivery is retried before it is DEAD"},
}

// Load reads the environment, applying defaults, and validates the result.
func Load() (Config, error) {
	return load(os.Getenv)
}

func load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v.Name == name {
				return v.Default
			}
		}
		panic("config: undeclared variable " + name)
	}
	var errs []string
	dur := func(name string) time.Duration {
		d, err := time.ParseDuration(get(name))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s: want a positive duration like 10s, got %q", name, get(name)))
		}
		return d
	}
	c := Config{
		Addr:            get("CHAINMATCH_ADDR"),
		Mode:            get("CHAINMATCH_MODE"),
		LogLevel:        get("CHAINMATCH_LOG_LEVEL"),
		Neo4jURI:        get("NEO4J_URI"),
		Neo4jUser:       get("NEO4J_USER"),
		Neo4jPassword:   get("NEO4J_PASSWORD"),
		Neo4jDatabase:   get("NEO4J_DATABASE"),
		Neo4jRetry:      dur("NEO4J_MAX_RETRY"),
		ReadTimeout:     dur("CHAINMATCH_READ_TIMEOUT"),
		WriteTimeout:    dur("CHAINMATCH_WRITE_TIMEOUT"),
		IdleTimeout:     dur("CHAINMATCH_IDLE_TIMEOUT"),
		RequestTimeout:  dur("CHAINMATCH_REQUEST_TIMEOUT"),
		ShutdownTimeout: dur("CHAINMATCH_SHUTDOWN_TIMEOUT"),
		AdminKey:        getenv("CHAINMATCH_ADMIN_KEY"),
		MatchWeights:    getenv("CHAINMATCH_MATCH_WEIGHTS"),
		MatchIndexPoll:  dur("CHAINMATCH_MATCH_INDEX_POLL"),

		JWTHS256Secret:        getenv("CHAINMATCH_JWT_HS256_SECRET"),
		JWTRS256PublicKeyFile: strings.TrimSpace(getenv("CHAINMATCH_JWT_RS256_PUBLIC_KEY_FILE")),
		JWTIssuer:             strings.TrimSpace(getenv("CHAINMATCH_JWT_ISSUER")),
		JWTAudience:           strings.TrimSpace(getenv("CHAINMATCH_JWT_AUDIENCE")),
		JWTRoleClaim:          get("CHAINMATCH_JWT_ROLE_CLAIM"),
		KeyCacheTTL:           dur("CHAINMATCH_KEY_CACHE_TTL"),
		TrustedDocuments:      strings.TrimSpace(getenv("CHAINMATCH_TRUSTED_DOCUMENTS")),
		PprofAddr:             strings.TrimSpace(getenv("CHAINMATCH_PPROF")),
		ChangesRetention:      dur("CHAINMATCH_CHANGES_RETENTION"),
		ChangesPoll:           dur("CHAINMATCH_CHANGES_POLL"),

		WebhookTimeout:     dur("CHAINMATCH_WEBHOOK_TIMEOUT"),
		WebhookRetryBase:   dur("CHAINMATCH_WEBHOOK_RETRY_BASE"),
		WebhookRetryMax:    dur("CHAINMATCH_WEBHOOK_RETRY_MAX"),
		WebhookRetryWindow: dur("CHAINMATCH_WEBHOOK_RETRY_WINDOW"),
	}
	for _, h := range strings.Split(getenv("CHAINMATCH_WEBHOOK_ALLOW_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.WebhookAllowHosts = append(c.WebhookAllowHosts, h)
		}
	}
	if wc, err := strconv.Atoi(get("CHAINMATCH_WEBHOOK_CONCURRENCY")); err != nil || wc < 1 || wc > 256 {
		errs = append(errs, "CHAINMATCH_WEBHOOK_CONCURRENCY: want an integer from 1 to 256")
	} else {
		c.WebhookConcurrency = wc
	}
	if c.PprofAddr != "" && !loopback(c.PprofAddr) {
		errs = append(errs, fmt.Sprintf("CHAINMATCH_PPROF: want a loopback host:port such as 127.0.0.1:6060, got %q", c.PprofAddr))
	}
	if c.JWTHS256Secret != "" && len(c.JWTHS256Secret) < 32 {
		errs = append(errs, "CHAINMATCH_JWT_HS256_SECRET: want at least 32 bytes")
	}
	if c.JWTHS256Secret != "" && c.JWTRS256PublicKeyFile != "" {
		errs = append(errs, "set CHAINMATCH_JWT_HS256_SECRET or CHAINMATCH_JWT_RS256_PUBLIC_KEY_FILE, not both")
	}
	c.RateLimits = map[string]Rate{}
	for _, item := range strings.Split(get("CHAINMATCH_RATE_LIMITS"), ",") {
		role, spec, ok1 := strings.Cut(strings.TrimSpace(item), "=")
		rps, burst, ok2 := strings.Cut(spec, ":")
		r, err1 := strconv.ParseFloat(rps, 64)
		b, err2 := strconv.Atoi(burst)
		role = strings.ToLower(strings.TrimSpace(role))
		if !ok1 || !ok2 || err1 != nil || err2 != nil || r < 0 || b < 0 || !knownRole(role) {
			errs = append(errs, fmt.Sprintf("CHAINMATCH_RATE_LIMITS: want role=perSecond:burst, got %q", item))
			continue
		}
		c.RateLimits[role] = Rate{PerSecond: r, Burst: b}
	}
	for _, role := range strings.Split(get("CHAINMATCH_TRUSTED_DOCUMENTS_ROLES"), ",") {
		if role = strings.ToLower(strings.TrimSpace(role)); role == "" {
			continue
		}
		if !knownRole(role) {
			errs = append(errs, fmt.Sprintf("CHAINMATCH_TRUSTED_DOCUMENTS_ROLES: unknown role %q", role))
		}
		c.TrustedDocumentsRoles = append(c.TrustedDocumentsRoles, role)
	}
	for _, o := range strings.Split(get("CHAINMATCH_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	n, err := strconv.ParseInt(get("CHAINMATCH_MAX_BODY_BYTES"), 10, 64)
	if err != nil || n < 1024 {
		errs = append(errs, "CHAINMATCH_MAX_BODY_BYTES: want an integer >= 1024")
	}
	c.MaxBodyBytes = n
	c.Migrate, err = strconv.ParseBool(get("CHAINMATCH_MIGRATE"))
	if err != nil {
		errs = append(errs, "CHAINMATCH_MIGRATE: want true or false")
	}
	c.MatchIndex, err = strconv.ParseBool(get("CHAINMATCH_MATCH_INDEX"))
	if err != nil {
		errs = append(errs, "CHAINMATCH_MATCH_INDEX: want true or false")
	}
	if c.Mode != "dev" && c.Mode != "prod" {
		errs = append(errs, fmt.Sprintf("CHAINMATCH_MODE: want dev or prod, got %q", c.Mode))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Sprintf("CHAINMATCH_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	if c.RequestTimeout >= c.WriteTimeout && len(errs) == 0 {
		errs = append(errs, "CHAINMATCH_REQUEST_TIMEOUT must be shorter than CHAINMATCH_WRITE_TIMEOUT")
	}
	// A drain shorter than a request's deadline would cut off requests the
	// server had accepted (make chaos, case 3: SIGTERM under load).
	if c.ShutdownTimeout <= c.RequestTimeout && len(errs) == 0 {
		errs = append(errs, "CHAINMATCH_SHUTDOWN_TIMEOUT must be longer than CHAINMATCH_REQUEST_TIMEOUT, or a drain cuts off accepted requests")
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// loopback reports whether addr is host:port with a loopback host: the
// profiler exposes internals and must not be reachable from other machines.
func loopback(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func knownRole(r string) bool {
	return r == "anonymous" || r == "partner" || r == "staff" || r == "admin"
}

// Dev reports development mode.
func (c Config) Dev() bool { return c.Mode == "dev" }

// String prints the configuration with secrets masked.
func (c Config) String() string {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "****"
	}
	return fmt.Sprintf("addr=%s mode=%s neo4j=%s user=%s password=%s db=%s cors=%v admin_key=%s jwt_hs256=%s jwt_rs256=%s trusted_documents=%s",
		c.Addr, c.Mode, c.Neo4jURI, c.Neo4jUser, mask(c.Neo4jPassword), c.Neo4jDatabase, c.CORSOrigins, mask(c.AdminKey),
		mask(c.JWTHS256Secret), c.JWTRS256PublicKeyFile, c.TrustedDocuments)
}
