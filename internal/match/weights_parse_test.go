package match

import (
	"math"
	"strings"
	"testing"
)

func TestParseWeightsOverridesNamedComponents(t *testing.T) {
	w, err := ParseWeights(" proximity=0.4, network = 0 ,gapFill=0.5", DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultWeights()
	if w.Proximity != 0.4 || w.Network != 0 || w.GapFill != 0.5 || w.ProductFit != def.ProductFit {
		t.Fatalf("got %+v", w)
	}
	// The service scales each group to sum to 1 and scores stay sum(w*v).
	svc, err := NewService(nil, w)
	if err != nil {
		t.Fatal(err)
	}
	n := svc.Weights()
	sum := n.ProductFit + n.Proximity + n.Qualification + n.Network + n.Capacity + n.Novelty
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("match weights sum to %v after normalisation", sum)
	}
	if same, _ := ParseWeights("", def); same != def {
		t.Fatal("an empty spec must keep the defaults")
	}
}

func TestParseWeightsRejectsBadSpecs(t *testing.T) {
	for spec, want := range map[string]string{
		"proximity":      "name=value",
		"distance=0.2":   "unknown component",
		"proximity=-1":   "number >= 0",
		"proximity=lots": "number >= 0",
		"proximity=NaN":  "number >= 0",
		"productFit=0,proximity=0,qualification=0,network=0,capacity=0,novelty=0": "",
	} {
		_, err := ParseWeights(spec, DefaultWeights())
		if err == nil {
			t.Errorf("%q accepted", spec)
			continue
		}
		if want != "" && !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %q does not say %q", spec, err, want)
		}
	}
}
