// Package importer reads enterprise rows from a CSV or JSON Lines file and
// writes them through the enterprise service, so that a file import obeys
// exactly the rules of the API (USCC check digits, districts, known
// products, designations, ...). It backs `chainmatch import FILE`.
//
// Rows are sent in batches of BatchSize. A row the service rejects is
// reported with its line number and reasons and left out; the other rows
// of its batch are written. Every write is an upsert by USCC, so importing
// a file again only updates.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"chainmatch/internal/enterprise"
	"chainmatch/internal/uscc"
)

// BatchSize is the number of rows sent to the service at once (the
// service's limit for one import transaction).
const BatchSize = enterprise.MaxImportRows

// DefaultDataSource labels imported rows that name no dataSource.
const DefaultDataSource = "import"

// Upserter is what the importer needs from the enterprise service
// (*enterprise.Service has it). UpsertMany validates every row and writes
// none when any has a problem, reporting the problems by row index.
type Upserter interface {
	UpsertMany(ctx context.Context, rows []enterprise.Input) (enterprise.ImportResult, error)
}

// Summary is the outcome of an import.
type Summary struct {
	Rows     int // data rows read
	Created  int
	Updated  int
	Rejected []Rejection // in line order
}

// Rejection is a row that was not written and why.
type Rejection struct {
	Line    int    // line of the row in the file (1-based; CSV counts the header)
	USCC    string // as given, may be empty or wrong
	Reasons []string
}

// row is one parsed data row, or why it could not be parsed.
type row struct {
	line    int
	input   enterprise.Input
	uscc    string
	reasons []string
}

// reader yields rows until io.EOF.
type reader interface {
	next() (row, error)
}

// ErrUnknownFormat is returned for files that are neither .csv nor .jsonl.
var ErrUnknownFormat = errors.New("unknown file format: use .csv or .jsonl (.ndjson)")

// Run imports the file at path through svc and writes a summary to out
// (with a progress bar when out is a terminal). ctx must carry the caller's
// principal (auth.WithPrincipal): the service authorizes every write.
// Rejected rows are in the Summary, not in the error; the error is for a
// file that cannot be read or a service failure (the rows of earlier
// batches then stay written).
func Run(ctx context.Context, path string, svc Upserter, out io.Writer) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	var src io.Reader = f
	bar := progressBar(out, size, "importing "+filepath.Base(path))
	if bar != nil {
		src = io.TeeReader(f, bar)
	}
	var rd reader
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		rd, err = newCSVReader(src)
	case ".jsonl", ".ndjson":
		rd = newJSONLReader(src)
	default:
		err = ErrUnknownFormat
	}
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", path, err)
	}
	sum, err := importRows(ctx, rd, svc)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return sum, fmt.Errorf("%s: %w", path, err)
	}
	sum.Print(out, path)
	return sum, nil
}

// importRows reads every row of rd and writes the valid ones through svc in
// batches of BatchSize.
func importRows(ctx context.Context, rd reader, svc Upserter) (Summary, error) {
	var sum Summary
	var batch []row
	seen := map[string]int{} // USCC -> line that gave it first
	flush := func() error {
		err := sum.write(ctx, svc, batch)
		batch = batch[:0]
		return err
	}
	for {
		r, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		sum.Rows++
		code := uscc.Normalize(r.input.USCC)
		if first, dup := seen[code]; dup && len(r.reasons) == 0 && code != "" {
			r.reasons = append(r.reasons, fmt.Sprintf("uscc: %s is already given on line %d of this file", code, first))
		} else if len(r.reasons) == 0 {
			seen[code] = r.line
		}
		if len(r.reasons) > 0 {
			sum.reject(r)
			continue
		}
		if r.input.DataSource == "" {
			r.input.DataSource = DefaultDataSource
		}
		batch = append(batch, r)
		if len(batch) == BatchSize {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	sort.SliceStable(sum.Rejected, func(i, j int) bool { return sum.Rejected[i].Line < sum.Rejected[j].Line })
	return sum, nil
}

// write sends rows to the service. The service writes nothing when any
// row has a problem, so rejected rows are dropped and the rest sent again;
// the service checks in stages (form, then references, then permission),
// so this converges in a few rounds.
func (s *Summary) write(ctx context.Context, svc Upserter, rows []row) error {
	pending := rows
	for len(pending) > 0 {
		in := make([]enterprise.Input, len(pending))
		for i, r := range pending {
			in[i] = r.input
		}
		res, err := svc.UpsertMany(ctx, in)
		if err != nil {
			return fmt.Errorf("write rows from line %d: %w", pending[0].line, err)
		}
		if len(res.Errors) == 0 {
			s.Created += res.Created
			s.Updated += res.Updated
			return nil
		}
		bad := map[int][]string{}
		for _, e := range res.Errors {
			msg := e.Message
			if e.Field != "" {
				msg = e.Field + ": " + e.Message
			}
			bad[e.Row] = append(bad[e.Row], msg)
		}
		var keep []row
		for i, r := range pending {
			if reasons, ok := bad[i]; ok {
				r.reasons = reasons
				s.reject(r)
			} else {
				keep = append(keep, r)
			}
		}
		pending = keep
	}
	return nil
}

func (s *Summary) reject(r row) {
	s.Rejected = append(s.Rejected, Rejection{Line: r.line, USCC: r.uscc, Reasons: r.reasons})
}

// Print writes the summary: the counts, then every rejected row.
func (s Summary) Print(w io.Writer, name string) {
	fmt.Fprintf(w, "import %s: %d rows, %d created, %d updated, %d rejected\n",
		filepath.Base(name), s.Rows, s.Created, s.Updated, len(s.Rejected))
	for _, r := range s.Rejected {
		code := r.USCC
		if code == "" {
			code = "no USCC"
		}
		fmt.Fprintf(w, "  line %d (%s): %s\n", r.Line, code, strings.Join(r.Reasons, "; "))
	}
}

// progressBar draws the bytes read on out when out is a terminal; nil otherwise.
func progressBar(out io.Writer, size int64, description string) *progressbar.ProgressBar {
	f, ok := out.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || size <= 0 {
		return nil
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
	)
}
