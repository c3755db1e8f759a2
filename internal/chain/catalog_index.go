package chain

import (
	"slices"
	"sort"
	"strings"

	"chainmatch/internal/textkey"
)

// catalogIndex is the catalogue's search entries (every chain and
// product, with its search keys and the object itself) in memory: the
// catalogue is a few hundred nodes that change rarely, so matching a key
// query against them costs microseconds, where a full-text index query
// costs Neo4j a procedure call per search. Like the full-text index it is
// inverted: each distinct token (sorted, for prefix look-ups) lists the
// entries holding it.
type catalogIndex struct {
	hits     []Hit
	tokens   []string // sorted, distinct
	postings [][]int  // postings[i]: the entries holding tokens[i], ascending
}

func newCatalogIndex(hits []Hit) *catalogIndex {
	at := map[string][]int{}
	for i, h := range hits {
		for _, t := range strings.Fields(h.SearchKeys) {
			if ps := at[t]; len(ps) == 0 || ps[len(ps)-1] != i {
				at[t] = append(ps, i)
			}
		}
	}
	c := &catalogIndex{hits: hits, tokens: make([]string, 0, len(at))}
	for t := range at {
		c.tokens = append(c.tokens, t)
	}
	sort.Strings(c.tokens)
	c.postings = make([][]int, len(c.tokens))
	for i, t := range c.tokens {
		c.postings[i] = at[t]
	}
	return c
}

// find returns the entries e matches, in catalogue order, each found via
// via.
func (c *catalogIndex) find(e keyExpr, via string) []Hit {
	if c == nil || len(e) == 0 {
		return nil
	}
	found := make([]bool, len(c.hits))
	for _, cl := range e {
		var in []bool // the entries every atom so far matched
		for _, a := range cl.atoms {
			m := c.atom(a)
			if in == nil {
				in = m
				continue
			}
			for i := range in {
				in[i] = in[i] && m[i]
			}
		}
		for i, ok := range in {
			found[i] = found[i] || ok
		}
	}
	var out []Hit
	for i, ok := range found {
		if ok {
			h := c.hits[i]
			h.Via = []string{via}
			out = append(out, h)
		}
	}
	return out
}

// atom marks the entries holding a token a matches: equal to it, starting
// with it (prefix), or within one edit of it (fuzzy).
func (c *catalogIndex) atom(a keyAtom) []bool {
	m := make([]bool, len(c.hits))
	mark := func(i int) {
		for _, e := range c.postings[i] {
			m[e] = true
		}
	}
	switch {
	case a.fuzzy:
		for i, t := range c.tokens {
			if textkey.WithinOneEdit(t, a.text) {
				mark(i)
			}
		}
	case a.prefix:
		for i := sort.SearchStrings(c.tokens, a.text); i < len(c.tokens) && strings.HasPrefix(c.tokens[i], a.text); i++ {
			mark(i)
		}
	default:
		if i, ok := slices.BinarySearch(c.tokens, a.text); ok {
			mark(i)
		}
	}
	return m
}
