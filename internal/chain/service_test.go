package chain

import (
	"strings"
	"testing"

	"chainmatch/internal/enterprise"
)

func TestEscapeLucene(t *testing.T) {
	for in, want := range map[string]string{
		"光伏玻璃":               "光伏玻璃",
		"photovoltaic glass": "photovoltaic glass",
		`name:光伏~2`:          `name\:光伏\~2`,
		`a AND (b OR c)`:     `a and \(b or c\)`,
		`"x" * ? \ /`:        `\"x\" \* \? \\ \/`,
		"  spaced   out ":    "spaced out",
	} {
		if got := escapeLucene(in); got != want {
			t.Errorf("escapeLucene(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRankHitsByTierThenKindThenName(t *testing.T) {
	str := func(s string) *string { return &s }
	chain := func(code, name, en string) Hit {
		return Hit{Kind: HitChain, Key: code, Chain: &IndustrialChain{Code: code, Name: name, NameEn: str(en)}, Via: []string{HitViaKey}}
	}
	product := func(code, name, en string, via ...string) Hit {
		return Hit{Kind: HitProduct, Key: code, Product: &Product{Code: code, Name: name, NameEn: str(en)}, Via: via}
	}
	firm := func(uscc, name string, via ...string) Hit {
		return Hit{Kind: HitEnterprise, Key: uscc, Enterprise: &enterprise.Enterprise{USCC: uscc, Name: name}, Via: via}
	}
	cases := []struct {
		query string
		hits  []Hit
		want  []string
	}{
		// one character: chains and products before firms on an equal match
		{"氢", []Hit{firm("F1", "平湖氢能科技有限公司", HitViaKey), product("H2-FC", "氢燃料电池", "Hydrogen fuel cell", HitViaKey),
			chain("H2", "氢能", "Hydrogen energy")}, []string{"H2", "H2-FC", "F1"}},
		// exact (in singular) > prefix > contained
		{"fasteners", []Hit{product("FAS-X", "特种紧固件", "Special fasteners", HitViaName), chain("FAS", "紧固件", "Fastener"),
			product("FAS-Y", "紧固件毛坯", "Fastener blanks", HitViaName)}, []string{"FAS", "FAS-Y", "FAS-X"}},
		// pinyin initials and traditional characters
		{"gf", []Hit{firm("F2", "嘉兴光伏科技有限公司", HitViaKey), chain("PV", "光伏", "Photovoltaics"), chain("GF", "玻纤复材", "Glass fibre")},
			[]string{"PV"}}, // initials match from the start of a name only
		{"氫能", []Hit{chain("H2", "氢能", "Hydrogen energy"), firm("F1", "平湖氢能科技有限公司", HitViaName)}, []string{"H2", "F1"}},
		// a synonym ranks below a contained match; one typo last
		{"太阳能", []Hit{chain("PV", "光伏", "Photovoltaics"), product("AE-SOLAR", "卫星太阳能电池阵", "Satellite solar array", HitViaName)},
			[]string{"AE-SOLAR"}},
		{"invertor", []Hit{product("PV-INVERTER", "光伏逆变器", "PV inverter", HitViaKey)}, []string{"PV-INVERTER"}},
	}
	for _, c := range cases {
		got := rankHits(newSearchText(c.query), c.hits, 0, 10)
		var keys []string
		for _, h := range got {
			keys = append(keys, h.Key)
		}
		if strings.Join(keys, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q ranked %v, want %v", c.query, keys, c.want)
		}
	}
	syn := chain("PV", "光伏", "Photovoltaics")
	syn.Via = []string{HitViaSynonym}
	got := rankHits(newSearchText("太阳能"), []Hit{syn}, 0, 10)
	if len(got) != 1 || got[0].Score != tierSynonym {
		t.Errorf("synonym hit ranked %+v", got)
	}
}

func TestRankHitsPutsUSCCPrefixFirst(t *testing.T) {
	hits := []Hit{{Kind: HitChain, Key: "PV", Chain: &IndustrialChain{Name: "91330"}, Via: []string{HitViaName}},
		{Kind: HitEnterprise, Key: "91330402X", Enterprise: &enterprise.Enterprise{Name: "x"}, Via: []string{HitViaUSCC}}}
	got := rankHits(newSearchText("91330"), hits, 5, 10)
	if len(got) != 2 || got[0].Key != "91330402X" || got[0].Score != 1+5.0/18 || got[1].Score != tierExact {
		t.Fatalf("ranked %+v", got)
	}
}
