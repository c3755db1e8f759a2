package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"chainmatch/internal/uscc"
)

// The soak workload's operations, by weight out of 100: what staff and
// partner platforms do most (search, firm pages, lists), matchmaking and
// chain analytics, and writes (upserts of firms, supply relations).
var soakMix = []struct {
	name   string
	weight int
}{
	{"search", 18}, {"enterprisePage", 22}, {"enterpriseList", 14}, {"supplierMatches", 10},
	{"chainGaps", 8}, {"upsertEnterprise", 16}, {"addSupplyRelation", 8}, {"removeSupplyRelation", 4},
}

const (
	qSearch         = `query Search($t: String!) { search(text: $t, first: 10) { score node { id } } }`
	qEnterprisePage = `query EnterprisePage($id: ID!) { enterprise(id: $id) { id uscc name nameEn isLocal district { name } park { name }
		designations { designation } products { product { code name } } needs { product { code name } }
		suppliers(first: 10) { totalCount edges { node { supplier { id name } } } }
		customers(first: 10) { totalCount } chains { code name } } }`
	qEnterpriseList = `query EnterpriseList($local: Boolean, $after: String) { enterprises(filter: {isLocal: $local}, first: 20, after: $after) {
		totalCount pageInfo { endCursor hasNextPage } edges { node { id name district { name } designations { designation } } } } }`
	qSupplierMatches = `query SupplierMatches($id: ID!) { supplierMatches(input: {enterpriseId: $id, localOnly: false, first: 5}) {
		candidate { id name } score reasons } }`
	qChainGaps = `query ChainGaps($id: ID!) { chainGaps(chainId: $id, first: 10) { product { code name } localDemand localSupply } }`
	qUpsert    = `mutation UpsertEnterprise($in: EnterpriseInput!) { upsertEnterprise(input: $in) { id uscc name } }`
	qAddSupply = `mutation AddSupplyRelation($a: ID!, $b: ID!) { addSupplyRelation(input: {supplierId: $a, customerId: $b, since: 2024}) { since } }`
	qRemove    = `mutation RemoveSupplyRelation($a: ID!, $b: ID!) { removeSupplyRelation(supplierId: $a, customerId: $b) }`
)

// soakFirms is how many firms the soak writes (upserted again and again,
// so the graph does not grow without bound).
const soakFirms = 400

// fixtures are the ids the workload picks from, read from the demo graph.
type fixtures struct {
	firms   []string // enterprise ids
	names   []string // search texts
	chains  []string // chain ids
	soak    []string // USCCs of the firms the soak writes
	soakIDs []string // and their ids
	keys    []string // one staff key per client (staff may edit every firm)
}

func discover(ctx context.Context, a *api, adminKey string, clients int) (*fixtures, error) {
	f := &fixtures{}
	var page struct {
		Enterprises struct {
			Edges []struct {
				Node struct{ ID, Name string }
			}
		}
		Chains []struct{ ID, Name string }
	}
	if err := a.must(ctx, adminKey, `{ enterprises(first: 100, filter: {isLocal: true}) { edges { node { id name } } } chains { id name } }`, nil, &page); err != nil {
		return nil, err
	}
	for _, e := range page.Enterprises.Edges {
		f.firms = append(f.firms, e.Node.ID)
		if r := []rune(e.Node.Name); len(r) >= 2 {
			f.names = append(f.names, string(r[:2]))
		}
	}
	for _, c := range page.Chains {
		f.chains = append(f.chains, c.ID)
		f.names = append(f.names, c.Name)
	}
	if len(f.firms) == 0 || len(f.chains) == 0 {
		return nil, fmt.Errorf("the graph holds no local firms or chains: load the demo graph first")
	}
	for i := range soakFirms {
		code, err := uscc.Make("330402", uint64(990000+i))
		if err != nil {
			return nil, err
		}
		f.soak = append(f.soak, code)
		// Make them exist before the run, so relations always find both ends.
		var up struct {
			UpsertEnterprise struct{ ID string } `json:"upsertEnterprise"`
		}
		if err := a.must(ctx, adminKey, qUpsert, map[string]any{"in": soakFirm(code, 0)}, &up); err != nil {
			return nil, err
		}
		f.soakIDs = append(f.soakIDs, up.UpsertEnterprise.ID)
	}
	for i := range clients {
		var k struct {
			CreateAPIKey struct{ Secret string } `json:"createApiKey"`
		}
		if err := a.must(ctx, adminKey, `mutation($n: String!) { createApiKey(input: {name: $n, role: STAFF}) { secret } }`,
			map[string]any{"n": fmt.Sprintf("soak client %d", i)}, &k); err != nil {
			return nil, err
		}
		f.keys = append(f.keys, k.CreateAPIKey.Secret)
	}
	return f, nil
}

func soakFirm(code string, version int) map[string]any {
	return map[string]any{"uscc": code, "name": fmt.Sprintf("耐久测试企业%s", code[8:14]),
		"nameEn": fmt.Sprintf("Soak Firm %s v%d", code[8:14], version), "isLocal": false, "homeCity": "上海", "founded": 2000 + version%25}
}

