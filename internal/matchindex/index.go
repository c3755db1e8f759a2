package matchindex

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"chainmatch/internal/changes"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
)

// Defaults of Config.
const (
	DefaultPoll     = 300 * time.Millisecond
	DefaultPageSize = 5000
	// eventPage is how many change events one catch-up read takes.
	eventPage = 1000
)

// The kinds of change events that can change match facts (LEAD_CHANGED
// cannot: a settlement that moves a firm appends ENTERPRISE_UPDATED too).
var factKinds = []changes.Kind{changes.EnterpriseCreated, changes.EnterpriseUpdated,
	changes.EnterpriseDeleted, changes.SupplyAdded, changes.SupplyRemoved}

// Config tunes an Index.
type Config struct {
	// Poll is how often the background loop catches up (DefaultPoll).
	Poll time.Duration
	// PageSize is how many firms one read of the full load takes
	// (DefaultPageSize).
	PageSize int
	// Log receives build and rebuild reports (slog.Default when nil).
	Log *slog.Logger
}

// Stats describes an index for logs and tests.
type Stats struct {
	Ready bool
	Firms int
	Seq   int64
	// Builds counts full loads, CatchUps catch-ups that applied events,
	// Fallbacks requests answered by the store while not ready.
	Builds, CatchUps, Fallbacks int64
}

var (
	metricReady = promauto.NewGauge(prometheus.GaugeOpts{Name: "chainmatch_match_index_ready",
		Help: "1 when the in-process match index answers matches, 0 while they go to Neo4j."})
	metricFirms = promauto.NewGauge(prometheus.GaugeOpts{Name: "chainmatch_match_index_firms",
		Help: "Enterprises held by the in-process match index."})
	metricSeq = promauto.NewGauge(prometheus.GaugeOpts{Name: "chainmatch_match_index_seq",
		Help: "Change-log sequence number the match index reflects."})
	metricBuilds = promauto.NewCounter(prometheus.CounterOpts{Name: "chainmatch_match_index_builds_total",
		Help: "Full loads of the match index (start, bulk loads, resets, catalogue writes)."})
	metricBuildSeconds = promauto.NewGauge(prometheus.GaugeOpts{Name: "chainmatch_match_index_build_seconds",
		Help: "Duration of the last full load of the match index."})
	metricCatchUps = promauto.NewCounter(prometheus.CounterOpts{Name: "chainmatch_match_index_catchups_total",
		Help: "Catch-ups of the match index that applied change events."})
	metricFallbacks = promauto.NewCounter(prometheus.CounterOpts{Name: "chainmatch_match_index_fallbacks_total",
		Help: "Match store calls answered by Neo4j because the index was not ready."})
)

// Index is the in-process match index. Its zero value is not usable; make
// one with New and run Run in the background. Until the first load is
// done (and while it rebuilds), the match methods go to the wrapped store.
type Index struct {
	match.Storer // the store: every method the index does not answer
	src          Source
	cfg          Config
	log          *slog.Logger

	mu sync.RWMutex // guards st and its contents
	st *state       // nil: not ready

	catchUp sync.Mutex // one catch-up or build at a time
	kick    chan struct{}

	builds, catchUps, fallbacks atomic.Int64
}

// New returns an index over src answering for store (normally the same
// Neo4j store).
func New(src Source, store match.Storer, cfg Config) *Index {
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return &Index{Storer: store, src: src, cfg: cfg, log: log, kick: make(chan struct{}, 1)}
}

// Stats returns the index's state.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Builds: ix.builds.Load(), CatchUps: ix.catchUps.Load(), Fallbacks: ix.fallbacks.Load()}
	if ix.st != nil {
		s.Ready, s.Seq, s.Firms = true, ix.st.seq, ix.st.present
	}
	return s
}

// Run builds the index and keeps it caught up until ctx ends: every Poll,
// and at once when a request found it needs a rebuild. While the graph
// cannot be read it retries with a growing pause (up to 10 s), warning
// once per failure streak.
func (ix *Index) Run(ctx context.Context) {
	pause, failing := ix.cfg.Poll, false
	for {
		err := ix.Refresh(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				ix.log.Warn("match index: refresh failed; matches go to Neo4j until it succeeds", "err", err)
			}
			failing, pause = true, min(2*pause, 10*time.Second)
		default:
			if failing {
				ix.log.Info("match index: refreshing again")
			}
			failing, pause = false, ix.cfg.Poll
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-ix.kick:
			t.Stop()
		}
	}
}

// Refresh brings the index up to the graph's current head: a full load
// when it has none or its snapshot is void, else a catch-up.
func (ix *Index) Refresh(ctx context.Context) error {
	h, err := ix.src.MatchIndexHead(ctx)
	if err != nil {
		return fmt.Errorf("match index head: %w", err)
	}
	if ix.current() == nil {
		return ix.build(ctx)
	}
	_, err = ix.fresh(ctx, h)
	if err == nil && ix.current() == nil {
		return ix.build(ctx)
	}
	return err
}

