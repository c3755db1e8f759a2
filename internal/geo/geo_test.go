package geo

import (
	"math"
	"testing"
)

func TestDistanceKm(t *testing.T) {
	jiaxing := Point{30.747, 120.756}
	for _, c := range []struct {
		name string
		to   Point
		want float64 // km, from published great-circle distances
		tol  float64
	}{
		{"same point", jiaxing, 0, 1e-9},
		{"Shanghai People's Square", Point{31.2304, 121.4737}, 88, 3},
		{"Chengdu", Point{30.5728, 104.0668}, 1596, 15},
		{"one degree of latitude", Point{31.747, 120.756}, 111.2, 0.2},
	} {
		got := DistanceKm(jiaxing, c.to)
		if math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: %.2f km, want %.1f ± %.1f", c.name, got, c.want, c.tol)
		}
		if back := DistanceKm(c.to, jiaxing); math.Abs(back-got) > 1e-9 {
			t.Errorf("%s: not symmetric (%f vs %f)", c.name, got, back)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, p := range []Point{{0, 0}, {90, 180}, {-90, -180}, {30.75, 120.78}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
	for _, p := range []Point{{91, 0}, {-90.1, 0}, {0, 180.5}, {0, -181}, {math.NaN(), 0}, {0, math.Inf(1)}} {
		if err := p.Validate(); err == nil {
			t.Errorf("%v accepted", p)
		}
	}
}
