package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// request is one prepared HTTP request of a workload, sent as is.
type request struct {
	method string
	url    string
	body   []byte
	auth   string // Authorization header value, "" for none
}

// newHTTPClient returns a client with enough idle connections for the
// largest concurrency, so that every worker keeps its connection alive.
func newHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 128,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// do sends r and returns the body; an error for a transport failure, a
// status other than 200, or a GraphQL response with errors.
func do(ctx context.Context, c *http.Client, r request, buf *bytes.Buffer) ([]byte, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, b)
	}
	// A GraphQL error list is a top-level "errors" member; data never
	// carries that key in these workloads.
	if bytes.Contains(b, []byte(`"errors":`)) {
		return b, fmt.Errorf("GraphQL errors: %.300s", b)
	}
	return b, nil
}

// runStats is the outcome of one closed-loop run.
type runStats struct {
	Requests  int
	Errors    int
	FirstErr  string
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
}

func (s runStats) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Pct returns the p-th percentile latency (0 < p < 100), nearest rank.
func (s runStats) Pct(p float64) time.Duration {
	n := len(s.Latencies)
	if n == 0 {
		return 0
	}
	i := int(float64(n)*p/100+0.999999) - 1
	return s.Latencies[min(max(i, 0), n-1)]
}

// closedLoop runs concurrency workers, each sending the next request of
// reqs (shared round robin) as soon as its previous one returned, for
// warmup (not recorded) and then for duration (recorded). It stops by
// itself; ctx cancels it early.
func closedLoop(ctx context.Context, c *http.Client, reqs []request, concurrency int, warmup, duration time.Duration) runStats {
	var next atomic.Uint64
	start := time.Now()
	recordFrom := start.Add(warmup)
	end := recordFrom.Add(duration)
	type workerOut struct {
		lat      []time.Duration
		errs     int
		firstErr string
	}
	outs := make([]workerOut, concurrency)
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var buf bytes.Buffer
			o := &outs[w]
			o.lat = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				r := reqs[next.Add(1)%uint64(len(reqs))]
				_, err := do(ctx, c, r, &buf)
				lat := time.Since(t0)
				if !t0.Before(recordFrom) && t0.Before(end) {
					if err != nil {
						o.errs++
						if o.firstErr == "" {
							o.firstErr = err.Error()
						}
					} else {
						o.lat = append(o.lat, lat)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	var st runStats
	for _, o := range outs {
		st.Latencies = append(st.Latencies, o.lat...)
		st.Errors += o.errs
		if st.FirstErr == "" {
			st.FirstErr = o.firstErr
		}
	}
	st.Requests = len(st.Latencies) + st.Errors
	// Requests started inside the window count even when they finish
	// after it, so the window is measured to the last completion.
	st.Elapsed = time.Since(recordFrom)
	slices.Sort(st.Latencies)
	return st
}
