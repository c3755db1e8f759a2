package chain

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The cache reloads a list older than its bound, keeps the previous copy
// when a reload fails, and resolves a query's terms to the other terms'
// keys.
func TestSynonymCacheReloadsAfterItsBound(t *testing.T) {
	groups, err := SynonymGroups([][]string{{"PV", "太阳能", "光伏"}})
	if err != nil {
		t.Fatal(err)
	}
	loads := 0
	var fail error
	c := newSynonymCache(func(context.Context) ([]SynonymGroup, error) {
		loads++
		return groups, fail
	}, time.Second)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	ctx := context.Background()

	l, err := c.list(ctx)
	if err != nil || loads != 1 {
		t.Fatalf("first list: %v, %d loads", err, loads)
	}
	if got, want := l.keyQuery([]string{"太阳能"}), groups[0].Keys[0]+" OR "+groups[0].Keys[2]; got != want {
		t.Fatalf("keyQuery(太阳能) = %q, want %q", got, want)
	}
	if got := l.keyQuery([]string{"hydrogen"}); got != "" {
		t.Fatalf("keyQuery of a term in no group = %q", got)
	}
	now = now.Add(999 * time.Millisecond)
	if _, _ = c.list(ctx); loads != 1 {
		t.Fatalf("reloaded within the bound: %d loads", loads)
	}
	now = now.Add(2 * time.Millisecond)
	groups, fail = nil, errors.New("down")
	if l, err := c.list(ctx); err != nil || loads != 2 || l.keyQuery([]string{"pv"}) == "" {
		t.Fatalf("failed reload: %v, %d loads; the previous copy must stay", err, loads)
	}
	fail = nil
	if l, err := c.list(ctx); err != nil || loads != 3 || l.keyQuery([]string{"pv"}) != "" {
		t.Fatalf("reload after the failure: %v, %d loads; the empty list must replace the old one", err, loads)
	}
}
