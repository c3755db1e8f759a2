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
// statement per half interval and replica, run in the background while
// searches keep using the previous copy.
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
	// loading is held by the one caller or background reload that
	// reloads the copy.
	loading sync.Mutex
	// ahead counts the background reloads in flight (tests wait on it).
	ahead sync.WaitGroup
}

type loaded[S any] struct {
	v  S
	at time.Time
}

// aheadTimeout bounds a background reload.
const aheadTimeout = 10 * time.Second

func newRefreshing[S any](what string, load func(ctx context.Context) (S, error), maxAge time.Duration) *refreshing[S] {
	return &refreshing[S]{what: what, load: load, maxAge: maxAge, now: time.Now}
}

// get returns a copy at most maxAge old. A copy past half that age is
// returned at once and reloaded in the background (one reload at a time),
// so that under a steady flow of searches none waits for a reload and the
// reload's statement is nobody's; a search waits only before the first
// load, after invalidate, and when the copy is past maxAge (no search came
// for a while). A failed reload keeps the previous copy (and is retried by
// a later search).
func (c *refreshing[S]) get(ctx context.Context) (S, error) {
	cur := c.current.Load()
	if cur != nil {
		age := c.now().Sub(cur.at)
		if age < c.maxAge/2 {
			return cur.v, nil
		}
		if age < c.maxAge {
			if c.loading.TryLock() {
				c.ahead.Add(1)
				go func() {
					defer c.ahead.Done()
					defer c.loading.Unlock()
					if c.current.Load() != cur {
						return // reloaded meanwhile
					}
					ctx, cancel := context.WithTimeout(context.Background(), aheadTimeout)
					defer cancel()
					c.reload(ctx, cur)
				}()
			}
			return cur.v, nil
		}
	}
	c.loading.Lock()
	defer c.loading.Unlock()
	if again := c.current.Load(); again != nil && again != cur {
		return again.v, nil
	}
	return c.reload(ctx, cur)
}

// reload loads a new copy (with c.loading held) and returns it, or cur
// when the load fails and there is one.
func (c *refreshing[S]) reload(ctx context.Context, cur *loaded[S]) (S, error) {
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
