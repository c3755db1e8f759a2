package textkey

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
)

// DefaultSynonyms is the synonym list shipped with chainmatch
// (synonyms.txt next to this file): `chainmatch synonyms load` and
// `chainmatch demo` load it into the graph.
//
//go:embed synonyms.txt
var DefaultSynonyms string

// ParseSynonyms reads a synonym list: one group per line, terms separated
// by "|", blank lines and lines starting with # ignored. A group needs two
// or more terms.
func ParseSynonyms(r io.Reader) ([][]string, error) {
	var groups [][]string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var terms []string
		for _, t := range strings.Split(text, "|") {
			if t = strings.TrimSpace(t); t != "" {
				terms = append(terms, t)
			}
		}
		if len(terms) < 2 {
			return nil, fmt.Errorf("synonyms line %d: a group needs at least two terms separated by |", line)
		}
		groups = append(groups, terms)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read synonyms: %w", err)
	}
	return groups, nil
}
