package chain

import "testing"

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

func TestRankHitsPutsUSCCPrefixFirst(t *testing.T) {
	names := []Hit{{Kind: HitProduct, Key: "PV-GLASS", Score: 4}, {Kind: HitEnterprise, Key: "A", Score: 2}, {Kind: HitChain, Key: "PV", Score: 4}}
	got := rankHits(names, []Hit{{Key: "B"}}, 9, 3)
	if len(got) != 3 || got[0].Key != "B" || got[0].Score != 1.5 || got[1].Key != "PV" || got[2].Key != "PV-GLASS" || got[1].Score != 1 {
		t.Fatalf("ranked %+v", got)
	}
}
