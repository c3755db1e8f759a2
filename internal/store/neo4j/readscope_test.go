package neo4jstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"chainmatch/internal/apperr"

	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// TestReadScopeSharesOneTransaction: the reads of a scope run in one
// transaction, reads outside a scope each in their own; a write ends the
// scope's transaction, and the reads after it see the write.
func TestReadScopeSharesOneTransaction(t *testing.T) {
	s := neo4jtest.Open(t)
	bg := context.Background()
	ctx, end := s.WithReadScope(bg)
	first, err := neo4jstore.TransactionID(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := neo4jstore.TransactionID(ctx, s)
	if err != nil || again != first {
		t.Fatalf("second read in the scope ran in %q (err %v), the first in %q", again, err, first)
	}
	outside, err := neo4jstore.TransactionID(bg, s)
	if err != nil || outside == first {
		t.Fatalf("read outside the scope ran in %q (err %v), the scope's is %q", outside, err, first)
	}

	if got, err := s.EnterprisesByUSCC(ctx, []string{"91330000SCOPE0001X"}); err != nil || got[0] != nil {
		t.Fatalf("before the write: %v, %v", got, err)
	}
	rec := enterprise.Record{Enterprise: enterprise.Enterprise{USCC: "91330000SCOPE0001X", Name: "读作用域测试", Owner: "test"}}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{rec}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.DeleteEnterprise(bg, rec.Enterprise.USCC) })
	if got, err := s.EnterprisesByUSCC(ctx, []string{rec.Enterprise.USCC}); err != nil || got[0] == nil || got[0].Name != rec.Enterprise.Name {
		t.Fatalf("after the write, in the scope: %v, %v", got, err)
	}
	after, err := neo4jstore.TransactionID(ctx, s)
	if err != nil || after == first {
		t.Fatalf("read after the write ran in %q (err %v), before it in %q", after, err, first)
	}
	end()
	if _, err := neo4jstore.TransactionID(ctx, s); err != nil {
		t.Fatalf("read after the scope ended: %v", err)
	}
}

// TestReadScopeDoesNotRerunDomainErrors: a read whose answer is "not
// found" is final; it must not be run a second time outside the scope.
func TestReadScopeDoesNotRerunDomainErrors(t *testing.T) {
	s := neo4jtest.Open(t)
	var n atomic.Int64
	ctx, end := s.WithReadScope(neo4jstore.WithRoundTripCounter(context.Background(), &n))
	defer end()
	_, err := s.MatchAsker(ctx, "91330000NOSUCH000X", nil)
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("MatchAsker of an unknown firm: %v, want ErrNotFound", err)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("not-found read cost %d statements, want 1", got)
	}
}
