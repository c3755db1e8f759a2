package neo4jstore

import (
	"context"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A read scope lets the reads of one request share one read transaction.
// A GraphQL request reads level by level (the page, then each batched
// field), one statement per level; as a transaction each of those also
// cost a session, a pooled connection's reset, BEGIN and COMMIT. In a
// scope the first read begins the transaction and the others run their
// statements in it, one at a time (a transaction is not safe for
// concurrent use). Neo4j reads committed data, so a shared transaction
// sees what a separate one would; a write ends the scope's transaction
// first, so that reads after it start a new one that sees it.
type readScope struct {
	mu   sync.Mutex
	s    *Store
	sess neo4j.SessionWithContext
	tx   neo4j.ExplicitTransaction
}

type readScopeKey struct{}

// WithReadScope returns ctx in which this store's reads share one read
// transaction, and the function that ends it; call it when the request is
// done. A read that fails inside the shared transaction is run again on its
// own, with the driver's retries.
func (s *Store) WithReadScope(ctx context.Context) (context.Context, func()) {
	sc := &readScope{s: s}
	return context.WithValue(ctx, readScopeKey{}, sc), func() {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		sc.endLocked(ctx)
		if sc.sess != nil {
			_ = sc.sess.Close(ctx)
			sc.sess = nil
		}
	}
}

// scopeOf returns the read scope of ctx for s, if any.
func scopeOf(ctx context.Context, s *Store) *readScope {
	if sc, ok := ctx.Value(readScopeKey{}).(*readScope); ok && sc.s == s {
		return sc
	}
	return nil
}

// endLocked ends the current transaction, if any. A read transaction has
// nothing to commit, so it is rolled back (one message, no bookmark).
func (sc *readScope) endLocked(ctx context.Context) {
	if sc.tx != nil {
		_ = sc.tx.Close(ctx)
		sc.tx = nil
	}
}

// end ends the current transaction; the next read begins a new one.
func (sc *readScope) end(ctx context.Context) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.endLocked(context.WithoutCancel(ctx))
}

// scopedRead runs work in sc's transaction, beginning it if needed. On an
// error the transaction is dropped (Neo4j has rolled it back).
func scopedRead[T any](ctx context.Context, sc *readScope, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	var zero T
	if sc.tx == nil {
		if sc.sess == nil {
			sc.sess = sc.s.session(ctx, neo4j.AccessModeRead)
		}
		tx, err := sc.sess.BeginTransaction(ctx, txTimeout(ctx))
		if err != nil {
			return zero, err
		}
		sc.tx = tx
	}
	v, err := work(sc.tx)
	if err != nil {
		sc.endLocked(context.WithoutCancel(ctx))
		return zero, err
	}
	return v, nil
}
