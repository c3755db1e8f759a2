package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// setup returns the real enterprise service over a wiped Neo4j holding the
// demo catalogue (districts, parks, products) but no enterprise, and a
// context of an operator running the CLI.
func setup(t *testing.T) (context.Context, *neo4jstore.Store, *enterprise.Service) {
	t.Helper()
	st := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	g := demo.Generate(demo.Options{})
	g.Enterprises, g.Grants, g.Makes, g.Needs, g.Supplies = nil, nil, nil, nil, nil
	if _, err := st.LoadGraph(ctx, &g.Graph, nil); err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithPrincipal(ctx, auth.Principal{Name: "chainmatch import", Role: auth.Admin})
	return ctx, st, enterprise.NewService(st)
}

type wantRejection struct {
	line    int
	mention string
}

func checkSummary(t *testing.T, sum Summary, rows, created, updated int, rejected []wantRejection) {
	t.Helper()
	if sum.Rows != rows || sum.Created != created || sum.Updated != updated {
		t.Errorf("rows %d created %d updated %d, want %d %d %d", sum.Rows, sum.Created, sum.Updated, rows, created, updated)
	}
	if len(sum.Rejected) != len(rejected) {
		t.Fatalf("rejected %+v, want lines %v", sum.Rejected, rejected)
	}
	for i, w := range rejected {
		r := sum.Rejected[i]
		if r.Line != w.line || !strings.Contains(strings.Join(r.Reasons, "; "), w.mention) {
			t.Errorf("rejection %d = line %d %q, want line %d mentioning %q", i, r.Line, r.Reasons, w.line, w.mention)
		}
	}
}

func TestImportCSV(t *testing.T) {
	ctx, st, svc := setup(t)
	var out bytes.Buffer
	sum, err := Run(ctx, "testdata/enterprises.csv", svc, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	checkSummary(t, sum, 7, 3, 0, []wantRejection{
		{3, "position 18"},     // wrong check digit
		{5, "NO-SUCH-PRODUCT"}, // unknown product (found by the service's reference check)
		{6, "founded"},         // not a number
		{7, "districtCode"},    // local without district
	})
	if !strings.Contains(out.String(), "7 rows, 3 created, 0 updated, 4 rejected") || !strings.Contains(out.String(), "line 3 (913304110008E40W78)") {
		t.Errorf("summary output:\n%s", out.String())
	}

	// The rows are really there, with what the file said.
	es, err := svc.ByUSCC(ctx, []string{"913304020008D2D15P", "915101000008G77L0X", "913304820008JAEC68", "913304110008E40W78"})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] == nil || es[1] == nil || es[2] == nil || es[3] != nil {
		t.Fatalf("enterprises after import: %v", es)
	}
	if es[0].DistrictCode == nil || *es[0].DistrictCode != "330402" || es[0].ParkCode == nil || *es[0].ParkCode != "JX-STC" {
		t.Errorf("imported local firm: %+v", es[0])
	}
	if es[1].IsLocal || es[1].HomeCity == nil || *es[1].HomeCity != "成都" {
		t.Errorf("imported visitor: %+v", es[1])
	}
	if !es[2].IsLocal || es[2].NameEn == nil || *es[2].NameEn != "Pinghu Example Equipment Co., Ltd." {
		t.Errorf("is_local defaults to true with a district, quoted commas survive: %+v", es[2])
	}
	offers, err := svc.OffersOf(ctx, []string{"913304020008D2D15P"})
	if err != nil || len(offers[0]) != 1 || offers[0][0].ProductCode != "IC-IGBT" || offers[0][0].AnnualCapacity == nil || *offers[0][0].AnnualCapacity != 120 {
		t.Errorf("offers %+v, %v", offers, err)
	}
	needs, err := svc.NeedsOf(ctx, []string{"913304020008D2D15P"})
	if err != nil || len(needs[0]) != 2 {
		t.Errorf("needs %+v, %v", needs, err)
	}
	grants, err := svc.DesignationsOf(ctx, []string{"913304020008D2D15P"})
	if err != nil || len(grants[0]) != 2 {
		t.Errorf("designations %+v, %v", grants, err)
	}

	// Importing again only updates.
	sum, err = Run(ctx, "testdata/enterprises.csv", svc, &out)
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, sum, 7, 0, 3, sum.rejectedLines())
	counts, err := st.CountGraph(ctx)
	if err != nil || counts.Nodes["Enterprise"] != 3 {
		t.Errorf("%d enterprises after two imports, want 3 (%v)", counts.Nodes["Enterprise"], err)
	}
}