// pick runs one randomly chosen operation of the mix.
func (f *fixtures) pick(ctx context.Context, a *api, key string, rnd *rand.Rand) (string, result) {
	n := rnd.IntN(100)
	op := soakMix[len(soakMix)-1].name
	for _, m := range soakMix {
		if n < m.weight {
			op = m.name
			break
		}
		n -= m.weight
	}
	one := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
	var r result
	switch op {
	case "search":
		r = a.gql(ctx, key, "Search", qSearch, map[string]any{"t": one(f.names)})
	case "enterprisePage":
		r = a.gql(ctx, key, "EnterprisePage", qEnterprisePage, map[string]any{"id": one(f.firms)})
	case "enterpriseList":
		r = a.gql(ctx, key, "EnterpriseList", qEnterpriseList, map[string]any{"local": rnd.IntN(2) == 0})
	case "supplierMatches":
		r = a.gql(ctx, key, "SupplierMatches", qSupplierMatches, map[string]any{"id": one(f.firms)})
	case "chainGaps":
		r = a.gql(ctx, key, "ChainGaps", qChainGaps, map[string]any{"id": one(f.chains)})
	case "upsertEnterprise":
		r = a.gql(ctx, key, "UpsertEnterprise", qUpsert, map[string]any{"in": soakFirm(one(f.soak), rnd.IntN(1000))})
	case "addSupplyRelation":
		i := rnd.IntN(len(f.soakIDs))
		x, y := f.soakIDs[i], f.soakIDs[(i+1+rnd.IntN(len(f.soakIDs)-1))%len(f.soakIDs)]
		r = a.gql(ctx, key, "AddSupplyRelation", qAddSupply, map[string]any{"a": x, "b": y})
	case "removeSupplyRelation":
		r = a.gql(ctx, key, "RemoveSupplyRelation", qRemove, map[string]any{"a": one(f.soakIDs), "b": one(f.soakIDs)})
	}
	return op, r
}

// sample is one reading of the server's resources.
type sample struct {
	at         time.Duration
	rss        int64
	goroutines float64
	bolt       int
}

func soak(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "chainmatch base URL")
	adminKey := fs.String("admin-key", "", "an admin API key (creates one staff key per client)")
	clients := fs.Int("clients", 32, "concurrent clients (closed loop)")
	duration := fs.Duration("duration", 5*time.Minute, "how long to run")
	pid := fs.Int("pid", 0, "the server's process id (RSS and Bolt connections)")
	boltPort := fs.Int("bolt-port", 7687, "Neo4j's Bolt port (to count the server's connections)")
	every := fs.Duration("sample", 5*time.Second, "resource sampling interval")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a := newAPI(*base)
	if _, err := a.ready(ctx, 2*time.Minute); err != nil {
		return err
	}
	fmt.Printf("soak: setting up (%d soak firms, %d staff keys)...\n", soakFirms, *clients)
	f, err := discover(ctx, a, *adminKey, *clients)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	lat := newLatencies()
	runCtx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	start := time.Now()

	var samples []sample
	var smu sync.Mutex
	take := func() {
		s := sample{at: time.Since(start)}
		s.rss, _ = procRSS(*pid)
		s.goroutines, _ = a.metric(ctx, "go_goroutines")
		s.bolt, _ = boltConnections(*pid, *boltPort)
		smu.Lock()
		samples = append(samples, s)
		smu.Unlock()
	}
	take()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(*every)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
				take()
			}
		}
	}()
	for i := range *clients {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 14))
			for runCtx.Err() == nil {
				op, r := f.pick(runCtx, a, f.keys[i], rnd)
				if runCtx.Err() != nil && r.err != nil {
					return // cut off by the end of the run, not a failure
				}
				lat.add(op, r)
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	take()
	report(lat, samples, elapsed, *clients)
	return nil
}

func report(lat *latencies, samples []sample, elapsed time.Duration, clients int) {
	fmt.Printf("\nsoak: %d clients for %s: %d requests, %.1f req/s\n", clients, elapsed.Round(time.Second), lat.total, float64(lat.total)/elapsed.Seconds())
	fmt.Printf("%-22s %8s %9s %9s\n", "operation", "ok", "p50 ms", "p99 ms")
	var ops []string
	for op := range lat.byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		ds := lat.byOp[op]
		fmt.Printf("%-22s %8d %9s %9s\n", op, len(ds), ms(percentile(ds, 0.5)), ms(percentile(ds, 0.99)))
	}
	var errs []string
	for code, n := range lat.errors {
		errs = append(errs, fmt.Sprintf("%s=%d", code, n))
	}
	sort.Strings(errs)
	if len(errs) == 0 {
		errs = []string{"none"}
	}
	fmt.Printf("errors by code: %s\n", strings.Join(errs, " "))
	for code, m := range lat.sample {
		fmt.Printf("  e.g. %s: %.160s\n", code, m)
	}

	// Trends after the first minute (warm-up: pools, caches, JIT of Neo4j).
	var xs, rss, gor, bolt []float64
	for _, s := range samples {
		if s.at < time.Minute && elapsed > 2*time.Minute {
			continue
		}
		xs = append(xs, s.at.Minutes())
		rss = append(rss, float64(s.rss)/(1<<20))
		gor = append(gor, s.goroutines)
		bolt = append(bolt, float64(s.bolt))
	}
	if len(xs) < 2 {
		fmt.Println("trends: too few samples")
		return
	}
	rng := func(v []float64) (float64, float64) {
		lo, hi := v[0], v[0]
		for _, x := range v {
			lo, hi = min(lo, x), max(hi, x)
		}
		return lo, hi
	}
	rlo, rhi := rng(rss)
	glo, ghi := rng(gor)
	blo, bhi := rng(bolt)
	fmt.Printf("trends after the first minute (%d samples): RSS %.0f-%.0f MiB, slope %+.2f MiB/min; goroutines %.0f-%.0f, slope %+.2f/min; Bolt connections %.0f-%.0f, slope %+.2f/min\n",
		len(xs), rlo, rhi, slope(xs, rss), glo, ghi, slope(xs, gor), blo, bhi, slope(xs, bolt))
}
