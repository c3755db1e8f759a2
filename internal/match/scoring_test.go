package match

import (
	"context"
	"math"
	"testing"

	"chainmatch/internal/enterprise"
)

func TestProductFitLadder(t *testing.T) {
	for _, k := range []Kind{Suppliers, Customers, GapFillers} {
		if !(productFitValue(k, FitProduct) == 1 && productFitValue(k, FitProduct) > productFitValue(k, FitSegment) &&
			productFitValue(k, FitSegment) > productFitValue(k, FitAdjacent) && productFitValue(k, FitAdjacent) > productFitValue(k, FitShared)) {
			t.Errorf("kind %d: exact > same segment > adjacent > none does not hold", k)
		}
	}
	if !(productFitValue(Partners, FitAdjacent) == 1 && productFitValue(Partners, FitSegment) > productFitValue(Partners, FitProduct) &&
		productFitValue(Partners, FitShared) == 0) {
		t.Error("partners: complementary (adjacent) first, competitors after peers")
	}
}

func TestProximity(t *testing.T) {
	d := func(v float64) *float64 { return &v }
	cases := []struct {
		d    *float64
		want float64
	}{
		{d(0), 1}, {d(25), math.Exp(-1)}, {d(12.4), math.Exp(-12.4 / 25)}, {nil, UnknownProximity},
	}
	for _, c := range cases {
		if got := proximityValue(c.d); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("proximity(%v) = %v, want %v", c.d, got, c.want)
		}
	}
	if proximityValue(d(40)) >= UnknownProximity || proximityValue(d(30)) <= UnknownProximity {
		t.Error("an unlocated firm should rank as if about 35 km away")
	}
}

func TestQualificationTakesTheHighestRung(t *testing.T) {
	cases := []struct {
		held []string
		want float64
		top  enterprise.Designation
	}{
		{nil, 0, ""},
		{[]string{"INNOVATIVE_SME"}, 0.3, enterprise.InnovativeSME},
		{[]string{"INNOVATIVE_SME", "PROVINCIAL_SRDI", "NATIONAL_LITTLE_GIANT"}, 0.7, enterprise.NationalLittleGiant},
		{[]string{"SINGLE_CHAMPION", "INVISIBLE_CHAMPION"}, 1, enterprise.SingleChampion},
		{[]string{"INVISIBLE_CHAMPION", "UNKNOWN"}, 0.85, enterprise.InvisibleChampion},
	}
	for _, c := range cases {
		if v, top := qualificationValue(c.held); v != c.want || top != c.top {
			t.Errorf("%v: %v %s, want %v %s", c.held, v, top, c.want, c.top)
		}
	}
}

func TestNetworkCapacityAndSeverity(t *testing.T) {
	if networkValue(0) != 0 || networkValue(1) != 1.0/3 || networkValue(2) != 0.5 || networkValue(6) != 0.75 {
		t.Error("network = n/(n+2)")
	}
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	cases := []struct {
		offered, wanted *float64
		ou, wu          *string
		want            float64
		known           bool
	}{
		{f(200), f(100), s("t"), s("t"), 1, true},
		{f(50), f(100), s("t"), s("t"), 0.5, true},
		{f(50), f(100), s("t"), s("pcs"), NeutralCapacity, false},
		{nil, f(100), nil, s("t"), NeutralCapacity, false},
		{f(0), f(100), s("t"), s("t"), NeutralCapacity, false},
		{f(10), f(0), s("t"), s("t"), NeutralCapacity, false},
	}
	for _, c := range cases {
		if v, known := capacityValue(c.offered, c.ou, c.wanted, c.wu); v != c.want || known != c.known {
			t.Errorf("capacity %+v: %v %v", c, v, known)
		}
	}
	if gapSeverity(3, 0) != 1 || gapSeverity(2, 2) != 0.5 || gapSeverity(1, 3) != 0.25 || gapSeverity(0, 5) != 0 {
		t.Error("severity = demand / (demand + supply)")
	}
}

func TestWeightsNormalise(t *testing.T) {
	w, err := Weights{ProductFit: 2, Proximity: 1, Qualification: 1, SupplyAccess: 1}.normalized()
	if err != nil {
		t.Fatal(err)
	}
	if w.ProductFit != 0.5 || w.Proximity != 0.25 || w.SupplyAccess != 1 {
		t.Errorf("normalised %+v", w)
	}
	d, _ := DefaultWeights().normalized()
	if d != DefaultWeights() {
		t.Error("the defaults already sum to 1 and must be kept as written")
	}
	for _, bad := range []Weights{{ProductFit: -1, Proximity: 2, SupplyAccess: 1}, {SupplyAccess: 1}, {ProductFit: 1}} {
		if _, err := NewService(nil, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestScoreIsTheWeightedSum(t *testing.T) {
	cs := []ScoreComponent{{CompProductFit, 0.5, 1}, {CompProximity, 0.25, 0.5}, {CompNovelty, 0.25, 0}}
	if score(cs) != 0.625 {
		t.Error("score")
	}
}

func TestLanguage(t *testing.T) {
	cases := map[string]Language{
		"":                          Chinese,
		"en":                        English,
		"en-US,en;q=0.9":            English,
		"zh-CN,zh;q=0.9,en;q=0.8":   Chinese,
		"fr-FR":                     Chinese,
		"fr-FR,en;q=0.5":            English,
		"de;q=0.9,zh-TW;q=0.8":      Chinese,
		"not a header;;q=x":         Chinese,
		"en-GB;q=0.3,zh-Hans;q=0.9": Chinese,
	}
	for h, want := range cases {
		if got := LanguageFromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
	if LanguageFrom(context.Background()) != Chinese || LanguageFrom(WithLanguage(context.Background(), English)) != English {
		t.Error("context language")
	}
}

func TestEveryReasonHasBothLanguages(t *testing.T) {
	zh, en := texts[Chinese], texts[English]
	for k, fits := range zh.fit {
		for f := range fits {
			if en.fit[k][f] == "" {
				t.Errorf("no English fit reason for kind %d fit %s", k, f)
			}
		}
	}
	for _, d := range enterprise.Designations {
		if zh.designations[d] == "" || en.designations[d] == "" {
			t.Errorf("designation %s unnamed", d)
		}
	}
	p := ProductRef{Code: "GLASS", Name: "光伏玻璃", NameEn: ptrTo("PV glass")}
	if productName(English, p) != "光伏玻璃 (PV glass)" || productName(Chinese, p) != "光伏玻璃" {
		t.Error("product names")
	}
}

func ptrTo[T any](v T) *T { return &v }
