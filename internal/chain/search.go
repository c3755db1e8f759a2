package chain

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"chainmatch/internal/apperr"
	"chainmatch/internal/textkey"
	"chainmatch/internal/uscc"
)

// MaxSearchHits bounds Query.search's `first`.
const MaxSearchHits = 50

// How the store found a hit (Hit.Via).
const (
	HitViaName    = "name"    // the CJK full-text index over names and USCCs
	HitViaKey     = "key"     // the search keys: pinyin, characters, word prefixes, typos
	HitViaSynonym = "synonym" // a synonym of the query, through the key indexes
	HitViaUSCC    = "uscc"    // USCC prefix
)

// SearchQuery is what the store looks up for one search; empty parts are
// skipped. The catalogue (chains and products) is searched in memory
// (catalogIndex), so every part but Names reaches firms only. Names,
// FirmKeys and Synonyms are Lucene query text, built here from escaped
// user text only.
type SearchQuery struct {
	// Names queries the CJK full-text index over name, nameEn and uscc
	// (of firms, products and chains).
	Names string
	// FirmKeys queries the whitespace full-text index over enterprises'
	// searchKeys (textkey.Keys).
	FirmKeys string
	// Synonyms queries the firms' key index for the other terms of the
	// synonym groups holding the query, resolved by the service from its
	// in-memory copy of the list.
	Synonyms string
	// USCCPrefix is a normalised USCC prefix.
	USCCPrefix string
	// Limit bounds the hits of each part.
	Limit int
	// Places asks for the objects' places with the hits (HitParts.Places).
	Places bool
}

// HitParts says what a search reads of the objects it finds besides their
// own properties.
type HitParts struct {
	// Places are an enterprise's district and park and a product's
	// segment, a relationship read per hit. Without them those codes of
	// the objects found are unset whatever the graph holds: such objects
	// show a hit, they must not stand for the enterprise or product
	// elsewhere.
	Places bool
}

// SynonymGroup is one line of the synonym list: terms that mean the same
// thing, each normalised (textkey.Normalize), and for each term the
// Lucene query over searchKeys that finds names containing it (every word
// as a word prefix, every Chinese character; stored with the list for
// reading, the search computes it from the term).
type SynonymGroup struct {
	Name  string // the group's first term
	Terms []string
	Keys  []string // Keys[i] finds Terms[i]
}

// The match tiers, best first; a hit scores its best tier (docs/search.md).
const (
	tierExact     = 1.0  // the query is a name (English words compared in singular)
	tierPrefix    = 0.8  // a name starts with the query
	tierContained = 0.6  // a name contains the query (Latin: at a word start)
	tierPinyinAll = 0.42 // the query is the full pinyin or the initials of the Chinese name
	tierPinyin    = 0.4  // full pinyin or initials of the Chinese name start with the query
	tierSynonym   = 0.4  // a synonym of the query is in the name
	tierFuzzy     = 0.2  // every word matches, one within one edit
	tierPartial   = 0.05 // some words of the query match
)

// usccPrefix matches text that may be the start of a USCC.
var usccPrefix = regexp.MustCompile(`^[0-9A-HJ-NP-RTUW-Y]{4,18}$`)

// maxKeyHan bounds the Chinese characters of a query that the key query
// requires one by one.
const maxKeyHan = 8

// Search finds chains, products and enterprises by name: Chinese or
// English names, prefixes from the first character, pinyin and its
// initials, traditional characters, English singular and plural, one typo
// in longer words, and synonyms; and enterprises by USCC prefix. User text
// is escaped, never parsed as Lucene syntax. docs/search.md explains the
// ranking. parts says what the hits' objects carry.
func (s *Service) Search(ctx context.Context, text string, first *int, parts HitParts) ([]Hit, error) {
	plan, err := PlanSearch(text, first)
	if err != nil || plan.Empty() {
		return []Hit{}, err
	}
	plan.Query.Places = parts.Places
	var cat *catalogIndex
	if len(plan.keys) > 0 {
		if cat, err = s.catalog.get(ctx); err != nil {
			return nil, err
		}
	}
	hits, err := s.store.Search(ctx, plan.Query)
	if err != nil {
		return nil, err
	}
	var synonyms keyExpr
	if len(plan.terms) > 0 {
		syn, err := s.synonyms.get(ctx)
		if err != nil {
			return nil, err
		}
		synonyms = syn.keyQuery(plan.terms)
	}
	// The catalogue costs no statement: its key and synonym hits are
	// always there.
	if cat != nil {
		hits = MergeHits(hits, cat.find(plan.keys, HitViaKey))
		hits = MergeHits(hits, cat.find(synonyms, HitViaSynonym))
	}
	ranked := plan.Rank(hits)
	if !plan.room(ranked, tierSynonym) {
		synonyms = nil
	}
	more, ok := plan.MoreQuery(ranked, synonyms)
	if !ok {
		return ranked, nil
	}
	extra, err := s.store.Search(ctx, more.Query)
	if err != nil {
		return nil, err
	}
	if cat != nil {
		extra = MergeHits(extra, cat.find(more.fuzzy, HitViaKey))
	}
	return plan.Rank(MergeHits(hits, extra)), nil
}

