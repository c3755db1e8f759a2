// Command opsload drives chainmatch like its users do, for the operations
// checks of docs/operations.md: `opsload soak` (a long mixed read/write run
// with resource trends) and `opsload chaos` (failure cases with verdicts).
// It talks to the API over HTTP only, reads the server's /proc entries and
// /metrics, and never touches Neo4j except through scripts/neo4j.sh.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// api is a chainmatch server reached over HTTP.
type api struct {
	base string
	http *http.Client
}

func newAPI(base string) *api {
	return &api{base: base, http: &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
	}}
}

// result is the outcome of one operation: the HTTP status (0 for a
// transport failure), the first error code of a GraphQL error answer
// ("" when none), the data, and how long it took.
type result struct {
	status int
	code   string
	msg    string
	data   json.RawMessage
	took   time.Duration
	err    error
}

// failed reports whether the answer is not a clean 200 without errors.
func (r result) failed() bool { return r.err != nil || r.status != http.StatusOK || r.code != "" }

// label is the error bucket of a result: "" for success, else the code,
// the HTTP status or "transport".
func (r result) label() string {
	switch {
	case r.err != nil:
		return "transport"
	case r.code != "":
		return r.code
	case r.status != http.StatusOK:
		return "HTTP_" + strconv.Itoa(r.status)
	}
	return ""
}

func (a *api) gql(ctx context.Context, key, opName, query string, vars map[string]any) result {
	body, _ := json.Marshal(map[string]any{"operationName": opName, "query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return result{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	start := time.Now()
	resp, err := a.http.Do(req)
	if err != nil {
		return result{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		return result{status: resp.StatusCode, err: err, took: took}
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return result{status: resp.StatusCode, err: fmt.Errorf("not JSON: %.80s", raw), took: took}
	}
	r := result{status: resp.StatusCode, data: out.Data, took: took}
	if len(out.Errors) > 0 {
		r.code, _ = out.Errors[0].Extensions["code"].(string)
		r.msg = out.Errors[0].Message
		if r.code == "" {
			r.code = "UNKNOWN"
		}
	}
	return r
}

// must runs an operation that has to succeed (setup).
func (a *api) must(ctx context.Context, key, query string, vars map[string]any, into any) error {
	r := a.gql(ctx, key, "", query, vars)
	if r.failed() {
		return fmt.Errorf("%.60s: status %d code %q err %v", query, r.status, r.code, r.err)
	}
	if into != nil {
		return json.Unmarshal(r.data, into)
	}
	return nil
}

// ready waits until /readyz answers 200 and returns how long that took.
func (a *api) ready(ctx context.Context, within time.Duration) (time.Duration, error) {
	start := time.Now()
	for time.Since(start) < within {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/readyz", nil)
		if resp, err := a.http.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("%s not ready within %s", a.base, within)
}

// metric reads one unlabelled sample from /metrics.
func (a *api) metric(ctx context.Context, name string) (float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/metrics", nil)
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return strconv.ParseFloat(strings.TrimSpace(line[len(name):]), 64)
		}
	}
	return 0, fmt.Errorf("no %s on /metrics", name)
}

// latencies collects durations per operation and errors per code.
type latencies struct {
	mu     sync.Mutex
	byOp   map[string][]time.Duration
	errors map[string]int
	sample map[string]string // one message per error code
	total  int
}

func newLatencies() *latencies {
	return &latencies{byOp: map[string][]time.Duration{}, errors: map[string]int{}, sample: map[string]string{}}
}

func (l *latencies) add(op string, r result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	if lb := r.label(); lb != "" {
		l.errors[lb]++
		if _, ok := l.sample[lb]; !ok {
			l.sample[lb] = op + ": " + r.msg
		}
		return
	}
	l.byOp[op] = append(l.byOp[op], r.took)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// procRSS is the resident set size of pid in bytes.
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

// boltConnections counts pid's established TCP connections to port: its
// socket inodes matched against /proc/<pid>/net/tcp{,6}.
func boltConnections(pid, port int) (int, error) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	hexPort := fmt.Sprintf(":%04X", port)
	n := 0
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			x := strings.Fields(line)
			// sl local rem st ... inode(9)
			if len(x) > 9 && strings.HasSuffix(x[2], hexPort) && x[3] == "01" && inodes[x[9]] {
				n++
			}
		}
	}
	return n, nil
}

// slope is the least-squares slope of ys over xs (per unit of x).
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}
