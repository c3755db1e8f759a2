package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"

	"chainmatch/internal/apperr"
	"chainmatch/internal/gid"
)

// Storer is what the access layer needs from the graph store.
type Storer interface {
	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKey returns apperr.ErrNotFound when no key has this id.
	APIKey(ctx context.Context, id string) (APIKey, error)
	APIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey marks the key revoked at `at` (keeping an earlier
	// revocation) and returns it; apperr.ErrNotFound when it does not exist.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) (APIKey, error)
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	AppendAudit(ctx context.Context, entries []AuditEntry) error
	// AuditEntry returns the entry with this id or apperr.ErrNotFound.
	AuditEntry(ctx context.Context, id string) (AuditEntry, error)
	// AuditLog returns up to first entries older than after (newest first)
	// and whether more follow.
	AuditLog(ctx context.Context, first int, after *AuditCursor) ([]AuditEntry, bool, error)
	// PurgeAuditBefore deletes the audit entries older than before and
	// returns how many: the only deletion of audit entries (PurgeAudit).
	PurgeAuditBefore(ctx context.Context, before time.Time) (int64, error)
}

// Config tunes the Service.
type Config struct {
	// AdminKey is CHAINMATCH_ADMIN_KEY: a bootstrap admin credential.
	AdminKey string
	JWT      JWTConfig
	// KeyCacheTTL is how long a verified key is trusted without asking
	// Neo4j again, and so the longest a revocation made on another replica
	// takes to apply. Default 30s.
	KeyCacheTTL time.Duration
	Log         *slog.Logger
}

// Service authenticates callers and manages API keys and the audit trail.
type Service struct {
	store Storer
	cfg   Config
	now   func() time.Time

	// keys caches verified lookups by key id for KeyCacheTTL, unknown ids
	// too, so random keys cannot turn every request into a Neo4j read; the
	// least recently used entry goes when it is full.
	keys *expirable.LRU[string, cachedKey]
	// lookups lets concurrent requests with the same uncached key share
	// one read.
	lookups singleflight.Group
	// touched holds the key ids whose lastUsedAt was written within the
	// last touchEvery.
	touched   *expirable.LRU[string, struct{}]
	touchedMu sync.Mutex // makes "not touched lately, so touch" one step
}

type cachedKey struct {
	key   APIKey
	found bool
}

// touchEvery bounds writes of lastUsedAt to one per key per minute.
const touchEvery = time.Minute

// keyLookupTimeout bounds one shared key lookup in the store; it is
// independent of the request that happened to start it.
const keyLookupTimeout = 10 * time.Second

// maxCachedKeys bounds both caches.
const maxCachedKeys = 10000

// NewService returns the access service.
func NewService(store Storer, cfg Config) *Service {
	if cfg.KeyCacheTTL <= 0 {
		cfg.KeyCacheTTL = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{
		store:   store,
		cfg:     cfg,
		now:     time.Now,
		keys:    expirable.NewLRU[string, cachedKey](maxCachedKeys, nil, cfg.KeyCacheTTL),
		touched: expirable.NewLRU[string, struct{}](maxCachedKeys, nil, touchEvery),
	}
}

// ErrInvalidCredential means a credential was presented but is not valid;
// the HTTP layer answers 401 UNAUTHENTICATED.
var ErrInvalidCredential = errors.New("invalid credential")

// Authenticate turns the Authorization header into a principal. No header
// means anonymous; a header that does not verify is an error wrapping
// ErrInvalidCredential (never silently anonymous).
func (s *Service) Authenticate(ctx context.Context, header string) (Principal, error) {
	if strings.TrimSpace(header) == "" {
		return Principal{Role: Anonymous}, nil
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, fmt.Errorf("%w: want `Authorization: Bearer <api key or JWT>`", ErrInvalidCredential)
	}
	if s.cfg.AdminKey != "" && equalSecret(token, s.cfg.AdminKey) {
		return Principal{ID: "bootstrap-admin", Name: "CHAINMATCH_ADMIN_KEY", Role: Admin}, nil
	}
	if id, ok := parseAPIKey(token); ok {
		return s.authenticateKey(ctx, id, token)
	}
	if strings.Count(token, ".") == 2 && s.cfg.JWT.Enabled() {
		p, err := verifyJWT(s.cfg.JWT, token, s.now())
		if err != nil {
			return Principal{}, fmt.Errorf("%w: %w", ErrInvalidCredential, err)
		}
		return p, nil
	}
	return Principal{}, fmt.Errorf("%w: not an API key or accepted token", ErrInvalidCredential)
}

func (s *Service) authenticateKey(ctx context.Context, id, plain string) (Principal, error) {
	c, err := s.lookupKey(ctx, id)
	if err != nil {
		return Principal{}, err // DATABASE_UNAVAILABLE, not a bad key
	}
	if !c.found || !c.key.matches(plain) {
		return Principal{}, fmt.Errorf("%w: unknown API key", ErrInvalidCredential)
	}
	if c.key.Revoked() {
		return Principal{}, fmt.Errorf("%w: API key revoked", ErrInvalidCredential)
	}
	s.touch(ctx, id)
	return Principal{ID: c.key.ID, Name: c.key.Name, Role: c.key.Role}, nil
}

// lookupKey returns the key with this id from the cache, or else reads it
// once for all concurrent callers and caches the answer, "not found"
// included.
func (s *Service) lookupKey(ctx context.Context, id string) (cachedKey, error) {
	if c, ok := s.keys.Get(id); ok {
		return c, nil
	}
	// The shared lookup must not die with whichever caller started it: it
	// runs detached from that caller's cancellation (keeping its values,
	// e.g. the trace), bounded by keyLookupTimeout, and every caller waits
	// only as long as its own context allows.
	ch := s.lookups.DoChan(id, func() (any, error) {
		if c, ok := s.keys.Get(id); ok { // a flight that just ended filled it
			return c, nil
		}
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), keyLookupTimeout)
		defer cancel()
		k, err := s.store.APIKey(lctx, id)
		var c cachedKey
		switch {
		case errors.Is(err, apperr.ErrNotFound):
		case err != nil:
			return cachedKey{}, err
		default:
			c = cachedKey{key: k, found: true}
		}
		s.keys.Add(id, c)
		return c, nil
	})
	var v any
	select {
	case <-ctx.Done():
		return cachedKey{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return cachedKey{}, r.Err
		}
		v = r.Val
	}
	return v.(cachedKey), nil
}