// rejectedLines restates the rejections as expectations (for re-runs).
func (s Summary) rejectedLines() []wantRejection {
	var out []wantRejection
	for _, r := range s.Rejected {
		out = append(out, wantRejection{r.Line, ""})
	}
	return out
}

func TestImportJSONL(t *testing.T) {
	ctx, _, svc := setup(t)
	var out bytes.Buffer
	sum, err := Run(ctx, "testdata/enterprises.jsonl", svc, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	checkSummary(t, sum, 6, 2, 0, []wantRejection{
		{3, "invalid JSON"},
		{4, `unknown field "colour"`},
		{5, "unknown designation"},
		{7, "already given on line 1"},
	})
	es, err := svc.ByUSCC(ctx, []string{"913304020008D2D15P", "914403000008H8TG8D"})
	if err != nil || es[0] == nil || es[1] == nil {
		t.Fatalf("enterprises after import: %v, %v", es, err)
	}
	if es[0].Name != "嘉兴示例芯片有限公司" {
		t.Errorf("the duplicate row overwrote the first: %q", es[0].Name)
	}
	if es[0].DataSource == nil || *es[0].DataSource != DefaultDataSource {
		t.Errorf("dataSource %v, want %q", es[0].DataSource, DefaultDataSource)
	}
}

// TestImportManyBatches imports the 2,000 demo firms from a CSV written
// here: two full batches and a partial one, all created, then all updated.
func TestImportManyBatches(t *testing.T) {
	ctx, st, svc := setup(t)
	g := demo.Generate(demo.Options{})
	makes := map[string][]string{}
	for _, m := range g.Makes {
		makes[m.USCC] = append(makes[m.USCC], fmt.Sprintf("%s:%g:%s", m.ProductCode, m.AnnualCapacity, m.Unit))
	}
	path := filepath.Join(t.TempDir(), "demo.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"uscc", "name", "name_en", "is_local", "district_code", "park", "home_city", "latitude", "longitude", "founded", "makes", "data_source"})
	for _, e := range g.Enterprises {
		_ = w.Write([]string{e.USCC, e.Name, e.NameEn, fmt.Sprint(e.IsLocal), e.DistrictCode, e.ParkCode, e.HomeCity,
			fmt.Sprint(e.Lat), fmt.Sprint(e.Lon), fmt.Sprint(e.Founded), strings.Join(makes[e.USCC], ";"), "demo"})
	}
	w.Flush()
	if err := f.Close(); err != nil || w.Error() != nil {
		t.Fatal(err, w.Error())
	}
	start := time.Now()
	var out bytes.Buffer
	sum, err := Run(ctx, path, svc, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported 2,000 rows in %v: %s", time.Since(start), out.String())
	checkSummary(t, sum, 2000, 2000, 0, nil)
	counts, err := st.CountGraph(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Nodes["Enterprise"] != 2000 || counts.Relationships["MAKES"] != int64(len(g.Makes)) {
		t.Errorf("graph after import: %v", counts)
	}
}

func TestRunRejectsUnusableFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ctx := context.Background()
	for _, tc := range []struct{ path, mention string }{
		{filepath.Join(dir, "missing.csv"), "no such file"},
		{write("x.xlsx", "whatever"), "unknown file format"},
		{write("h.csv", "uscc,colour\n"), `unknown column "colour"`},
		{write("n.csv", "uscc,name_en\n"), `"name" is required`},
		{write("e.csv", ""), "header"},
	} {
		// No row reaches the service: a nil service is never called.
		_, err := Run(ctx, tc.path, nil, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Run(%s) = %v, want error mentioning %q", filepath.Base(tc.path), err, tc.mention)
		}
	}
}