func (ix *Index) seqOf(st *state) int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return st.seq
}

func (ix *Index) current() *state {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st
}

// fresh makes the snapshot reflect every event up to h.Seq (single-flight:
// concurrent callers wait for one catch-up, then find nothing left to do).
// It returns false when there is no usable snapshot: the caller answers
// from the store, and a rebuild has been asked for. The snapshot is void
// when h has another epoch (bulk load, wipe, catalogue write), when
// events it has not applied were purged, or when the change log's seq
// went backwards (a wiped log).
func (ix *Index) fresh(ctx context.Context, h Head) (bool, error) {
	st := ix.current()
	if st == nil {
		return false, nil
	}
	seq := ix.seqOf(st)
	if h.Epoch != st.epoch || h.Purged > seq {
		ix.invalidate(st)
		return false, nil
	}
	if h.Seq == seq {
		return true, nil
	}
	ix.catchUp.Lock()
	defer ix.catchUp.Unlock()
	if ix.current() != st {
		return false, nil
	}
	seq = ix.seqOf(st)
	if h.Seq < seq {
		// A newer head was caught up with meanwhile, or the log went
		// backwards: a head read now tells which.
		h2, err := ix.src.MatchIndexHead(ctx)
		if err != nil {
			return false, fmt.Errorf("match index head: %w", err)
		}
		if h2.Seq < seq || h2.Epoch != st.epoch {
			ix.invalidate(st)
			return false, nil
		}
		return true, nil
	}
	applied := false
	for {
		evs, purged, err := ix.src.ChangesAfter(ctx, seq, factKinds, eventPage)
		if err != nil {
			return false, fmt.Errorf("match index: read changes after %d: %w", seq, err)
		}
		if purged > seq {
			ix.invalidate(st)
			return false, nil
		}
		if len(evs) == 0 {
			break
		}
		if err := ix.apply(ctx, st, evs); err != nil {
			return false, err
		}
		seq = evs[len(evs)-1].Seq
		applied = true
		if len(evs) < eventPage {
			break
		}
	}
	ix.mu.Lock()
	// Every event up to h.Seq has committed (the counter's lock orders
	// commits by seq) and was read above, whatever its kind.
	st.seq = max(seq, h.Seq)
	metricSeq.Set(float64(st.seq))
	ix.mu.Unlock()
	if applied {
		ix.catchUps.Add(1)
		metricCatchUps.Inc()
	}
	return true, nil
}

