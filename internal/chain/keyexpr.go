package chain

import "strings"

// keyAtom is one term over search keys (textkey.Keys): a whole token, a
// token prefix (Lucene `w*`) or a token within one edit (`w~1`).
type keyAtom struct {
	text          string
	prefix, fuzzy bool
}

// keyClause needs all its atoms. A group is written `(+a +b)`, a single
// atom that is not a group bare.
type keyClause struct {
	atoms []keyAtom
	group bool
}

// keyExpr matches a node when one of its clauses does (Lucene's default
// OR). It is the one description of a key query: lucene writes it for the
// full-text indexes, catalogIndex.find evaluates it in memory over the
// catalogue, with the same meaning.
type keyExpr []keyClause

// lucene is the Lucene query text; sep joins the clauses (" " or " OR ",
// the same for Lucene's default operator).
func (e keyExpr) lucene(sep string) string {
	parts := make([]string, 0, len(e))
	for _, c := range e {
		terms := make([]string, len(c.atoms))
		for i, a := range c.atoms {
			terms[i] = a.lucene()
			if c.group {
				terms[i] = "+" + terms[i]
			}
		}
		if c.group {
			parts = append(parts, "("+strings.Join(terms, " ")+")")
		} else {
			parts = append(parts, terms...)
		}
	}
	return strings.Join(parts, sep)
}

func (a keyAtom) lucene() string {
	switch {
	case a.prefix:
		return a.text + "*"
	case a.fuzzy:
		return a.text + "~1"
	}
	return a.text
}

// single is a clause of one atom, written bare.
func single(a keyAtom) keyClause { return keyClause{atoms: []keyAtom{a}} }
