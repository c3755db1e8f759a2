package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ForgetSearchKeys removes the search keys of every chain, product and
// enterprise, as in a graph written before they existed.
func ForgetSearchKeys(ctx context.Context, s *Store) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, `MATCH (n) WHERE n:IndustrialChain OR n:Product OR n:Enterprise
			REMOVE n.searchKeys, n.searchKeysVersion`, nil)
		return struct{}{}, err
	})
	return err
}
