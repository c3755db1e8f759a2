package chain

import (
	"fmt"
	"testing"

	"chainmatch/internal/enterprise"
	"chainmatch/internal/textkey"
)

// BenchmarkRankHits ranks 60 candidates (what three parts of 20 return),
// the work Search adds on top of its statement.
func BenchmarkRankHits(b *testing.B) {
	var hits []Hit
	for i := range 60 {
		en := fmt.Sprintf("Jiaxing Helan%d PV Technology Co., Ltd.", i)
		name := fmt.Sprintf("嘉兴禾澜%d光伏科技有限公司", i)
		hits = append(hits, Hit{Kind: HitEnterprise, Key: fmt.Sprint(i), Via: []string{HitViaKey}, SearchKeys: textkey.Keys(name, en),
			Enterprise: &enterprise.Enterprise{Name: name, NameEn: &en}})
	}
	for _, text := range []string{"光伏", "gf", "photovoltaic"} {
		b.Run(text, func(b *testing.B) {
			p, _ := PlanSearch(text, nil)
			for b.Loop() {
				p.Rank(hits)
			}
		})
	}
}
