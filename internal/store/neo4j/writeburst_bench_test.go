package neo4jstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"chainmatch/internal/enterprise"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// BenchmarkWriteBurst times a burst of single-enterprise upserts from 4
// writers (each upsert its own transaction, as the API makes them), the
// figure docs/changes.md quotes for the change log's cost per write.
func BenchmarkWriteBurst(b *testing.B) {
	s := neo4jtest.Open(b)
	ctx := context.Background()
	const writers, perWriter = 4, 50
	b.ResetTimer()
	for n := range b.N {
		start := time.Now()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWriter {
					c, _ := uscc.Make("330411", uint64(100000*n+1000*w+i))
					rec := enterprise.Record{Enterprise: enterprise.Enterprise{USCC: c, Name: fmt.Sprint("企业", i), IsLocal: true}}
					if err := s.UpsertEnterprises(ctx, []enterprise.Record{rec}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		b.ReportMetric(float64(el.Microseconds())/float64(writers*perWriter), "us/write")
	}
}
