package chain

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SynonymRefresh is how old the service's copy of the synonym list may
// grow before a search reloads it: a list changed by `chainmatch synonyms
// load` (on any replica) is used by every server within this time of its
// commit. Reloading is one small statement per interval and replica, run
// by one search while the others keep using the previous copy.
const SynonymRefresh = time.Second

// synonymList is one loaded copy of the synonym groups: for each term, the
// groups holding it.
type synonymList struct {
	groups []SynonymGroup
	byTerm map[string][]int
	at     time.Time
}

// synonymCache keeps the synonym list in memory so that a search resolves
// its synonyms without a statement (docs/search.md, Synonyms).
type synonymCache struct {
	load    func(ctx context.Context) ([]SynonymGroup, error)
	maxAge  time.Duration
	now     func() time.Time
	current atomic.Pointer[synonymList]
	// loading is held by the one search that reloads the list.
	loading sync.Mutex
}

func newSynonymCache(load func(ctx context.Context) ([]SynonymGroup, error), maxAge time.Duration) *synonymCache {
	return &synonymCache{load: load, maxAge: maxAge, now: time.Now}
}

// list returns a copy of the list at most maxAge old, reloading it when it
// is older. While one search reloads, the others use the previous copy;
// only before the first load do they wait. A failed reload keeps the
// previous copy (and is retried by the next search).
func (c *synonymCache) list(ctx context.Context) (*synonymList, error) {
	cur := c.current.Load()
	if cur != nil && c.now().Sub(cur.at) < c.maxAge {
		return cur, nil
	}
	if cur != nil {
		if !c.loading.TryLock() {
			return cur, nil
		}
	} else {
		c.loading.Lock()
	}
	defer c.loading.Unlock()
	if again := c.current.Load(); again != nil && again != cur {
		return again, nil
	}
	at := c.now()
	groups, err := c.load(ctx)
	if err != nil {
		if cur != nil {
			return cur, nil
		}
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	l := &synonymList{groups: groups, byTerm: map[string][]int{}, at: at}
	for i, g := range groups {
		for _, t := range g.Terms {
			l.byTerm[t] = append(l.byTerm[t], i)
		}
	}
	c.current.Store(l)
	return l, nil
}

// keyQuery is the Lucene query over searchKeys that finds the other terms
// of every group holding one of terms ("" when none does): their keys
// (SynonymGroup.Keys) joined by OR, in list order.
func (l *synonymList) keyQuery(terms []string) string {
	var keys []string
	for _, t := range terms {
		for _, gi := range l.byTerm[t] {
			g := l.groups[gi]
			for i, o := range g.Terms {
				if !slices.Contains(terms, o) && !slices.Contains(keys, g.Keys[i]) {
					keys = append(keys, g.Keys[i])
				}
			}
		}
	}
	return strings.Join(keys, " OR ")
}
