package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// qOwnTransaction returns the id of the transaction that runs it.
const qOwnTransaction = `SHOW TRANSACTIONS YIELD transactionId, currentQuery
	WHERE currentQuery STARTS WITH 'SHOW TRANSACTIONS YIELD transactionId, currentQuery'
	RETURN transactionId`

// TransactionID reads, through ctx, the id of the transaction the read runs in.
func TransactionID(ctx context.Context, s *Store) (string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		rec, err := single(ctx, tx, qOwnTransaction, nil)
		if err != nil {
			return "", err
		}
		r := &row{rec: rec}
		id := r.str("transactionId")
		return id, r.err
	})
}
