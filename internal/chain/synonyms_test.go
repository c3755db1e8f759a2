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
	now = now.Add(499 * time.Millisecond)
	if _, _ = c.get(ctx); loads != 1 {
		t.Fatalf("reloaded within half the bound: %d loads", loads)
	}
	// Past half the bound: the copy comes back at once, and one reload
	// runs in the background.
	now = now.Add(2 * time.Millisecond)
	old := groups
	groups = nil
	l, err = c.get(ctx)
	c.ahead.Wait()
	if err != nil || len(l.keyQuery([]string{"pv"})) == 0 || loads != 2 {
		t.Fatalf("refresh ahead: %v, %d loads; the previous copy must come back at once", err, loads)
	}
	if l, _ := c.get(ctx); len(l.keyQuery([]string{"pv"})) != 0 || loads != 2 {
		t.Fatalf("after the background reload: %d loads; the new (empty) list must be used", loads)
	}
	// Past the bound: the search waits for the reload; a failed one keeps
	// the previous copy.
	groups = old
	now = now.Add(time.Second)
	if l, err := c.get(ctx); err != nil || loads != 3 || len(l.keyQuery([]string{"pv"})) == 0 {
		t.Fatalf("reload past the bound: %v, %d loads", err, loads)
	}
	now = now.Add(time.Second)
	groups, fail = nil, errors.New("down")
	if l, err := c.get(ctx); err != nil || loads != 4 || len(l.keyQuery([]string{"pv"})) == 0 {
		t.Fatalf("failed reload: %v, %d loads; the previous copy must stay", err, loads)
	}
	fail = nil
	if l, err := c.get(ctx); err != nil || loads != 5 || len(l.keyQuery([]string{"pv"})) != 0 {
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
