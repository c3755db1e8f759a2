package textkey

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestPinyin(t *testing.T) {
	cases := []struct {
		in            string
		full, initial string
	}{
		{"光伏", "guangfu", "gf"},
		{"光伏玻璃", "guangfuboli", "gfbl"},
		{"氢能", "qingneng", "qn"},
		{"氫能", "qingneng", "qn"}, // traditional
		{"集成电路", "jichengdianlu", "jcdl"},
		{"EVA胶膜", "jiaomo", "jm"},
	}
	for _, c := range cases {
		full, initials := Pinyin(c.in)
		if len(full) == 0 || full[0] != c.full || initials[0] != c.initial {
			t.Errorf("Pinyin(%q) = %v %v, want first %q %q", c.in, full, initials, c.full, c.initial)
		}
	}
}

func TestPinyinPolyphonicVariants(t *testing.T) {
	// 重 reads zhong (heavy) or chong (again): both readings are keyed.
	full, _ := Pinyin("重庆")
	if !slices.Contains(full, "chongqing") || !slices.Contains(full, "zhongqing") {
		t.Errorf("Pinyin(重庆) = %v, want both chongqing and zhongqing", full)
	}
}

func TestSimplifyAndNormalize(t *testing.T) {
	if got := Simplify("氫能汽車"); got != "氢能汽车" {
		t.Errorf("Simplify = %q", got)
	}
	if got := Normalize("  ＰＶ   Glass "); got != "pv glass" {
		t.Errorf("Normalize = %q", got)
	}
}

func TestSingular(t *testing.T) {
	for in, want := range map[string]string{
		"photovoltaics": "photovoltaic", "fasteners": "fastener", "glass": "glass",
		"chips": "chip", "batteries": "battery", "pv": "pv",
	} {
		if got := Singular(in); got != want {
			t.Errorf("Singular(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SingularText("PV Modules, special fasteners"); got != "pv module, special fastener" {
		t.Errorf("SingularText = %q", got)
	}
}

func TestKeys(t *testing.T) {
	k := strings.Fields(Keys("光伏", "Photovoltaics"))
	for _, want := range []string{"guangfu", "gf", "光", "伏", "photovoltaics", "photovoltaic"} {
		if !slices.Contains(k, want) {
			t.Errorf("Keys(光伏) = %v, missing %q", k, want)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"fastener", "fastener", true}, {"fastner", "fastener", true}, {"fastenerr", "fastener", true},
		{"fastenar", "fastener", true}, {"fsatener", "fastener", true}, {"fstenr", "fastener", false},
		{"inverter", "invertor", true}, {"abc", "xyz", false}, {"modlue", "module", true},
	} {
		if got := WithinOneEdit(c.a, c.b); got != c.want {
			t.Errorf("WithinOneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestParseSynonyms(t *testing.T) {
	groups, err := ParseSynonyms(strings.NewReader(DefaultSynonyms))
	if err != nil || len(groups) < 10 {
		t.Fatalf("default synonyms: %d groups, %v", len(groups), err)
	}
	if !slices.Equal(groups[0], []string{"PV", "photovoltaic", "solar", "光伏", "太阳能"}) {
		t.Errorf("first group = %v", groups[0])
	}
	if _, err := ParseSynonyms(strings.NewReader("# c\nonly one\n")); err == nil {
		t.Error("a group of one term was accepted")
	}
}

// BenchmarkNormalizeName is the search ranking's per-hit cost of
// normalising a simplified Chinese name (the common case: no conversion).
func BenchmarkNormalizeName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Normalize("嘉兴光伏新材料科技有限公司")
	}
}

// The fast path of Normalize returns exactly what building the copy does.
func TestNormalizeFastPathAgrees(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for _, r := range Simplify(s) {
			if r >= '！' && r <= '～' {
				r -= 0xFEE0
			}
			b.WriteRune(unicode.ToLower(r))
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	for _, s := range []string{"", " ", "a", "a ", " a", "a  b", "a b", "a\tb", "a\u3000b", "Ａbc", "ＡＢＣ有限公司", "嘉兴光伏新材料科技有限公司",
		"photovoltaic glass", "Photovoltaic Glass", "臺灣 電子", "x\n", "İstanbul", "ǅ", "ß", "a \u00a0b"} {
		if got, want := Normalize(s), slow(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}
