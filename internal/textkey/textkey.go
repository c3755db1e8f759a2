// Package textkey derives the search keys of names: simplified Chinese
// (traditional characters converted with OpenCC's t2s table), full pinyin
// and pinyin initials (go-pinyin), single Chinese characters, English words
// and their singular forms. The store writes Keys into an indexed property
// whenever it writes a name, so that every write path (API upserts,
// imports, the bulk loader) keys names the same way; the search service
// normalises queries with the same functions. See docs/search.md.
package textkey

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/jinzhu/inflection"
	"github.com/longbridgeapp/opencc"
	"github.com/mozillazg/go-pinyin"
)

// Version names the keying rules below. The store writes it with the keys
// and re-keys nodes whose stored version differs (Migrate), so that a
// change to these rules reaches names written before it: bump it with
// every such change.
const Version = "1"

// maxPinyinVariants bounds the readings kept for a name with polyphonic
// characters: the library's first (most common) reading of every
// character, then one variant per polyphonic character (its second
// reading), for the first few such characters.
const maxPinyinVariants = 4

var (
	t2sOnce sync.Once
	t2s     *opencc.OpenCC
)

// Simplify converts traditional Chinese characters to simplified ones
// (OpenCC t2s, phrases first). Text it cannot convert is returned as is.
func Simplify(s string) string {
	if !hasTraditional(s) {
		return s
	}
	cc := converter()
	if cc == nil {
		return s
	}
	out, err := cc.Convert(s)
	if err != nil {
		return s
	}
	return out
}

func converter() *opencc.OpenCC {
	t2sOnce.Do(func() {
		cc, err := opencc.New("t2s")
		if err == nil {
			t2s = cc
		}
	})
	return t2s
}

// bmpTraditional remembers, per Chinese character of the Basic
// Multilingual Plane, whether t2s changes it (two bits each: known,
// changed), so that most names (simplified already) skip the conversion
// without a lock or an allocation per character; traditional holds the
// same for the rare characters beyond it.
var (
	bmpTraditional [0x10000 / 16]atomic.Uint32
	traditional    sync.Map // rune -> bool, runes >= 0x10000
)

const (
	traditionalKnown   = 1
	traditionalChanged = 2
)

// changedByT2S converts one character with t2s.
func changedByT2S(r rune) bool {
	cc := converter()
	if cc == nil {
		return false
	}
	out, err := cc.Convert(string(r))
	return err == nil && out != string(r)
}

// isTraditional reports whether t2s changes the Chinese character r.
func isTraditional(r rune) bool {
	if r >= 0x10000 {
		if v, ok := traditional.Load(r); ok {
			return v.(bool)
		}
		changed := changedByT2S(r)
		traditional.Store(r, changed)
		return changed
	}
	word, shift := &bmpTraditional[r/16], uint(r%16)*2
	bits := word.Load() >> shift & 3
	if bits&traditionalKnown == 0 {
		bits = traditionalKnown
		if changedByT2S(r) {
			bits |= traditionalChanged
		}
		word.Or(bits << shift)
	}
	return bits&traditionalChanged != 0
}

func hasTraditional(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && unicode.Is(unicode.Han, r) && isTraditional(r) {
			return true
		}
	}
	return false
}

// Normalize is how names and queries are compared: simplified characters,
// lower case, full-width Latin letters and digits folded to ASCII, runs of
// spaces collapsed to one.
func Normalize(s string) string {
	s = Simplify(s)
	if normalized(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' { // full-width ASCII block
			r -= 0xFEE0
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// normalized reports whether Normalize would return s unchanged (most
// names: no upper case, no full-width Latin, single spaces between words),
// so that it can without building a copy.
func normalized(s string) bool {
	space := true // at the start, a space is one too many
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～', unicode.ToLower(r) != r:
			return false
		case unicode.IsSpace(r):
			if r != ' ' || space {
				return false
			}
			space = true
		default:
			space = false
		}
	}
	return !space || s == ""
}

