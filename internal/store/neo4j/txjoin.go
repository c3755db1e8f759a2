package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A joined transaction lets business code make several store writes commit
// as one: the change-log follower runs its handler with a context that
// carries the follower's write transaction, and every store method called
// with that context runs its statements in it (read and write both), so
// that the handler's effects and the consumer's cursor advance commit
// together or not at all. The business code never sees the transaction.

type joinedKey struct{}

type joined struct {
	s  *Store
	tx neo4j.ManagedTransaction
}

// withJoined returns ctx whose store calls on s run in tx.
func withJoined(ctx context.Context, s *Store, tx neo4j.ManagedTransaction) context.Context {
	return context.WithValue(ctx, joinedKey{}, &joined{s: s, tx: tx})
}

// joinedOf returns the transaction of s that ctx joined, if any.
func joinedOf(ctx context.Context, s *Store) *joined {
	if j, ok := ctx.Value(joinedKey{}).(*joined); ok && j.s == s {
		return j
	}
	return nil
}
