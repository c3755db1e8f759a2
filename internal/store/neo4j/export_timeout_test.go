package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// CountSlowly runs a deliberately long read (minutes without a deadline)
// through the store's ordinary read path; test-only.
func CountSlowly(ctx context.Context, s *Store) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, `UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS n`, nil)
		if err != nil || rec == nil {
			return 0, err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "n")
		return n, err
	})
}

// TxTimeoutFor exposes the transaction timeout chosen for ctx; test-only.
func TxTimeoutFor(ctx context.Context) time.Duration {
	var cfg neo4j.TransactionConfig
	txTimeout(ctx)(&cfg)
	return cfg.Timeout
}

// BulkTxTimeoutFor is the transaction timeout of a bulk statement under
// ctx; test-only.
func BulkTxTimeoutFor(ctx context.Context) time.Duration {
	return TxTimeoutFor(withTxLimit(ctx, bulkTxTimeout))
}
