package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"chainmatch/internal/uscc"
)

// chaosEnv is what the failure cases control: a Neo4j of their own (through
// scripts/neo4j.sh) and chainmatch servers they start, kill and stop.
type chaosEnv struct {
	bin, neo4jScript, data, logDir string
	boltPort                       int
	ports                          []int
	adminKey                       string
	quick                          bool
}

func (e *chaosEnv) neo(args ...string) error {
	cmd := exec.Command(e.neo4jScript, args...)
	cmd.Env = append(os.Environ(), "NEO4J_BOLT_PORT="+strconv.Itoa(e.boltPort), "NEO4J_DATA_DIR="+e.data,
		"NEO4J_START_TIMEOUT=600")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("neo4j.sh %v: %w: %s", args, err, out)
	}
	return nil
}

func (e *chaosEnv) neoPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(e.data, "neo4j.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// server is one chainmatch serve process.
type server struct {
	cmd  *exec.Cmd
	api  *api
	done chan error
}

func (e *chaosEnv) serve(ctx context.Context, port int, env ...string) (*server, error) {
	logf, err := os.OpenFile(filepath.Join(e.logDir, fmt.Sprintf("server-%d.log", port)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(e.bin, "serve")
	cmd.Env = append(os.Environ(), append([]string{
		"NEO4J_URI=bolt://127.0.0.1:" + strconv.Itoa(e.boltPort), "CHAINMATCH_ADDR=127.0.0.1:" + strconv.Itoa(port),
		"CHAINMATCH_ADMIN_KEY=" + e.adminKey, "CHAINMATCH_MODE=prod", "CHAINMATCH_LOG_LEVEL=warn",
		"CHAINMATCH_RATE_LIMITS=anonymous=0:0,partner=0:0,staff=0:0,admin=0:0"}, env...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, api: newAPI("http://127.0.0.1:" + strconv.Itoa(port)), done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	if _, err := s.api.ready(ctx, 3*time.Minute); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

const qChaosUpsert = `mutation UpsertEnterprise($in: EnterpriseInput!) { upsertEnterprise(input: $in) { uscc } }`

// chaosFirm is the input of firm serial of a case; the same serial gives
// the same input (so retries are exact repeats).
func chaosFirm(tag string, serial int) map[string]any {
	code, err := uscc.Make("330402", uint64(serial))
	if err != nil {
		panic(err)
	}
	return map[string]any{"uscc": code, "name": fmt.Sprintf("混沌%s企业%07d", tag, serial),
		"nameEn": fmt.Sprintf("Chaos %s %d", tag, serial), "isLocal": false, "homeCity": "上海", "founded": 1990 + serial%30}
}

// firmsNamed pages through the firms whose name contains text and returns
// uscc -> "nameEn|founded".
func firmsNamed(ctx context.Context, a *api, key, text string) (map[string]string, error) {
	out := map[string]string{}
	var after any
	for {
		var page struct {
			Enterprises struct {
				PageInfo struct {
					EndCursor   string
					HasNextPage bool
				}
				Edges []struct {
					Node struct {
						USCC    string `json:"uscc"`
						NameEn  string
						Founded int
					}
				}
			}
		}
		if err := a.mustRetry(ctx, key, `query($t: String!, $after: String) { enterprises(filter: {nameContains: $t}, first: 100, after: $after) {
			pageInfo { endCursor hasNextPage } edges { node { uscc nameEn founded } } } }`, map[string]any{"t": text, "after": after}, &page); err != nil {
			return nil, err
		}
		for _, e := range page.Enterprises.Edges {
			out[e.Node.USCC] = fmt.Sprintf("%s|%d", e.Node.NameEn, e.Node.Founded)
		}
		if !page.Enterprises.PageInfo.HasNextPage {
			return out, nil
		}
		after = page.Enterprises.PageInfo.EndCursor
	}
}

func totalFirms(ctx context.Context, a *api, key string) (int, error) {
	var c struct{ Enterprises struct{ TotalCount int } }
	err := a.mustRetry(ctx, key, `{ enterprises(first: 1) { totalCount } }`, nil, &c)
	return c.Enterprises.TotalCount, err
}

func codes(m map[string]int) string {
	var xs []string
	for k, v := range m {
		xs = append(xs, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(xs)
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, " ")
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s" }

func chaos(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	e := &chaosEnv{}
	fs.StringVar(&e.bin, "bin", "bin/chainmatch", "the chainmatch binary")
	fs.StringVar(&e.neo4jScript, "neo4j-script", "scripts/neo4j.sh", "scripts/neo4j.sh")
	fs.StringVar(&e.data, "neo4j-data", "", "the Neo4j data directory (NEO4J_DATA_DIR)")
	fs.StringVar(&e.logDir, "logs", "test-output/chaos", "where server logs go")
	fs.IntVar(&e.boltPort, "bolt-port", 7697, "the chaos Neo4j's Bolt port")
	ports := fs.String("ports", "18097,18098", "two ports for chainmatch servers")
	fs.BoolVar(&e.quick, "quick", false, "shorter loads")
	only := fs.String("cases", "1,2,3,4,5", "which cases to run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, p := range strings.Split(*ports, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return fmt.Errorf("-ports: %w", err)
		}
		e.ports = append(e.ports, n)
	}
	if len(e.ports) < 2 || e.data == "" {
		return errors.New("need -neo4j-data and two -ports")
	}
	if err := os.MkdirAll(e.logDir, 0o755); err != nil {
		return err
	}
	e.adminKey = fmt.Sprintf("chaos-admin-%d-0123456789abcdef", time.Now().UnixNano())
	if err := e.neo("start"); err != nil {
		return err
	}
	cases := map[string]func(context.Context, *chaosEnv) (string, bool, error){
		"1": caseKillNeo4j, "2": caseKillAPI, "3": caseSigterm, "4": caseStall, "5": caseImportCancel,
	}
	failed := 0
	for _, c := range strings.Split(*only, ",") {
		f, ok := cases[strings.TrimSpace(c)]
		if !ok {
			return fmt.Errorf("no case %q", c)
		}
		line, pass, err := f(ctx, e)
		if err != nil {
			line, pass = fmt.Sprintf("case %s: could not run: %v", c, err), false
		}
		fmt.Println(line)
		if !pass {
			failed++
		}
		// Leave Neo4j running for the next case.
		if pid, err := e.neoPID(); err != nil || syscall.Kill(pid, 0) != nil {
			_ = e.neo("start")
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d case(s) failed", failed)
	}
	return nil
}

// writers runs n clients that upsert new firms (a serial each) until stop
// is closed; acknowledged USCCs go to acked, error answers are counted.
func writers(ctx context.Context, a *api, key, tag string, n int, base int, stop <-chan struct{}, acked *sync.Map, errs map[string]int, mu *sync.Mutex, lastOK *atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	var next atomic.Int64
	next.Store(int64(base))
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				serial := int(next.Add(1))
				in := chaosFirm(tag, serial)
				r := a.gql(ctx, key, "UpsertEnterprise", qChaosUpsert, map[string]any{"in": in})
				if !r.failed() {
					acked.Store(in["uscc"], in["nameEn"])
					lastOK.Store(time.Now().UnixNano())
					continue
				}
				mu.Lock()
				errs[r.label()]++
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	return &wg
}

// caseKillNeo4j: kill -9 Neo4j under 8 writers, restart it; every
// acknowledged write must be there; recovery is timed.
func caseKillNeo4j(ctx context.Context, e *chaosEnv) (string, bool, error) {
	s, err := e.serve(ctx, e.ports[0], "NEO4J_MAX_RETRY=2s")
	if err != nil {
		return "", false, err
	}
	defer s.stop()
	tag := fmt.Sprintf("K%d", time.Now().Unix()%100000)
	var acked sync.Map
	errs := map[string]int{}
	var mu sync.Mutex
	var lastOK atomic.Int64
	stop := make(chan struct{})
	wg := writers(ctx, s.api, e.adminKey, tag, 8, 1_000_000+int(time.Now().Unix()%1000)*1000, stop, &acked, errs, &mu, &lastOK)
	load := 10 * time.Second
	if e.quick {
		load = 4 * time.Second
	}
	time.Sleep(load)
	pid, err := e.neoPID()
	if err != nil {
		close(stop)
		wg.Wait()
		return "", false, err
	}
	killed := time.Now()
	_ = syscall.Kill(pid, syscall.SIGKILL)
	time.Sleep(2 * time.Second)
	if err := e.neo("start"); err != nil {
		close(stop)
		wg.Wait()
		return "", false, err
	}
	neoReady := time.Now()
	// Writers keep going: wait for a write acknowledged after Neo4j is back.
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) && lastOK.Load() < neoReady.UnixNano() {
		time.Sleep(100 * time.Millisecond)
	}
	apiBack := time.Unix(0, lastOK.Load())
	close(stop)
	wg.Wait()
	stored, err := firmsNamed(ctx, s.api, e.adminKey, "混沌"+tag)
	if err != nil {
		return "", false, err
	}
	n, lost := 0, 0
	acked.Range(func(k, _ any) bool {
		n++
		if _, ok := stored[k.(string)]; !ok {
			lost++
		}
		return true
	})
	recovered := apiBack.After(neoReady)
	return fmt.Sprintf("case 1 kill -9 Neo4j under 8 writers: %s — %d writes acknowledged, %d lost; Neo4j restart took %s, first write acknowledged %s after Neo4j was ready (%s after the kill); errors during the outage: %s",
		verdict(lost == 0 && n > 0 && recovered), n, lost, secs(neoReady.Sub(killed)), secs(apiBack.Sub(neoReady)), secs(apiBack.Sub(killed)), codes(errs)), lost == 0 && n > 0 && recovered, nil
}

// caseKillAPI: kill -9 the API while 8 clients write a fixed plan of firms
// and supply relations; a new server takes the same plan again (clients
// cannot know which writes landed); no duplicate, nothing half-applied.
func caseKillAPI(ctx context.Context, e *chaosEnv) (string, bool, error) {
	s, err := e.serve(ctx, e.ports[0])
	if err != nil {
		return "", false, err
	}
	tag := fmt.Sprintf("A%d", time.Now().Unix()%100000)
	base := 2_000_000 + int(time.Now().Unix()%1000)*1000
	const clients, per = 8, 15
	ids := make([]string, clients*per) // firm ids, learnt from answers
	var idMu sync.Mutex
	plan := func(a *api, c int, stop <-chan struct{}) (done, failed int) {
		for i := range per {
			select {
			case <-stop:
				return
			default:
			}
			k := c*per + i
			in := chaosFirm(tag, base+k)
			r := a.gql(ctx, e.adminKey, "", `mutation($in: EnterpriseInput!) { upsertEnterprise(input: $in) { id } }`, map[string]any{"in": in})
			if r.failed() {
				failed++
				continue
			}
			var out struct{ UpsertEnterprise struct{ ID string } }
			_ = json.Unmarshal(r.data, &out)
			idMu.Lock()
			ids[k] = out.UpsertEnterprise.ID
			prev := ""
			if i > 0 {
				prev = ids[k-1]
			}
			idMu.Unlock()
			if prev != "" {
				r = a.gql(ctx, e.adminKey, "", `mutation($a: ID!, $b: ID!) { addSupplyRelation(input: {supplierId: $a, customerId: $b, since: 2020}) { since } }`,
					map[string]any{"a": prev, "b": out.UpsertEnterprise.ID})
				if r.failed() {
					failed++
					continue
				}
			}
			done++
		}
		return
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var before atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, _ := plan(s.api, c, stop)
			before.Add(int64(d))
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	_ = s.cmd.Process.Kill()
	<-s.done
	close(stop)
	wg.Wait()
	s, err = e.serve(ctx, e.ports[0])
	if err != nil {
		return "", false, err
	}
	defer s.stop()
	var failedRetry atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, f := plan(s.api, c, make(chan struct{}))
			failedRetry.Add(int64(f))
		}()
	}
	wg.Wait()
	stored, err := firmsNamed(ctx, s.api, e.adminKey, "混沌"+tag)
	if err != nil {
		return "", false, err
	}
	half := 0
	for k := range clients * per {
		in := chaosFirm(tag, base+k)
		if stored[in["uscc"].(string)] != fmt.Sprintf("%s|%d", in["nameEn"], in["founded"]) {
			half++
		}
	}
	// Each chain of 15 firms has exactly 14 supply relations, each once.
	badRel := 0
	for c := range clients {
		var out struct {
			Enterprise struct{ Customers struct{ TotalCount int } }
		}
		for i := range per - 1 {
			id := ids[c*per+i]
			if id == "" {
				badRel++
				continue
			}
			if err := s.api.mustRetry(ctx, e.adminKey, `query($id: ID!) { enterprise(id: $id) { customers(first: 5) { totalCount } } }`, map[string]any{"id": id}, &out); err != nil || out.Enterprise.Customers.TotalCount != 1 {
				badRel++
			}
		}
	}
	ok := len(stored) == clients*per && half == 0 && badRel == 0 && failedRetry.Load() == 0
	return fmt.Sprintf("case 2 kill -9 the API mid-write, retry the same %d firms and %d relations on a new server: %s — %d steps done before the kill; after the retry %d firms stored (want %d, no duplicate), %d not fully applied, %d relations missing or doubled, %d retried writes failed",
		clients*per, clients*(per-1), verdict(ok), before.Load(), len(stored), clients*per, half, badRel, failedRetry.Load()), ok, nil
}

// caseSigterm: SIGTERM under 16 clients of reads and writes: every request
// the server accepted is answered; later ones are refused at connect.
func caseSigterm(ctx context.Context, e *chaosEnv) (string, bool, error) {
	s, err := e.serve(ctx, e.ports[1])
	if err != nil {
		return "", false, err
	}
	tag := fmt.Sprintf("T%d", time.Now().Unix()%100000)
	base := 3_000_000 + int(time.Now().Unix()%1000)*1000
	var answered, refused, dropped, during atomic.Int64
	var sent atomic.Int64
	var termAt atomic.Int64
	var wg sync.WaitGroup
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				var r result
				if i%2 == 0 {
					r = s.api.gql(ctx, e.adminKey, "", `{ enterprises(first: 20) { totalCount edges { node { id name } } } }`, nil)
				} else {
					r = s.api.gql(ctx, e.adminKey, "", qChaosUpsert, map[string]any{"in": chaosFirm(tag, base+c*10000+i)})
				}
				sent.Add(1)
				switch {
				case r.err == nil:
					answered.Add(1)
					if t := termAt.Load(); t != 0 {
						during.Add(1)
					}
				case errors.Is(r.err, syscall.ECONNREFUSED):
					refused.Add(1)
					return
				default:
					dropped.Add(1)
				}
			}
		}()
	}
	time.Sleep(4 * time.Second)
	termAt.Store(time.Now().UnixNano())
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	exitErr := <-s.done
	drain := time.Since(time.Unix(0, termAt.Load()))
	wg.Wait()
	ok := dropped.Load() == 0 && exitErr == nil
	return fmt.Sprintf("case 3 SIGTERM under 16 clients: %s — %d requests answered (%d of them after the signal), %d accepted but unanswered, %d refused at connect after the listener closed; exit %v after %s",
		verdict(ok), answered.Load(), during.Load(), dropped.Load(), refused.Load(), exitStatus(exitErr), secs(drain)), ok, nil
}

func exitStatus(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// caseStall: SIGSTOP Neo4j for 10 s under 8 readers: requests fail with
// DATABASE_UNAVAILABLE within the configured bound
// (CHAINMATCH_REQUEST_TIMEOUT) and succeed again after SIGCONT.
func caseStall(ctx context.Context, e *chaosEnv) (string, bool, error) {
	const bound = 3 * time.Second
	s, err := e.serve(ctx, e.ports[0], "CHAINMATCH_REQUEST_TIMEOUT="+bound.String(), "NEO4J_MAX_RETRY=1s")
	if err != nil {
		return "", false, err
	}
	defer s.stop()
	pid, err := e.neoPID()
	if err != nil {
		return "", false, err
	}
	var mu sync.Mutex
	errs := map[string]int{}
	var worst time.Duration
	var stallOK, contAt, firstOK atomic.Int64
	stopAt := make(chan struct{})
	var wg sync.WaitGroup
	var stoppedAt atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopAt:
					return
				default:
				}
				r := s.api.gql(ctx, e.adminKey, "", `{ enterprises(first: 10) { totalCount edges { node { id name } } } }`, nil)
				now := time.Now().UnixNano()
				stalled := stoppedAt.Load() != 0 && contAt.Load() == 0
				if stalled {
					mu.Lock()
					if r.failed() {
						errs[r.label()]++
						worst = max(worst, r.took)
					} else {
						stallOK.Add(1)
					}
					mu.Unlock()
				}
				if !r.failed() && contAt.Load() != 0 && now > contAt.Load() {
					firstOK.CompareAndSwap(0, now)
				}
				if r.failed() {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	stoppedAt.Store(time.Now().UnixNano())
	_ = syscall.Kill(pid, syscall.SIGSTOP)
	time.Sleep(10 * time.Second)
	_ = syscall.Kill(pid, syscall.SIGCONT)
	contAt.Store(time.Now().UnixNano())
	deadline := time.Now().Add(2 * time.Minute)
	for firstOK.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	close(stopAt)
	wg.Wait()
	onlyUnavailable := true
	total := 0
	for code, n := range errs {
		total += n
		if code != "DATABASE_UNAVAILABLE" {
			onlyUnavailable = false
		}
	}
	recovered := firstOK.Load() != 0
	recovery := "none within 2 min"
	if recovered {
		recovery = secs(time.Duration(firstOK.Load()-contAt.Load())) + " after SIGCONT"
	}
	ok := onlyUnavailable && total > 0 && worst <= bound+2*time.Second && recovered
	return fmt.Sprintf("case 4 Neo4j stalled (SIGSTOP 10 s) under 8 readers, bound CHAINMATCH_REQUEST_TIMEOUT=%s: %s — %d failed during the stall (%s), slowest failure %s, %d answered from before the stall; first success %s",
		bound, verdict(ok), total, codes(errs), secs(worst), stallOK.Load(), recovery), ok, nil
}

// caseImportCancel: importEnterprises (one transaction of up to 1,000
// rows) cancelled by the client midway is all or nothing: either the
// server rolled it back (the graph as it was) or it had already committed
// the whole import when the cancel reached it (all 1,000 rows, a client
// cannot tell which before it looks). A partial import fails the case, and
// so does a run in which no cancel arrived in time to roll one back.
func caseImportCancel(ctx context.Context, e *chaosEnv) (string, bool, error) {
	s, err := e.serve(ctx, e.ports[0])
	if err != nil {
		return "", false, err
	}
	defer s.stop()
	fracs := []float64{0.1, 0.25, 0.5, 0.75, 0.9}
	// Fresh identities for the calibration and each attempt, so that one
	// attempt's rows are never another's updates.
	base := 4_000_000 + int(time.Now().Unix()%500)*1000*(len(fracs)+1)
	rows := func(tag string, from int) []any {
		out := make([]any, 1000)
		for i := range out {
			out[i] = chaosFirm(tag, from+i)
		}
		return out
	}
	const q = `mutation($in: [EnterpriseInput!]!) { importEnterprises(input: $in) { ok created updated } }`
	// Calibrate: how long does a full import take here?
	calTag := fmt.Sprintf("C%d", time.Now().Unix()%100000)
	r := s.api.gql(ctx, e.adminKey, "", q, map[string]any{"in": rows(calTag, base)})
	if r.failed() {
		return "", false, fmt.Errorf("calibration import: %s %s", r.label(), r.msg)
	}
	full := r.took
	results := []string{}
	ok := true
	rolledBack := 0
	for i, frac := range fracs {
		tag := fmt.Sprintf("X%d%d", time.Now().Unix()%10000, i)
		before, err := totalFirms(ctx, s.api, e.adminKey)
		if err != nil {
			return "", false, err
		}
		cctx, cancel := context.WithTimeout(ctx, time.Duration(float64(full)*frac))
		r := s.api.gql(cctx, e.adminKey, "", q, map[string]any{"in": rows(tag, base+1000*(i+1))})
		cancel()
		time.Sleep(3 * time.Second) // the server notices, Neo4j rolls back
		after, err := totalFirms(ctx, s.api, e.adminKey)
		if err != nil {
			return "", false, err
		}
		left, err := firmsNamed(ctx, s.api, e.adminKey, "混沌"+tag)
		if err != nil {
			return "", false, err
		}
		if r.err == nil {
			// Finished before the cancel (timing varies): proves nothing.
			results = append(results, fmt.Sprintf("at %.0f%%: finished before the cancel (not counted)", frac*100))
			continue
		}
		outcome := "PARTIAL"
		switch {
		case after == before && len(left) == 0:
			outcome = "rolled back"
			rolledBack++
		case after == before+1000 && len(left) == 1000:
			outcome = "committed whole before the cancel reached it"
		default:
			ok = false
		}
		results = append(results, fmt.Sprintf("at %.0f%%: %s (firms %d -> %d, rows of it stored %d)", frac*100, outcome, before, after, len(left)))
	}
	ok = ok && rolledBack > 0
	return fmt.Sprintf("case 5 importEnterprises of 1,000 rows (full run %s) cancelled by the client midway: %s — %s",
		secs(full), verdict(ok), strings.Join(results, "; ")), ok, nil
}

// mustRetry is must for the checks after a failure case: a Neo4j that has
// just restarted may still refuse the first reads, so a
// DATABASE_UNAVAILABLE answer is retried for up to a minute.
func (a *api) mustRetry(ctx context.Context, key, query string, vars map[string]any, into any) error {
	var err error
	for range 60 {
		if err = a.must(ctx, key, query, vars, into); err == nil || !strings.Contains(err.Error(), "DATABASE_UNAVAILABLE") {
			return err
		}
		time.Sleep(time.Second)
	}
	return err
}