// SearchPlan is one search ready to run: the store query, and what ranking
// its hits needs.
type SearchPlan struct {
	// Query holds the store's exact and prefix parts: names, the firms'
	// keys and USCC prefix.
	Query SearchQuery
	// keys is the key query (over the firms' index in Query, over the
	// catalogue in memory).
	keys keyExpr
	// fuzzy is the key query of one-edit terms (words of 5 or more
	// letters), run only when Query leaves room (MoreQuery).
	fuzzy keyExpr
	// terms are the forms of the query looked up in the synonym list,
	// whose key query runs only when Query leaves room (MoreQuery).
	terms []string
	text  searchText
	first int
}

// PlanSearch validates a search (first defaults to 10, at most
// MaxSearchHits; text at most 200 characters) and builds its store query.
func PlanSearch(text string, first *int) (SearchPlan, error) {
	n := 10
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxSearchHits {
		return SearchPlan{}, apperr.OutOfRange("first", 0, MaxSearchHits, "must be between 0 and %d", MaxSearchHits)
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 200 {
		return SearchPlan{}, apperr.OutOfRange("text", 0, 200, "must be at most 200 characters")
	}
	if text == "" || n == 0 {
		return SearchPlan{}, nil
	}
	q := newSearchText(text)
	if up := uscc.Normalize(text); usccPrefix.MatchString(up) && strings.ContainsAny(up, "0123456789") {
		// Text of USCC characters with a digit in it is a USCC prefix:
		// names hold no such words.
		return SearchPlan{text: q, first: n, Query: SearchQuery{USCCPrefix: up, Limit: n}}, nil
	}
	p := SearchPlan{text: q, first: n, keys: keyQuery(q), fuzzy: fuzzyKeyQuery(q), terms: synonymTerms(q),
		Query: SearchQuery{Names: escapeLucene(q.text), Limit: n}}
	// Firms whose names contain two or more typed Chinese characters in a
	// row are the name index's bigram hits already; the firms' key index
	// adds one character, words and pinyin.
	if len(q.words) > 0 || len(q.han) == 1 {
		p.Query.FirmKeys = p.keys.lucene(" ")
	}
	// Latin-only text: the key indexes hold every Latin word of name and
	// nameEn, as word prefixes, so the name index finds nothing more.
	if len(q.han) == 0 && len(p.keys) > 0 && q.latinOnly() {
		p.Query.Names = ""
	}
	if up := uscc.Normalize(text); usccPrefix.MatchString(up) {
		p.Query.USCCPrefix = up
	}
	return p, nil
}

// More is the second look-up of a search: the store's Query and the
// one-edit terms to match in the catalogue.
type More struct {
	Query SearchQuery
	fuzzy keyExpr
}

// MoreQuery is the second statement of a search, run only when the first
// look-up (names, keys, USCC prefix, and the catalogue's synonyms) leaves
// room: the synonyms' key query over the firms (synonyms, nil when the
// query has none or the first look-up found first hits above the synonym
// tier) and the one-edit key terms (words of 5 or more letters, when fewer
// than first hits score above the fuzzy tier; over the firms' index and
// the catalogue). A hit found only through a synonym scores at the synonym
// tier, one found only by one edit at the fuzzy tier or below, so neither
// can displace a hit that ranks above its tier.
//
// Only words that start no word of any hit's names (their search keys)
// get one-edit terms: a word that is spelled as in some name is no typo.
func (p SearchPlan) MoreQuery(ranked []Hit, synonyms keyExpr) (More, bool) {
	m := More{Query: SearchQuery{Synonyms: synonyms.lucene(" OR "), Limit: p.first, Places: p.Query.Places}}
	if len(p.fuzzy) > 0 && p.room(ranked, tierFuzzy) {
		var missing []string
		for _, w := range p.text.words {
			if len(w) >= 5 && !wordInKeys(w, ranked) {
				missing = append(missing, w)
			}
		}
		m.fuzzy = fuzzyKeyQuery(searchText{words: missing})
		m.Query.FirmKeys = m.fuzzy.lucene(" ")
	}
	return m, m.Query.Synonyms != "" || m.Query.FirmKeys != ""
}

// room reports whether fewer than first of the ranked hits score above
// tier, so that hits at that tier could still enter the list.
func (p SearchPlan) room(ranked []Hit, tier float64) bool {
	above := 0
	for _, h := range ranked {
		if h.Score > tier {
			above++
		}
	}
	return above < p.first
}

// wordInKeys reports whether a word of some hit's search keys starts with
// w (or is its singular).
func wordInKeys(w string, hits []Hit) bool {
	s := textkey.Singular(w)
	for _, h := range hits {
		for _, k := range strings.Fields(h.SearchKeys) {
			if strings.HasPrefix(k, w) || k == s {
				return true
			}
		}
	}
	return false
}

// MergeHits joins the hits of two statements of one search: a node found
// by both is kept once, with the parts of both.
func MergeHits(a, b []Hit) []Hit {
	type id struct {
		kind HitKind
		key  string
	}
	at := make(map[id]int, len(a))
	out := make([]Hit, len(a), len(a)+len(b))
	copy(out, a)
	for i, h := range out {
		at[id{h.Kind, h.Key}] = i
	}
	for _, h := range b {
		if i, ok := at[id{h.Kind, h.Key}]; ok {
			out[i].Via = append(slices.Clip(out[i].Via), h.Via...)
			continue
		}
		at[id{h.Kind, h.Key}] = len(out)
		out = append(out, h)
	}
	return out
}

// latinOnly reports whether the normalised text holds nothing but Latin
// letters, digits, spaces and punctuation (no other script).
func (q searchText) latinOnly() bool {
	for _, r := range q.text {
		if r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// Empty reports whether the search has nothing to look up (empty text or
// first 0).
func (p SearchPlan) Empty() bool { return p.first == 0 }

// Rank scores and orders the store's hits and keeps the first ones.
func (p SearchPlan) Rank(hits []Hit) []Hit {
	return rankHits(p.text, hits, len(p.Query.USCCPrefix), p.first)
}

// searchText is a query in the forms the tiers compare.
type searchText struct {
	text    string   // textkey.Normalize
	sing    string   // English words in singular
	words   []string // Latin words
	compact string   // text without spaces when it is only Latin letters (pinyin)
	han     []rune   // distinct Chinese characters
}

func newSearchText(raw string) searchText {
	q := searchText{text: textkey.Normalize(raw)}
	q.sing = textkey.SingularText(q.text)
	q.words = textkey.Words(q.text)
	if c := strings.ReplaceAll(q.text, " ", ""); c != "" && strings.Trim(c, "abcdefghijklmnopqrstuvwxyz") == "" {
		q.compact = c
	}
	for _, r := range q.text {
		if unicode.Is(unicode.Han, r) && !strings.ContainsRune(string(q.han), r) {
			q.han = append(q.han, r)
		}
	}
	return q
}

// keyQuery is the key query of a search: word prefixes from 2 letters
// (also of the singular), the words run together (pinyin typed with
// spaces), and every Chinese character required. Keys and query terms hold
// only a-z, 0-9 and Chinese characters, so nothing needs escaping.
func keyQuery(q searchText) keyExpr {
	var e keyExpr
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			e = append(e, single(keyAtom{text: p, prefix: true}))
		}
	}
	for _, w := range q.words {
		if len(w) < 2 {
			continue
		}
		add(w)
		add(textkey.Singular(w))
	}
	if len(q.words) > 1 && q.compact != "" {
		add(q.compact)
	}
	if len(q.han) > 0 && len(q.han) <= maxKeyHan {
		c := keyClause{group: true}
		for _, r := range q.han {
			c.atoms = append(c.atoms, keyAtom{text: string(r)})
		}
		e = append(e, c)
	}
	return e
}

// fuzzyKeyQuery is the key query of one edit in each word of 5 or more
// letters (and in its singular); empty when there is no such word.
func fuzzyKeyQuery(q searchText) keyExpr {
	var e keyExpr
	for _, w := range q.words {
		if len(w) < 5 {
			continue
		}
		e = append(e, single(keyAtom{text: w, fuzzy: true}))
		if s := textkey.Singular(w); s != w {
			e = append(e, single(keyAtom{text: s, fuzzy: true}))
		}
	}
	return e
}

// termKeyQuery is the key query that requires every word of q (as a word
// prefix, in singular) and every Chinese character.
func termKeyQuery(q searchText) keyClause {
	c := keyClause{group: true}
	for _, w := range q.words {
		c.atoms = append(c.atoms, keyAtom{text: textkey.Singular(w), prefix: true})
	}
	for _, r := range q.han {
		c.atoms = append(c.atoms, keyAtom{text: string(r)})
	}
	return c
}

// synonymTerms are the forms of the query looked up in the synonym list:
// the whole query, in singular, and each word.
func synonymTerms(q searchText) []string {
	terms := []string{q.text}
	if q.sing != q.text {
		terms = append(terms, q.sing)
	}
	if len(q.words) > 1 {
		for _, w := range q.words {
			terms = append(terms, w, textkey.Singular(w))
		}
	}
	return terms
}

// rankHits scores every hit by its best tier (a USCC-prefix hit scores
// 1 + prefix length / 18, above every name tier) and sorts them: score,
// then kind (chain, product, enterprise), then name, then key.
func rankHits(q searchText, hits []Hit, prefixLen, limit int) []Hit {
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		h.Score = 0
		if slices.Contains(h.Via, HitViaUSCC) {
			h.Score = 1 + float64(prefixLen)/18
		}
		name, nameEn := hitNames(h)
		h.Score = max(h.Score, q.tier(name, nameEn, h.SearchKeys, h.Via))
		if h.Score > 0 {
			out = append(out, h)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if ka, kb := kindOrder(a.Kind), kindOrder(b.Kind); ka != kb {
			return ka < kb
		}
		na, _ := hitNames(a)
		nb, _ := hitNames(b)
		if na != nb {
			return na < nb
		}
		return a.Key < b.Key
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func kindOrder(k HitKind) int {
	switch k {
	case HitChain:
		return 0
	case HitProduct:
		return 1
	}
	return 2
}

// hitNames returns the Chinese and English name of the object found.
func hitNames(h Hit) (string, string) {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch {
	case h.Chain != nil:
		return h.Chain.Name, deref(h.Chain.NameEn)
	case h.Product != nil:
		return h.Product.Name, deref(h.Product.NameEn)
	case h.Enterprise != nil:
		return h.Enterprise.Name, deref(h.Enterprise.NameEn)
	}
	return "", ""
}

// tier is the best tier at which the query matches a name (with its
// stored search keys); 0 when it does not match at all.
func (q searchText) tier(name, nameEn, keys string, via []string) float64 {
	fields := make([]string, 0, 2)
	for _, f := range []string{name, nameEn} {
		if f = textkey.Normalize(f); f != "" {
			fields = append(fields, f)
		}
	}
	best := 0.0
	for _, f := range fields {
		fs := textkey.SingularText(f)
		switch {
		case f == q.text || fs == q.sing:
			return tierExact
		case strings.HasPrefix(f, q.text) || q.sing != q.text && wordAt(fs, q.sing, 0):
			best = max(best, tierPrefix)
		case containsAtWord(f, q.text) || q.sing != q.text && containsWord(fs, q.sing) || q.allWordsIn(fs, false):
			best = max(best, tierContained)
		}
	}
	if best > 0 {
		return best
	}
	if q.compact != "" && len(q.compact) >= 2 {
		// The stored keys hold the name's pinyin and initials (and its
		// English words, which matched above already if they could).
		pinyin := strings.Fields(keys)
		if keys == "" {
			full, initials := textkey.Pinyin(name)
			pinyin = append(full, initials...)
		}
		best := 0.0
		for _, p := range pinyin {
			if p == q.compact {
				return tierPinyinAll
			}
			if strings.HasPrefix(p, q.compact) {
				best = tierPinyin
			}
		}
		if best > 0 {
			return best
		}
	}
	if slices.Contains(via, HitViaSynonym) {
		return tierSynonym
	}
	for _, f := range fields {
		if q.allWordsIn(textkey.SingularText(f), true) {
			return tierFuzzy
		}
	}
	for _, f := range fields {
		if q.someWordIn(f) {
			return tierPartial
		}
	}
	return 0
}

// containsAtWord reports whether s contains sub, at a word start when sub
// begins with a Latin letter or digit (so "pv" is in "jiaxing pv" but not
// in "bipv").
func containsAtWord(s, sub string) bool {
	if sub == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(sub)
	if !isLatin(r) {
		return strings.Contains(s, sub)
	}
	for i := 0; ; {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:at])
		if !isLatin(prev) {
			return true
		}
		i = at + 1
	}
}

// wordAt reports whether s holds sub at byte i, ending at a word end: a
// query put in singular ("polys" -> "poly") is a whole word, not the
// start of one ("polyester").
func wordAt(s, sub string, i int) bool {
	if !strings.HasPrefix(s[i:], sub) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(s[i+len(sub):])
	return i+len(sub) == len(s) || !isLatin(next)
}

// containsWord reports whether s holds sub starting and ending at word
// boundaries.
func containsWord(s, sub string) bool {
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		at := i + j
		prev, _ := utf8.DecodeLastRuneInString(s[:at])
		if (at == 0 || !isLatin(prev)) && wordAt(s, sub, at) {
			return true
		}
		i = at + 1
	}
	return false
}

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }

