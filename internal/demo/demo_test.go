package demo

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(Options{}), Generate(Options{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two generations with the same options differ")
	}
	c := Generate(Options{Seed: 7})
	if reflect.DeepEqual(a.Enterprises, c.Enterprises) {
		t.Fatal("a different seed gave the same enterprises")
	}
}

// relCount is the number of relationships the graph's records make.
func relCount(g *Graph) int {
	n := len(g.Grants) + len(g.Makes) + len(g.Needs) + len(g.Supplies)
	for _, e := range g.Enterprises {
		if e.DistrictCode != "" {
			n++
		}
		if e.ParkCode != "" {
			n++
		}
	}
	return n
}

func TestDemoShape(t *testing.T) {
	g := Generate(Options{})

	if n := len(g.Enterprises); n != DefaultEnterprises {
		t.Errorf("%d enterprises, want %d", n, DefaultEnterprises)
	}
	if n := len(g.Chains); n < 10 {
		t.Errorf("%d chains, want >= 10", n)
	}
	if n := len(g.Products); n < 150 {
		t.Errorf("%d products, want >= 150", n)
	}
	if n := len(g.Districts); n != 7 {
		t.Errorf("%d districts, want 7", n)
	}
	segs := map[string]int{}
	for _, s := range g.Segments {
		segs[s.ChainCode]++
	}
	for _, c := range g.Chains {
		if segs[c.Code] < 4 || segs[c.Code] > 8 {
			t.Errorf("chain %s has %d segments, want 4-8", c.Code, segs[c.Code])
		}
	}
	products := map[string]bool{}
	for _, p := range g.Products {
		products[p.Code] = true
	}
	for _, p := range g.Products {
		for _, in := range p.Inputs {
			if !products[in] {
				t.Errorf("product %s has unknown input %s", p.Code, in)
			}
		}
	}

	byUSCC := map[string]int{}
	visitors := 0
	for i, e := range g.Enterprises {
		if err := uscc.Validate(e.USCC); err != nil {
			t.Errorf("enterprise %s: %v", e.Name, err)
		}
		if _, dup := byUSCC[e.USCC]; dup {
			t.Errorf("duplicate USCC %s", e.USCC)
		}
		byUSCC[e.USCC] = i
		if e.DataSource != "demo" || !e.HasLocation || e.Founded < 1970 || e.Founded > 2024 {
			t.Errorf("enterprise %s: dataSource %q, location %v, founded %d", e.USCC, e.DataSource, e.HasLocation, e.Founded)
		}
		if e.IsLocal {
			if e.DistrictCode == "" || e.USCC[2:8] != e.DistrictCode || e.HomeCity != "" {
				t.Errorf("local %s: district %q, homeCity %q", e.USCC, e.DistrictCode, e.HomeCity)
			}
		} else {
			visitors++
			if e.HomeCity == "" || e.DistrictCode != "" || e.ParkCode != "" || e.USCC[2:4] == "33" && e.USCC[4:6] == "04" {
				t.Errorf("visitor %s: homeCity %q, district %q", e.USCC, e.HomeCity, e.DistrictCode)
			}
		}
	}
	if visitors < 55 || visitors > 65 {
		t.Errorf("%d visitors, want about 60", visitors)
	}

	count := map[string]int{}
	visitorGiants := 0
	for _, gr := range g.Grants {
		if gr.Year < 2019 || gr.Year > 2024 {
			t.Errorf("grant %v: year out of 2019-2024", gr)
		}
		e := g.Enterprises[byUSCC[gr.USCC]]
		if e.IsLocal {
			count[gr.Designation]++
		} else if gr.Designation == dGiant {
			visitorGiants++
		}
	}
	if visitorGiants != visitors {
		t.Errorf("%d of %d visitors are national little giants, want all", visitorGiants, visitors)
	}
	within := func(d string, lo, hi int) {
		if count[d] < lo || count[d] > hi {
			t.Errorf("%d local %s, want %d-%d", count[d], d, lo, hi)
		}
	}
	within(dGiant, 100, 120)
	within(dSRDI, 650, 750)
	within(dInnovative, 300, 800)
	within(dSingle, 3, 10)
	within(dInvisible, 10, 20)

	makes := map[[2]string]bool{}
	localMakers := map[string]int{}
	nonLocalMakers := map[string]int{}
	for _, m := range g.Makes {
		makes[[2]string{m.USCC, m.ProductCode}] = true
		if g.Enterprises[byUSCC[m.USCC]].IsLocal {
			localMakers[m.ProductCode]++
		} else {
			nonLocalMakers[m.ProductCode]++
		}
	}
	needs := map[[2]string]bool{}
	localDemand := map[string]int{}
	for _, n := range g.Needs {
		needs[[2]string{n.USCC, n.ProductCode}] = true
		if g.Enterprises[byUSCC[n.USCC]].IsLocal {
			localDemand[n.ProductCode]++
		}
	}
	local := 0
	for _, s := range g.Supplies {
		if !makes[[2]string{s.SupplierUSCC, s.ProductCode}] || !needs[[2]string{s.CustomerUSCC, s.ProductCode}] {
			t.Fatalf("supply %v: supplier does not make or customer does not need the product", s)
		}
		if s.SupplierUSCC == s.CustomerUSCC {
			t.Fatalf("supply %v: a firm supplies itself", s)
		}
		if g.Enterprises[byUSCC[s.SupplierUSCC]].IsLocal {
			local++
		}
	}
	if n := len(g.Supplies); n < 3000 {
		t.Errorf("%d SUPPLIES, want several thousand", n)
	}
	if float64(local) < 0.6*float64(len(g.Supplies)) {
		t.Errorf("%d of %d supplies are local, want mostly local", local, len(g.Supplies))
	}
	for _, code := range g.GapProducts {
		if localMakers[code] != 0 || localDemand[code] == 0 || nonLocalMakers[code] == 0 {
			t.Errorf("gap %s: %d local makers, %d local firms need it, %d non-local makers; want 0, >0, >0",
				code, localMakers[code], localDemand[code], nonLocalMakers[code])
		}
	}
	if per := float64(relCount(g)) / float64(len(g.Enterprises)); per < 8 || per > 12 {
		t.Errorf("%.1f relationships per enterprise, want about 10", per)
	}
}

