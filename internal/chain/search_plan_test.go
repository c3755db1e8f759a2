package chain

import (
	"slices"
	"testing"

	"chainmatch/internal/textkey"
)

func TestPlanSearchRunsOnlyThePartsTheScriptCanMatch(t *testing.T) {
	cases := []struct {
		text                          string
		names, keys, firmKeys, prefix bool
		fuzzy                         string
	}{
		{"photovoltaic", false, true, true, false, "photovoltaic~1"},
		{"gf", false, true, true, false, ""},
		{"光伏", true, true, false, false, ""},
		{"氢", true, true, true, false, ""},
		{"91330402", false, false, false, true, ""},
		{"PANEL", false, true, true, true, "panel~1"},
	}
	for _, c := range cases {
		p, err := PlanSearch(c.text, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		q := p.Query
		if (q.Names != "") != c.names || (len(p.keys) > 0) != c.keys || (q.FirmKeys != "") != c.firmKeys ||
			(q.USCCPrefix != "") != c.prefix || p.fuzzy.lucene(" ") != c.fuzzy {
			t.Errorf("%q planned %+v fuzzy %q", c.text, q, p.fuzzy.lucene(" "))
		}
	}
}

func TestFuzzyQueryOnlyForWordsNoHitSpells(t *testing.T) {
	p, _ := PlanSearch("photovoltaik glass", nil)
	en := "Glass"
	glass := Hit{Kind: HitProduct, Key: "G", Via: []string{HitViaKey}, SearchKeys: textkey.Keys("玻璃", en),
		Product: &Product{Code: "G", Name: "玻璃", NameEn: &en}}
	m, ok := p.MoreQuery(p.Rank([]Hit{glass}), nil)
	if q := m.Query; !ok || q.FirmKeys != "photovoltaik~1" || m.fuzzy.lucene(" ") != q.FirmKeys || q.Names != "" || q.USCCPrefix != "" || q.Synonyms != "" {
		t.Fatalf("fuzzy query %+v, %v; want photovoltaik~1 over the firms and the catalogue", m, ok)
	}
	p, _ = PlanSearch("glass", nil)
	if q, ok := p.MoreQuery(p.Rank([]Hit{glass}), nil); ok {
		t.Errorf("a word a hit spells got a fuzzy query %+v", q)
	}
	one := 1
	p, _ = PlanSearch("photovoltaik", &one)
	pv := Hit{Kind: HitChain, Key: "PV", Via: []string{HitViaName}, Chain: &IndustrialChain{Code: "PV", Name: "photovoltaik"}}
	if q, ok := p.MoreQuery(p.Rank([]Hit{pv}), nil); ok {
		t.Errorf("first hits above the fuzzy tier already, still a fuzzy query %+v", q)
	}
}

func TestMergeHitsKeepsEachNodeOnceWithBothParts(t *testing.T) {
	a := []Hit{{Kind: HitProduct, Key: "X", Via: []string{HitViaKey}}, {Kind: HitChain, Key: "X", Via: []string{HitViaName}}}
	b := []Hit{{Kind: HitProduct, Key: "X", Via: []string{HitViaKey}}, {Kind: HitEnterprise, Key: "E", Via: []string{HitViaKey}}}
	got := MergeHits(a, b)
	if len(got) != 3 || len(got[0].Via) != 2 || len(got[1].Via) != 1 || got[2].Key != "E" || len(a[0].Via) != 1 {
		t.Errorf("merged %+v (a now %+v)", got, a)
	}
}

func TestRankHitsBreaksFullTiesByID(t *testing.T) {
	p, _ := PlanSearch("氢", nil)
	product := func(key string) Hit {
		return Hit{Kind: HitProduct, Key: key, Via: []string{HitViaKey}, Product: &Product{Code: key, Name: "氢燃料电池"}}
	}
	for _, order := range [][]Hit{{product("B"), product("A"), product("C")}, {product("C"), product("B"), product("A")}} {
		got := p.Rank(order)
		if len(got) != 3 || got[0].Key != "A" || got[1].Key != "B" || got[2].Key != "C" {
			t.Errorf("ties ranked %v %v %v", got[0].Key, got[1].Key, got[2].Key)
		}
	}
}

// The synonyms' key query runs only when fewer than first hits rank above
// the synonym tier: a hit found only through a synonym cannot pass them.
func TestSynonymsOnlyWhenTheDirectHitsLeaveRoom(t *testing.T) {
	one := 1
	p, _ := PlanSearch("pv", &one)
	en := "PV"
	exact := Hit{Kind: HitChain, Key: "PV", Via: []string{HitViaKey}, SearchKeys: textkey.Keys("光伏", en),
		Chain: &IndustrialChain{Code: "PV", Name: "光伏", NameEn: &en}}
	if p.room(p.Rank([]Hit{exact}), tierSynonym) {
		t.Error("an exact hit fills first 1, yet the synonyms would run")
	}
	if !p.room(p.Rank(nil), tierSynonym) {
		t.Error("no hits, yet no room for synonyms")
	}
	syn := keyExpr{termKeyQuery(newSearchText("photovoltaic"))}
	m, ok := p.MoreQuery(nil, syn)
	if q := m.Query; !ok || q.Synonyms != "(+photovoltaic*)" || q.FirmKeys != "" || q.Names != "" || q.Limit != 1 {
		t.Errorf("second statement %+v, %v; want the synonyms alone", q, ok)
	}
	// A hit at the pinyin-prefix tier ties with a synonym hit: still room.
	gf := Hit{Kind: HitProduct, Key: "G", Via: []string{HitViaKey}, SearchKeys: textkey.Keys("光伏玻璃", ""),
		Product: &Product{Code: "G", Name: "光伏玻璃"}}
	p, _ = PlanSearch("guangf", &one)
	if r := p.Rank([]Hit{gf}); len(r) != 1 || r[0].Score != tierPinyin || !p.room(r, tierSynonym) {
		t.Errorf("pinyin-prefix hit %+v: want tier %v and room for synonyms", r, tierPinyin)
	}
}

// A key query means the same in Lucene and in memory: the text written
// for the firms' index, and the catalogue entries it matches.
func TestKeyQueryLuceneAndMemoryAgree(t *testing.T) {
	for _, c := range []struct{ text, lucene string }{
		{"photovoltaic", "photovoltaic*"},
		{"fasteners", "fasteners* fastener*"},
		{"guang fu", "guang* fu* guangfu*"},
		{"氢能", "(+氢 +能)"},
		{"光伏 glass", "glass* (+光 +伏)"},
	} {
		if got := keyQuery(newSearchText(c.text)).lucene(" "); got != c.lucene {
			t.Errorf("keyQuery(%q) = %q, want %q", c.text, got, c.lucene)
		}
	}
	en := "Photovoltaic Glass"
	cat := newCatalogIndex([]Hit{
		{Kind: HitProduct, Key: "PVG", SearchKeys: textkey.Keys("光伏玻璃", en), Product: &Product{Code: "PVG", Name: "光伏玻璃", NameEn: &en}},
		{Kind: HitChain, Key: "H2", SearchKeys: textkey.Keys("氢能", "Hydrogen"), Chain: &IndustrialChain{Code: "H2", Name: "氢能"}},
	})
	for _, c := range []struct {
		text string
		want []string
	}{
		{"gfbl", []string{"PVG"}},
		{"photovoltaics", []string{"PVG"}},
		{"氢", []string{"H2"}},
		{"氫能", []string{"H2"}},
		{"玻光", []string{"PVG"}}, // every character, in any order (the tiers rank them)
		{"hydro", []string{"H2"}},
		{"glas", []string{"PVG"}},
		{"steel", nil},
	} {
		var got []string
		for _, h := range cat.find(keyQuery(newSearchText(c.text)), HitViaKey) {
			got = append(got, h.Key)
			if len(h.Via) != 1 || h.Via[0] != HitViaKey {
				t.Errorf("%q: hit %s via %v", c.text, h.Key, h.Via)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("catalogue hits of %q = %v, want %v", c.text, got, c.want)
		}
	}
	fuzzy := fuzzyKeyQuery(newSearchText("hydrogin"))
	if got := cat.find(fuzzy, HitViaKey); len(got) != 1 || got[0].Key != "H2" || fuzzy.lucene(" ") != "hydrogin~1" {
		t.Errorf("one-edit query %q found %v", fuzzy.lucene(" "), got)
	}
}
