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
	c := newRefreshing("synonyms", func(context.Context) (*synonymList, error) {
		loads++
		if fail != nil {
			return nil, fail
		}
		return newSynonymList(groups), nil
	}, time.Second)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	ctx := context.Background()

	l, err := c.get(ctx)
	if err != nil || loads != 1 {
		t.Fatalf("first list: %v, %d loads", err, loads)
	}
	if got, want := l.keyQuery([]string{"太阳能"}).lucene(" OR "), groups[0].Keys[0]+" OR "+groups[0].Keys[2]; got != want {
		t.Fatalf("keyQuery(太阳能) = %q, want %q", got, want)
	}
	if got := l.keyQuery([]string{"hydrogen"}); len(got) != 0 {
		t.Fatalf("keyQuery of a term in no group = %q", got.lucene(" "))
	}
	now = now.Add(999 * time.Millisecond)
	if _, _ = c.get(ctx); loads != 1 {
		t.Fatalf("reloaded within the bound: %d loads", loads)
	}
	now = now.Add(2 * time.Millisecond)
	groups, fail = nil, errors.New("down")
	if l, err := c.get(ctx); err != nil || loads != 2 || len(l.keyQuery([]string{"pv"})) == 0 {
		t.Fatalf("failed reload: %v, %d loads; the previous copy must stay", err, loads)
	}
	fail = nil
	if l, err := c.get(ctx); err != nil || loads != 3 || len(l.keyQuery([]string{"pv"})) != 0 {
		t.Fatalf("reload after the failure: %v, %d loads; the empty list must replace the old one", err, loads)
	}
}

// After invalidate the next get waits for a fresh copy, within the bound
// or not.
func TestRefreshingInvalidateLoadsAtOnce(t *testing.T) {
	n := 0
	c := newRefreshing("n", func(context.Context) (int, error) { n++; return n, nil }, time.Hour)
	ctx := context.Background()
	if v, _ := c.get(ctx); v != 1 {
		t.Fatalf("first get %d", v)
	}
	if v, _ := c.get(ctx); v != 1 {
		t.Fatalf("within the bound %d, want the cached 1", v)
	}
	c.invalidate()
	if v, _ := c.get(ctx); v != 2 {
		t.Fatalf("after invalidate %d, want a fresh 2", v)
	}
}
