package chain

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// SynonymRefresh is how old the service's copies of the synonym list and
// of the catalogue's search entries may grow before a search reloads them:
// a list changed by `chainmatch synonyms load`, or a product or chain
// written by another process or replica, is used by every server within
// this time of its commit (a catalogue write through this server's
// service is searchable by its next search). Reloading is one small
// statement per interval and replica, run by one search while the others
// keep using the previous copy.
const SynonymRefresh = time.Second

// synonymList is one loaded copy of the synonym groups: for each term, the
// groups holding it, and each term's key query.
type synonymList struct {
	groups []SynonymGroup
	byTerm map[string][]int
	keys   [][]keyClause // keys[g][i] finds groups[g].Terms[i]
}

func newSynonymList(groups []SynonymGroup) *synonymList {
	l := &synonymList{groups: groups, byTerm: map[string][]int{}, keys: make([][]keyClause, len(groups))}
	for i, g := range groups {
		for _, t := range g.Terms {
			l.byTerm[t] = append(l.byTerm[t], i)
			l.keys[i] = append(l.keys[i], termKeyQuery(newSearchText(t)))
		}
	}
	return l
}

// refreshing keeps one loaded copy of something the search reads on every
// call (the synonym list, the catalogue's entries) so that a search needs
// no statement for it (docs/search.md).
type refreshing[S any] struct {
	what    string
	load    func(ctx context.Context) (S, error)
	maxAge  time.Duration
	now     func() time.Time
	current atomic.Pointer[loaded[S]]
	// loading is held by the one search that reloads the copy.
	loading sync.Mutex
}

type loaded[S any] struct {
	v  S
	at time.Time
}

func newRefreshing[S any](what string, load func(ctx context.Context) (S, error), maxAge time.Duration) *refreshing[S] {
	return &refreshing[S]{what: what, load: load, maxAge: maxAge, now: time.Now}
}

// get returns a copy at most maxAge old, reloading it when it is older.
// While one search reloads, the others use the previous copy; only before
// the first load, and after invalidate, do they wait. A failed reload
// keeps the previous copy (and is retried by the next search).
func (c *refreshing[S]) get(ctx context.Context) (S, error) {
	cur := c.current.Load()
	if cur != nil && c.now().Sub(cur.at) < c.maxAge {
		return cur.v, nil
	}
	if cur != nil {
		if !c.loading.TryLock() {
			return cur.v, nil
		}
	} else {
		c.loading.Lock()
	}
	defer c.loading.Unlock()
	if again := c.current.Load(); again != nil && again != cur {
		return again.v, nil
	}
	at := c.now()
	v, err := c.load(ctx)
	if err != nil {
		if cur != nil {
			return cur.v, nil
		}
		var zero S
		return zero, fmt.Errorf("%s: %w", c.what, err)
	}
	c.current.Store(&loaded[S]{v: v, at: at})
	return v, nil
}

// invalidate drops the copy: the next get loads a new one and waits for
// it (a write through this process is seen by its next search).
func (c *refreshing[S]) invalidate() {
	c.loading.Lock()
	defer c.loading.Unlock()
	c.current.Store(nil)
}

// keyQuery is the key query that finds the other terms of every group
// holding one of terms (empty when none does), in list order.
func (l *synonymList) keyQuery(terms []string) keyExpr {
	var e keyExpr
	seen := map[string]bool{}
	for _, t := range terms {
		for _, gi := range l.byTerm[t] {
			g := l.groups[gi]
			for i, o := range g.Terms {
				if k := l.keys[gi][i]; !slices.Contains(terms, o) && !seen[keyExpr{k}.lucene(" ")] {
					seen[keyExpr{k}.lucene(" ")] = true
					e = append(e, k)
				}
			}
		}
	}
	return e
}