func TestScaleKeepsShape(t *testing.T) {
	g := Generate(Options{Scale: 10000})
	if len(g.Enterprises) != 10000 {
		t.Fatalf("%d enterprises, want 10000", len(g.Enterprises))
	}
	if per := float64(relCount(g)) / 10000; per < 8.5 || per > 11.5 {
		t.Errorf("%.1f relationships per enterprise, want about 10", per)
	}
	seen := map[string]bool{}
	for _, e := range g.Enterprises {
		if seen[e.USCC] {
			t.Fatalf("duplicate USCC %s", e.USCC)
		}
		seen[e.USCC] = true
	}
}

func TestLoadIntoNeo4j(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g := Generate(Options{})

	var calls, last, total int
	start := time.Now()
	stats, err := Load(ctx, s, Options{Progress: func(d, tot int) { calls++; last, total = d, tot }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %v: %d node rows, %d relationship rows, %d statements", time.Since(start), stats.NodeRows, stats.RelationshipRows, stats.Statements)
	if calls == 0 || last != total {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	counts, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Enterprise": len(g.Enterprises), "Product": len(g.Products), "IndustrialChain": len(g.Chains),
		"ChainSegment": len(g.Segments), "District": 7, "Park": len(g.Parks), "Designation": 5, "Incentive": 3}
	for label, n := range want {
		if counts.Nodes[label] != int64(n) {
			t.Errorf("%d %s nodes, want %d", counts.Nodes[label], label, n)
		}
	}
	wantRels := map[string]int{"SUPPLIES": len(g.Supplies), "MAKES": len(g.Makes), "NEEDS": len(g.Needs), "HOLDS": len(g.Grants)}
	for typ, n := range wantRels {
		if counts.Relationships[typ] != int64(n) {
			t.Errorf("%d %s relationships, want %d", counts.Relationships[typ], typ, n)
		}
	}
	r := counts.Relationships
	if got, want := r["SUPPLIES"]+r["MAKES"]+r["NEEDS"]+r["HOLDS"]+r["LOCATED_IN"]+r["IN_PARK"], int64(relCount(g)); got != want {
		t.Errorf("%d enterprise relationships in the graph, %d generated", got, want)
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil || empty {
		t.Errorf("IsEmpty after load = %v, %v", empty, err)
	}

	// Loading again changes nothing.
	if _, err := Load(ctx, s, Options{}); err != nil {
		t.Fatal(err)
	}
	again, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(counts, again) {
		t.Errorf("second load changed counts:\n%v\n%v", counts, again)
	}

	// Reset replaces the graph.
	if _, err := Load(ctx, s, Options{Reset: true, Scale: 300}); err != nil {
		t.Fatal(err)
	}
	small, err := s.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if small.Nodes["Enterprise"] != 300 {
		t.Errorf("after reset with scale 300: %d enterprises", small.Nodes["Enterprise"])
	}
	if !slices.Equal(g.GapProducts, gapProducts) {
		t.Error("GapProducts changed")
	}
}