// touch records lastUsedAt at most once per touchEvery per key; a failure
// is logged, never fatal to the request.
func (s *Service) touch(ctx context.Context, id string) {
	s.touchedMu.Lock()
	due := !s.touched.Contains(id)
	if due {
		s.touched.Add(id, struct{}{})
	}
	s.touchedMu.Unlock()
	if !due {
		return
	}
	if err := s.store.TouchAPIKey(ctx, id, s.now().UTC()); err != nil {
		s.cfg.Log.WarnContext(ctx, "record API key use", "key_id", id, "err", err)
	}
}

// requireAdmin is the service-side check behind @requires(role: ADMIN).
func requireAdmin(ctx context.Context) error {
	return Require(ctx, Admin)
}

// Require returns UNAUTHENTICATED or FORBIDDEN unless the caller has role.
func Require(ctx context.Context, role Role) error {
	p := FromContext(ctx)
	switch {
	case p.Role.AtLeast(role):
		return nil
	case p.Role == Anonymous:
		return &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in with an API key or token (role " + string(role) + " required)"}
	default:
		return &apperr.Error{Code: apperr.Forbidden, Message: "role " + string(role) + " required"}
	}
}

// AuthorizeOwned decides whether the caller may change a record whose
// owner (the submitting partner's key id, "" for staff-maintained records)
// is owner: staff and admin may change anything, partners only their own.
func AuthorizeOwned(ctx context.Context, owner string) error {
	if err := Require(ctx, Partner); err != nil {
		return err
	}
	p := FromContext(ctx)
	if p.Role.AtLeast(Staff) || (owner != "" && owner == p.ID) {
		return nil
	}
	return &apperr.Error{Code: apperr.Forbidden, Message: "partners may change only the records they submitted"}
}

// CreatedKey is a new key with its secret, which is shown only once.
type CreatedKey struct {
	Key    APIKey
	Secret string
}

// CreateKey makes a key for name and role (admin only).
func (s *Service) CreateKey(ctx context.Context, name string, role Role) (CreatedKey, error) {
	if err := requireAdmin(ctx); err != nil {
		return CreatedKey{}, err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 100 || !utf8.ValidString(name) {
		return CreatedKey{}, apperr.Invalid("name", "must be 1..100 characters")
	}
	if !role.IsValid() || role == Anonymous {
		return CreatedKey{}, apperr.Invalid("role", "must be PARTNER, STAFF or ADMIN")
	}
	k, secret, err := newAPIKey(name, role, s.now())
	if err != nil {
		return CreatedKey{}, fmt.Errorf("generate key: %w", err)
	}
	if err := s.store.CreateAPIKey(ctx, k); err != nil {
		return CreatedKey{}, fmt.Errorf("store key: %w", err)
	}
	return CreatedKey{Key: k, Secret: secret}, nil
}

// ListKeys returns every key, newest first (admin only).
func (s *Service) ListKeys(ctx context.Context) ([]APIKey, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.store.APIKeys(ctx)
}

// Key returns the key with this key id (admin only); nil when none exists.
func (s *Service) Key(ctx context.Context, id string) (*APIKey, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	k, err := s.store.APIKey(ctx, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// RevokeKey revokes a key (admin only), given its global id or its key id.
// It applies at once on this replica and within KeyCacheTTL on the others.
func (s *Service) RevokeKey(ctx context.Context, id string) (APIKey, error) {
	if err := requireAdmin(ctx); err != nil {
		return APIKey{}, err
	}
	id = strings.TrimSpace(id)
	if t, key, ok := gid.Decode(id); ok {
		if t != gid.APIKey {
			return APIKey{}, apperr.Invalid("id", "expected the id of an ApiKey, got the id of %s", gid.Article(t))
		}
		id = key
	}
	id = strings.TrimPrefix(id, keyPrefix)
	if len(id) != keyIDLen {
		return APIKey{}, apperr.Invalid("id", "not an API key id")
	}
	k, err := s.store.RevokeAPIKey(ctx, id, s.now().UTC())
	if errors.Is(err, apperr.ErrNotFound) {
		return APIKey{}, apperr.Missing("id", "no API key %s", id)
	}
	if err != nil {
		return APIKey{}, err
	}
	s.keys.Remove(id)
	return k, nil
}
