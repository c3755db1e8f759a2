package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/demo"
)

func TestCanonHitsDropsTheTieAtTheCutOff(t *testing.T) {
	hits := []w3Hit{
		{Kind: "Product", Key: "B", Score: 2}, {Kind: "Enterprise", Key: "A", Score: 4},
		{Kind: "Product", Key: "C", Score: 1}, {Kind: "Product", Key: "D", Score: 1},
	}
	got := canonHits(hits, 3, true)
	if len(got) != 2 || got[0].Key != "A" || got[0].Score != 1 || got[1].Key != "B" || got[1].Score != 0.5 {
		t.Fatalf("canonHits = %+v, want A (1) and B (0.5), without the C/D tie at the cut-off", got)
	}
	if all := canonHits([]w3Hit{{Key: "X", Score: 3}}, 10, true); len(all) != 1 || all[0].Score != 1 {
		t.Fatalf("an uncut list keeps every hit: %+v", all)
	}
}

func TestPercentilesByNearestRank(t *testing.T) {
	var s runStats
	for i := 1; i <= 100; i++ {
		s.Latencies = append(s.Latencies, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond, 99: 99 * time.Millisecond} {
		if got := s.Pct(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if (runStats{}).Pct(99) != 0 {
		t.Error("no samples must give 0")
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS <= 0 || s.HWM < s.RSS {
		t.Fatalf("RSS %d, HWM %d: want 0 < RSS <= HWM", s.RSS, s.HWM)
	}
}

// The importer's CSV must hold the same records LoadGraph writes: one row
// per node and relationship of the generated graph, quoted strings, and
// absent (empty) cells for LoadGraph's nulls.
func TestImportCSVHasEveryRecordOfTheGraph(t *testing.T) {
	g := demo.Generate(demo.Options{Scale: 200})
	dir := t.TempDir()
	args, err := writeImportCSV(&g.Graph, dir, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(args) != 19 {
		t.Fatalf("%d importer arguments, want 19 (8 node files, 11 relationship files)", len(args))
	}
	lines := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	ent := lines("enterprises.csv")
	if len(ent)-1 != len(g.Enterprises) {
		t.Fatalf("%d enterprise rows, want %d", len(ent)-1, len(g.Enterprises))
	}
	if !strings.HasPrefix(ent[0], "uscc:ID(Enterprise),name,") || !strings.HasPrefix(ent[1], `"`+g.Enterprises[0].USCC+`",`) {
		t.Fatalf("unexpected enterprise header or first row:\n%s\n%s", ent[0], ent[1])
	}
	if n := len(lines("supplies.csv")) - 1; n != len(g.Supplies) {
		t.Fatalf("%d SUPPLIES rows, want %d", n, len(g.Supplies))
	}
	if n := len(lines("makes.csv")) - 1; n != len(g.Makes) {
		t.Fatalf("%d MAKES rows, want %d", n, len(g.Makes))
	}
	for _, a := range args {
		if !strings.HasPrefix(a, "--nodes=") && !strings.HasPrefix(a, "--relationships=") {
			t.Fatalf("unexpected importer argument %q", a)
		}
	}
}