// apply re-reads the firms named by evs and replaces their facts.
func (ix *Index) apply(ctx context.Context, st *state, evs []changes.Event) error {
	seen := map[string]bool{}
	var usccs []string
	for _, e := range evs {
		for _, id := range []string{e.EntityID, e.RelatedID} {
			if t, key, ok := gid.Decode(id); ok && t == gid.Enterprise && !seen[key] {
				seen[key] = true
				usccs = append(usccs, key)
			}
		}
	}
	firms, err := ix.src.MatchIndexFirmsByUSCC(ctx, usccs)
	if err != nil {
		return fmt.Errorf("match index: re-read %d firms: %w", len(usccs), err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, f := range firms {
		delete(seen, f.USCC)
		st.put(f)
	}
	for uscc := range seen { // named, not found: deleted
		st.remove(uscc)
	}
	st.maintain()
	metricFirms.Set(float64(st.present))
	return nil
}

// invalidate drops the snapshot st (if still current): matches go to the
// store until the background loop has rebuilt it.
func (ix *Index) invalidate(st *state) {
	ix.mu.Lock()
	if ix.st == st {
		ix.st = nil
		metricReady.Set(0)
		ix.log.Info("match index: snapshot void (bulk load, reset, catalogue write or purged log); rebuilding")
	}
	ix.mu.Unlock()
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// build loads a new snapshot: the head first (so that every later write
// is caught up with afterwards), the catalogue, then the firms page by
// page; then it catches up and makes it current.
func (ix *Index) build(ctx context.Context) error {
	ix.catchUp.Lock()
	start := time.Now()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	h, err := ix.src.MatchIndexHead(ctx)
	if err != nil {
		ix.catchUp.Unlock()
		return fmt.Errorf("match index head: %w", err)
	}
	cat, err := ix.src.MatchIndexCatalog(ctx)
	if err != nil {
		ix.catchUp.Unlock()
		return fmt.Errorf("match index catalogue: %w", err)
	}
	st := newState(h, cat)
	after := ""
	for {
		page, err := ix.src.MatchIndexFirms(ctx, after, ix.cfg.PageSize)
		if err != nil {
			ix.catchUp.Unlock()
			return fmt.Errorf("match index firms after %q: %w", after, err)
		}
		for _, f := range page {
			st.put(f)
		}
		if len(page) < ix.cfg.PageSize {
			break
		}
		after = page[len(page)-1].USCC
	}
	st.indexAll()
	n := st.present
	var mem runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&mem)
	ix.mu.Lock()
	ix.st = st
	ix.mu.Unlock()
	metricReady.Set(1)
	ix.catchUp.Unlock()
	ix.builds.Add(1)
	metricBuilds.Inc()
	metricFirms.Set(float64(n))
	metricSeq.Set(float64(h.Seq))
	metricBuildSeconds.Set(time.Since(start).Seconds())
	ix.log.Info("match index built", "firms", n, "products", len(st.products), "seq", h.Seq,
		"took", time.Since(start).Round(time.Millisecond),
		"heapGrowthBytes", int64(mem.HeapAlloc)-int64(before.HeapAlloc))
	// Events written while loading are applied now, before any match.
	h, err = ix.src.MatchIndexHead(ctx)
	if err != nil {
		return fmt.Errorf("match index head: %w", err)
	}
	_, err = ix.fresh(ctx, h)
	return err
}

// snapKey keys the snapshot of an operation in its context.
type snapKey struct{}

// snap is an operation's snapshot: the state it reads and the index it
// belongs to (its read lock is held until the operation releases it).
type snap struct {
	ix *Index
	st *state
}

// Snapshot implements match.Snapshotter: the reads made with the returned
// context answer from the snapshot caught up now (one head read for the
// whole operation, and no catch-up applied between its reads); release
// ends it. While it is held, catch-ups wait, so an operation releases it
// as soon as its reads are done (the match service: when it returns). Not
// ready or an error: ctx itself, and each read decides alone. Nested
// calls share the outer snapshot.
func (ix *Index) Snapshot(ctx context.Context) (context.Context, func()) {
	if sn, ok := ctx.Value(snapKey{}).(*snap); ok && sn.ix == ix {
		return ctx, func() {}
	}
	st, release, ok, err := ix.view(ctx)
	if err != nil || !ok {
		return ctx, func() {}
	}
	var once sync.Once
	return context.WithValue(ctx, snapKey{}, &snap{ix: ix, st: st}), func() { once.Do(release) }
}

// view returns the snapshot, caught up with the graph's current head, and
// holds its read lock until release; ok is false when the caller must ask
// the store. Inside an operation's Snapshot it is that snapshot's state
// (its lock already held, no head read).
func (ix *Index) view(ctx context.Context) (st *state, release func(), ok bool, err error) {
	if sn, ok := ctx.Value(snapKey{}).(*snap); ok && sn.ix == ix {
		return sn.st, func() {}, true, nil
	}
	if ix.current() == nil {
		ix.fallbacks.Add(1)
		metricFallbacks.Inc()
		return nil, nil, false, nil
	}
	h, err := ix.src.MatchIndexHead(ctx)
	if err != nil {
		return nil, nil, false, fmt.Errorf("match index head: %w", err)
	}
	if ok, err := ix.fresh(ctx, h); err != nil || !ok {
		if err == nil {
			ix.fallbacks.Add(1)
			metricFallbacks.Inc()
		}
		return nil, nil, false, err
	}
	ix.mu.RLock()
	if ix.st == nil {
		ix.mu.RUnlock()
		ix.fallbacks.Add(1)
		metricFallbacks.Inc()
		return nil, nil, false, nil
	}
	return ix.st, ix.mu.RUnlock, true, nil
}

// MatchAsker implements match.Storer from memory.
func (ix *Index) MatchAsker(ctx context.Context, uscc string, productCodes []string) (match.Asker, error) {
	st, release, ok, err := ix.view(ctx)
	if err != nil || !ok {
		if err != nil {
			return match.Asker{}, err
		}
		return ix.Storer.MatchAsker(ctx, uscc, productCodes)
	}
	defer release()
	return st.asker(uscc, productCodes)
}

// MatchCandidates implements match.Storer from memory.
func (ix *Index) MatchCandidates(ctx context.Context, q match.CandidateQuery) ([]match.Candidate, error) {
	st, release, ok, err := ix.view(ctx)
	if err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return ix.Storer.MatchCandidates(ctx, q)
	}
	defer release()
	return st.candidates(q), nil
}

// ChainGapStats implements match.Storer from memory.
func (ix *Index) ChainGapStats(ctx context.Context, chainCode string) ([]match.GapStat, error) {
	st, release, ok, err := ix.view(ctx)
	if err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return ix.Storer.ChainGapStats(ctx, chainCode)
	}
	defer release()
	return st.gapStats(chainCode)
}

// GapCandidates implements match.Storer from memory.
func (ix *Index) GapCandidates(ctx context.Context, productCodes []string, centre geo.Point, perProduct int) ([]match.GapCandidate, error) {
	st, release, ok, err := ix.view(ctx)
	if err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return ix.Storer.GapCandidates(ctx, productCodes, centre, perProduct)
	}
	defer release()
	return st.gapCandidates(productCodes, centre, perProduct), nil
}

var _ match.Storer = (*Index)(nil)
