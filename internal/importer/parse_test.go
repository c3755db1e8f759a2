package importer

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// readAll drains rd, failing the test on a reader error other than EOF
// (bad rows must come back as rows with reasons, not as errors).
func readAll(t *testing.T, rd reader) []row {
	t.Helper()
	var rows []row
	for {
		r, err := rd.next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("reader error %v after %d rows", err, len(rows))
		}
		rows = append(rows, r)
		if len(rows) > 10000 {
			t.Fatal("reader does not end")
		}
	}
}

func TestCSVRowProblems(t *testing.T) {
	rd, err := newCSVReader(strings.NewReader("USCC,Name,is_local,latitude,longitude,makes,designations\n" +
		"913304020008D2D15P,甲,maybe,30.7,,PV-MODULE:x,NATIONAL_LITTLE_GIANT:20x2\n" +
		"913304020008D2D15P,乙,true\n" +
		"913304020008D2D15P,\"丙,true,30.7,120.7,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, rd)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	got := strings.Join(rows[0].reasons, " | ")
	for _, want := range []string{"is_local", "longitude", "makes[0] amount", "designations[0] year"} {
		if !strings.Contains(got, want) {
			t.Errorf("row 1 reasons %q lack %q", got, want)
		}
	}
	if rows[0].line != 2 || rows[1].line != 3 || rows[2].line != 4 {
		t.Errorf("lines %d %d %d, want 2 3 4", rows[0].line, rows[1].line, rows[2].line)
	}
	if !strings.Contains(strings.Join(rows[1].reasons, ""), "has 3 fields") {
		t.Errorf("short row reasons %q", rows[1].reasons)
	}
	if !strings.Contains(strings.Join(rows[2].reasons, ""), "malformed CSV") {
		t.Errorf("unterminated quote reasons %q", rows[2].reasons)
	}
}

// FuzzReaders checks that neither reader panics or errors on any input:
// whatever a partner's file holds becomes rows (possibly with reasons),
// in increasing line order.
func FuzzReaders(f *testing.F) {
	f.Add("uscc,name\n913304020008D2D15P,甲\n")
	f.Add("uscc,name,makes\nX,\"a\"\"b\",P:1:t;Q::;:\n")
	f.Add(`{"uscc":"913304020008D2D15P","name":"甲","products":[{"product":"PV-MODULE"}]}` + "\n\n{")
	f.Add("\ufeffuscc,name,latitude,longitude\n1,2,3\n\"")
	f.Fuzz(func(t *testing.T, text string) {
		check := func(rd reader) {
			last := 0
			for _, r := range readAll(t, rd) {
				if r.line < last {
					t.Fatalf("line %d after line %d", r.line, last)
				}
				last = r.line
			}
		}
		if rd, err := newCSVReader(strings.NewReader(text)); err == nil {
			check(rd)
		}
		check(newJSONLReader(strings.NewReader(text)))
	})
}
