// Package neo4jstore is the only package that speaks Cypher. It owns the
// driver, runs every read through ExecuteRead (routable to cluster readers)
// and every write through ExecuteWrite, maps records to domain types in one
// place, and translates driver errors into the sentinel errors of
// internal/apperr.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"chainmatch/internal/apperr"
	"chainmatch/internal/changes"
)

// Config says how to reach Neo4j. URI may be bolt://, neo4j:// (routing, for
// clusters), or their +s / +ssc TLS forms (Aura).
type Config struct {
	URI      string
	User     string
	Password string
	Database string
	// MaxRetryTime bounds the driver's retries of a transaction function, so
	// that a request fails promptly with DATABASE_UNAVAILABLE when Neo4j is
	// down instead of hanging.
	MaxRetryTime time.Duration
	// PoolSize is the maximum number of Bolt connections per server.
	PoolSize int
}

// Store is chainmatch's gateway to Neo4j. It is safe for concurrent use;
// create one per process.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	// bookmarks makes every session of this process causally consistent
	// with the writes this process acknowledged, also on a cluster where
	// reads go to followers.
	bookmarks neo4j.BookmarkManager
	log       *slog.Logger
	migrated  atomic.Bool
	// changeSignal is notified after writes that appended change events.
	changeSignal *changes.Signal
}

// Open creates the driver. It does not wait for Neo4j: call Ping or
// Migrate for that, so that the server can start while Neo4j is down.
func Open(cfg Config, log *slog.Logger) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.MaxRetryTime == 0 {
		cfg.MaxRetryTime = 3 * time.Second
	}
	if cfg.PoolSize == 0 {
		cfg.PoolSize = 100
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			c.MaxTransactionRetryTime = cfg.MaxRetryTime
			c.ConnectionAcquisitionTimeout = 5 * time.Second
			c.SocketConnectTimeout = 2 * time.Second
			c.MaxConnectionPoolSize = cfg.PoolSize
			c.UserAgent = "chainmatch/1"
		})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver for %s: %w", cfg.URI, err)
	}
	// The driver (v5.28) initialises its connector lazily and unsynchronised
	// on the first connection attempt, so two first connections in parallel
	// race (the race detector sees it). One attempt here, before anything
	// runs concurrently, does that initialisation; whether it reaches Neo4j
	// does not matter (the server starts while Neo4j is down).
	warmCtx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	_ = drv.VerifyConnectivity(warmCtx)
	cancel()
	return &Store{
		driver:    drv,
		db:        cfg.Database,
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}),
		log:       log,
	}, nil
}

// Close closes the driver and its connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Ping checks that Neo4j answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return translate(err)
	}
	return nil
}

// Database names the database the store uses.
func (s *Store) Database() string { return s.db }

// Ready reports whether Neo4j answers and this process has applied (or
// found) every migration.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	if !s.migrated.Load() {
		return fmt.Errorf("schema not migrated: %w", apperr.ErrUnavailable)
	}
	return nil
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.db,
		AccessMode:      mode,
		BookmarkManager: s.bookmarks,
		FetchSize:       neo4j.FetchAll,
	})
}

// defaultTxTimeout is Neo4j's server-side limit for one transaction of a
// request.
const defaultTxTimeout = 30 * time.Second

type txLimitKey struct{}

// withTxLimit gives the transactions run under ctx the limit d instead of
// defaultTxTimeout (the bulk loader's batches, which can take longer than
// a request on a large graph or a busy machine).
func withTxLimit(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, txLimitKey{}, d)
}

// txTimeout is Neo4j's server-side limit for one transaction
// (defaultTxTimeout unless withTxLimit says otherwise); the request's
// deadline, when earlier, wins so that a cancelled request stops its query.
func txTimeout(ctx context.Context) func(*neo4j.TransactionConfig) {
	d := defaultTxTimeout
	if l, ok := ctx.Value(txLimitKey{}).(time.Duration); ok {
		d = l
	}
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < d {
			d = max(left, time.Millisecond)
		}
	}
	return neo4j.WithTxTimeout(d)
}

// read runs work in a read transaction (retried on transient errors, routed
// to a reader on a cluster) and translates errors. Inside a read scope
// (WithReadScope) it runs in the scope's shared transaction, and inside a
// joined write transaction (txjoin.go) in that one.
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	if j := joinedOf(ctx, s); j != nil {
		return work(j.tx)
	}
	if sc := scopeOf(ctx, s); sc != nil {
		v, err := scopedRead(ctx, sc, work)
		if err == nil {
			return v, nil
		}
		// A domain answer (not found, bad input) is final; only a failure
		// of the shared transaction itself is worth a run of its own.
		if isDomainError(err) {
			return v, err
		}
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	v, err := neo4j.ExecuteRead(ctx, sess, work, txTimeout(ctx))
	if err != nil {
		var zero T
		return zero, translate(err)
	}
	return v, nil
}

// write runs work in a write transaction. work must be idempotent: the
// driver retries it on transient errors. Generate ids outside it. It ends
// the read scope's transaction, if any, so that later reads see the write.
// Inside a joined write transaction (txjoin.go) work runs in that one and
// commits with it.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	if j := joinedOf(ctx, s); j != nil {
		return work(j.tx)
	}
	if sc := scopeOf(ctx, s); sc != nil {
		sc.end(ctx)
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	v, err := neo4j.ExecuteWrite(ctx, sess, work, txTimeout(ctx))
	if err != nil {
		var zero T
		return zero, translate(err)
	}
	return v, nil
}

// run executes one statement in tx, counts the round trip and collects all
// records. Every query of the store goes through here.
func run(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) (_ []*neo4j.Record, err error) {
	countRoundTrip(ctx)
	ctx, traced := traceStatement(ctx, query)
	defer func() { traced(err) }()
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// single is run for statements that return at most one record; it returns
// nil when there is none.
func single(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) (*neo4j.Record, error) {
	recs, err := run(ctx, tx, query, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

// isDomainError reports errors that work functions return on purpose: they
// mean the same in any transaction, so running the work again is waste.
func isDomainError(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) || errors.Is(err, apperr.ErrNotFound) || errors.Is(err, apperr.ErrConflict)
}

// translate maps driver errors to apperr sentinels, keeping the cause for logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) || errors.Is(err, apperr.ErrNotFound) || errors.Is(err, apperr.ErrConflict) {
		return err
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		switch {
		case nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return fmt.Errorf("%w: %w", apperr.ErrConflict, err)
		case nerr.Code == "Neo.ClientError.Transaction.TransactionTimedOut",
			nerr.Code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration":
			return fmt.Errorf("%w: query timed out: %w", apperr.ErrUnavailable, err)
		case nerr.Code == "Neo.ClientError.Security.Unauthorized",
			len(nerr.Code) > 18 && nerr.Code[:18] == "Neo.TransientError",
			nerr.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return fmt.Errorf("%w: %w", apperr.ErrUnavailable, err)
		}
		return err
	}
	var netErr net.Error
	if neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err) ||
		errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", apperr.ErrUnavailable, err)
	}
	return err
}

type roundTripKey struct{}

// WithRoundTripCounter returns a context whose store calls add one to n per
// Cypher statement sent to Neo4j. The HTTP layer attaches one per request;
// tests read it to prove that a page costs a constant number of round trips.
func WithRoundTripCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, roundTripKey{}, n)
}

func countRoundTrip(ctx context.Context) {
	if n, ok := ctx.Value(roundTripKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	roundTrips.Inc()
}