// allWordsIn reports whether every word of a query of two or more words
// (fuzzy: of one or more) starts a word of singular text fs, in singular;
// with fuzzy, words of 5 or more letters may also be one edit away from a
// word of fs. Chinese characters of the query must all be in fs.
func (q searchText) allWordsIn(fs string, fuzzy bool) bool {
	if len(q.words) == 0 || len(q.words) < 2 && !fuzzy {
		return false
	}
	for _, r := range q.han {
		if !strings.ContainsRune(fs, r) {
			return false
		}
	}
	fw := textkey.Words(fs)
	for _, w := range q.words {
		s := textkey.Singular(w)
		ok := false
		for _, x := range fw {
			if strings.HasPrefix(x, w) || x == s ||
				fuzzy && len(w) >= 5 && (textkey.WithinOneEdit(w, x) || textkey.WithinOneEdit(s, x)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// someWordIn reports whether a word or a Chinese character of the query is
// in f: what the full-text indexes return for a query of several words.
func (q searchText) someWordIn(f string) bool {
	for _, w := range q.words {
		if containsAtWord(f, w) {
			return true
		}
	}
	for _, r := range q.han {
		if strings.ContainsRune(f, r) {
			return true
		}
	}
	return false
}

// escapeLucene quotes every character the Lucene query parser treats as
// syntax, so that user text is only ever searched for, and lower-cases the
// boolean operators (AND, OR, NOT) that would otherwise be honoured.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if w == "AND" || w == "OR" || w == "NOT" {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// SynonymGroups normalises groups of terms (textkey.Normalize) into what
// the store writes (demo.LoadSynonyms, `chainmatch synonyms load`); a group needs two or more distinct terms.
func SynonymGroups(groups [][]string) ([]SynonymGroup, error) {
	out := make([]SynonymGroup, 0, len(groups))
	for i, g := range groups {
		var terms []string
		for _, t := range g {
			t = textkey.Normalize(t)
			if t != "" && !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
		if len(terms) < 2 {
			return nil, apperr.Invalid("synonyms", "group %d needs at least two distinct terms", i+1)
		}
		g := SynonymGroup{Name: terms[0], Terms: terms}
		for _, t := range terms {
			g.Keys = append(g.Keys, keyExpr{termKeyQuery(newSearchText(t))}.lucene(" "))
		}
		out = append(out, g)
	}
	return out, nil
}