// Words returns the runs of Latin letters and digits in s, lower-cased.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// Singular is the singular form of an English word ("photovoltaics" ->
// "photovoltaic", "fasteners" -> "fastener"); other words come back
// unchanged.
func Singular(word string) string {
	if len(word) < 3 || word[0] >= '0' && word[0] <= '9' {
		return word
	}
	// English plurals end in s, or in a, e, i or n (criteria, mice, cacti,
	// men); the library's rules are regular expressions, costly enough to
	// remember their answers (names use a small vocabulary).
	if !strings.ContainsRune("saein", rune(word[len(word)-1])) {
		return word
	}
	if v, ok := singulars.Load(word); ok {
		return v.(string)
	}
	out := inflection.Singular(word)
	if singularsSize.Add(1) <= maxSingulars {
		singulars.Store(word, out)
	}
	return out
}

// singulars remembers Singular's answers, up to maxSingulars words.
var (
	singulars     sync.Map
	singularsSize atomic.Int64
)

const maxSingulars = 100_000

// SingularText lower-cases s and puts every English word of it in its
// singular form, keeping everything else: "PV Modules" -> "pv module".
func SingularText(s string) string {
	var b strings.Builder
	word := []rune{}
	flush := func() {
		if len(word) > 0 {
			b.WriteString(Singular(string(word)))
			word = word[:0]
		}
	}
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			word = append(word, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// Pinyin returns the full pinyin (syllables joined without spaces) and the
// initials of the Chinese characters in s, each as a list of readings:
// the most common reading first, then variants for polyphonic characters.
// Characters other than Chinese ones are skipped.
func Pinyin(s string) (full, initials []string) {
	args := pinyin.NewArgs()
	args.Heteronym = true
	readings := pinyin.Pinyin(Simplify(s), args)
	if len(readings) == 0 {
		return nil, nil
	}
	primary := make([]string, len(readings))
	for i, r := range readings {
		primary[i] = r[0]
	}
	variants := [][]string{primary}
	for i, r := range readings {
		if len(variants) >= maxPinyinVariants {
			break
		}
		if len(r) > 1 && r[1] != r[0] {
			v := append([]string(nil), primary...)
			v[i] = r[1]
			variants = append(variants, v)
		}
	}
	seenFull, seenInit := map[string]bool{}, map[string]bool{}
	for _, v := range variants {
		f := strings.Join(v, "")
		var in strings.Builder
		for _, syl := range v {
			in.WriteByte(syl[0])
		}
		if !seenFull[f] {
			seenFull[f] = true
			full = append(full, f)
		}
		if i := in.String(); !seenInit[i] {
			seenInit[i] = true
			initials = append(initials, i)
		}
	}
	return full, initials
}

// Keys is the value of a node's searchKeys property: lower-case tokens
// separated by spaces, indexed by a whitespace full-text index. For the
// Chinese name: every reading's full pinyin and initials and every
// distinct Chinese character (so one typed character finds the name); for
// both names: every English word and its singular form.
func Keys(name, nameEn string) string {
	var toks []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			toks = append(toks, t)
		}
	}
	simple := Simplify(name)
	full, initials := Pinyin(simple)
	for _, f := range full {
		add(f)
	}
	for _, i := range initials {
		add(i)
	}
	for _, r := range simple {
		if unicode.Is(unicode.Han, r) {
			add(string(r))
		}
	}
	for _, w := range append(Words(simple), Words(nameEn)...) {
		add(w)
		add(Singular(w))
	}
	return strings.Join(toks, " ")
}

// WithinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of two neighbouring letters (the
// distance Lucene's fuzzy query uses).
func WithinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		diff := -1
		for i := range ra {
			if ra[i] != rb[i] {
				if diff >= 0 {
					// a second difference: only a swap of neighbours is one edit
					return i == diff+1 && ra[diff] == rb[i] && ra[i] == rb[diff] && string(ra[i+1:]) == string(rb[i+1:])
				}
				diff = i
			}
		}
		return true
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}
