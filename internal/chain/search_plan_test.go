package chain

import (
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
		if (q.Names != "") != c.names || (q.Keys != "") != c.keys || (q.FirmKeys != "") != c.firmKeys ||
			(q.USCCPrefix != "") != c.prefix || p.fuzzy != c.fuzzy {
			t.Errorf("%q planned %+v fuzzy %q", c.text, q, p.fuzzy)
		}
	}
}

func TestFuzzyQueryOnlyForWordsNoHitSpells(t *testing.T) {
	p, _ := PlanSearch("photovoltaik glass", nil)
	en := "Glass"
	glass := Hit{Kind: HitProduct, Key: "G", Via: []string{HitViaKey}, SearchKeys: textkey.Keys("玻璃", en),
		Product: &Product{Code: "G", Name: "玻璃", NameEn: &en}}
	q, ok := p.FuzzyQuery(p.Rank([]Hit{glass}))
	if !ok || q.Keys != "photovoltaik~1" || q.FirmKeys != q.Keys || q.Names != "" || q.USCCPrefix != "" {
		t.Fatalf("fuzzy query %+v, %v; want photovoltaik~1 over both key indexes", q, ok)
	}
	p, _ = PlanSearch("glass", nil)
	if q, ok := p.FuzzyQuery(p.Rank([]Hit{glass})); ok {
		t.Errorf("a word a hit spells got a fuzzy query %+v", q)
	}
	one := 1
	p, _ = PlanSearch("photovoltaik", &one)
	pv := Hit{Kind: HitChain, Key: "PV", Via: []string{HitViaName}, Chain: &IndustrialChain{Code: "PV", Name: "photovoltaik"}}
	if q, ok := p.FuzzyQuery(p.Rank([]Hit{pv})); ok {
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
