// Package bulkload writes a whole dataset.Graph into Neo4j in large
// batches: the demo loader and the tests' fixtures use it through
// neo4jstore.Store.LoadGraph. Each kind of record has one statement
// template (statements.go) from which both its MERGE form (a load over
// existing data) and its CREATE form (a load into a fresh graph) are
// generated, and one place that builds its rows (steps.go).
package bulkload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"

	"chainmatch/internal/dataset"
)

// DB is what a load needs from the store.
type DB interface {
	// Write runs one statement in its own write transaction, retried by
	// the driver on transient errors (attempt is called before each try
	// with its number, from 1), and returns its records.
	Write(ctx context.Context, query string, params map[string]any, attempt func(n int)) ([]*neo4j.Record, error)
	// Read runs one statement in a read transaction.
	Read(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error)
	// DropNameSearch drops the full-text index name_search if it exists.
	DropNameSearch(ctx context.Context) error
	// CreateNameSearch creates name_search (from the migration's
	// definition) if it is missing, without waiting for it.
	CreateNameSearch(ctx context.Context) error
	// AwaitNameSearch waits until name_search is online.
	AwaitNameSearch(ctx context.Context) error
}

// DefaultBatchSize is the rows per UNWIND statement. With two batches in
// flight, 5,000 loaded the 100,000-enterprise graph ~4% faster than 10,000
// on a 2-core machine, fresh or merged, and 20,000 was slower
// (docs/demo-data.md).
const DefaultBatchSize = 5000

// sessions is how many batches a load sends at once, each in its own
// transaction: with two, one of Neo4j's two cores writes a batch while the
// other commits the last one or parses the next. Relationship batches of a
// merge load go one at a time: MERGE takes node locks out of order, so
// concurrent batches over the same products and firms deadlock. CREATE
// takes them in sorted order at commit (Neo4j Operations Manual, "Locks and
// deadlocks"), which is what lets a fresh load overlap its relationship
// batches.
const sessions = 2

// nameSearchRebuildTimeout bounds rebuilding the full-text index after a
// fresh load, which runs even when the load failed or was cancelled.
const nameSearchRebuildTimeout = 10 * time.Minute

// qIsFresh is true when the graph holds no node of a label a load writes
// (an allow-list written out; each test stops at the first node).
const qIsFresh = `RETURN NOT (EXISTS { MATCH (:Enterprise) } OR EXISTS { MATCH (:Product) }
	OR EXISTS { MATCH (:ChainSegment) } OR EXISTS { MATCH (:IndustrialChain) }
	OR EXISTS { MATCH (:District) } OR EXISTS { MATCH (:Park) }
	OR EXISTS { MATCH (:Incentive) } OR EXISTS { MATCH (:Designation) }) AS fresh`

// Load writes g in batches: the catalogue and the enterprises, then their
// relationships. Each batch is one UNWIND statement in its own write
// transaction. progress, when not nil, is called after every batch with
// the rows handled so far and the total.
//
// Load decides once, at the start, how to write. Into a fresh graph (none
// of the labels it writes exists) it CREATEs nodes and relationships,
// two batches at a time, and finds an enterprise by the element id its
// creation returned. It drops the full-text index name_search first and
// builds it again once the nodes are written: the index is online when
// Load returns, also when the load failed or ctx was cancelled (the
// rebuild then runs on a context of its own); searches fail while it is
// missing. A duplicate node key among the rows fails its batch (unique
// constraint); a repeated relationship row is written once, the last one
// winning, as MERGE would. A fresh load assumes that no one else writes or
// deletes those labels meanwhile. Over existing data, Load MERGEs
// everything on natural keys, relationship batches one at a time, so
// running it again with the same graph leaves the graph unchanged (but for
// updatedAt).
//
// On error the batches committed so far stay written.
func Load(ctx context.Context, db DB, g *dataset.Graph, progress func(done, total int), log *slog.Logger) (stats dataset.LoadStats, err error) {
	if log == nil {
		log = slog.Default()
	}
	start := time.Now()
	var reruns atomic.Int64
	defer func() { stats.Duration, stats.Reruns = time.Since(start), int(reruns.Load()) }()
	fresh, err := isFresh(ctx, db)
	if err != nil {
		return stats, fmt.Errorf("bulk load: %w", err)
	}
	stats.Fresh = fresh
	if fresh {
		if err := db.DropNameSearch(ctx); err != nil {
			return stats, fmt.Errorf("bulk load: drop full-text index: %w", err)
		}
		defer func() {
			if rerr := rebuildNameSearch(ctx, db); rerr != nil {
				err = errors.Join(err, fmt.Errorf("bulk load: %w", rerr))
			}
		}()
	}
	l := &loader{db: db, log: log, size: g.BatchSize, progress: progress, fresh: fresh, stats: &stats, reruns: &reruns}
	if l.size <= 0 {
		l.size = DefaultBatchSize
	}
	// firm is what a relationship row says for an enterprise: its USCC,
	// or in a fresh load the element id of the node the load created
	// (nil, matching nothing, for a USCC that is not among g's firms).
	firm := func(uscc string) any { return uscc }
	if fresh {
		l.ids = make(map[string]string, len(g.Enterprises))
		firm = func(uscc string) any {
			if id, ok := l.ids[uscc]; ok {
				return id
			}
			return nil
		}
	}
	all := steps(g, firm)
	for _, st := range all {
		l.total += st.n
	}

	if !fresh {
		for i := range all {
			st := &all[i]
			n := sessions
			if st.rels {
				n = 1
			}
			if err := l.run(ctx, []*step{st}, merge, n); err != nil {
				return stats, fmt.Errorf("bulk load after %d of %d rows: %w", l.done, l.total, err)
			}
		}
		return stats, nil
	}
	lastNodes := 0 // the last phase that writes nodes
	for _, st := range all {
		if !st.rels {
			lastNodes = max(lastNodes, st.phase)
		}
	}
	for lo := 0; lo < len(all); {
		var phase []*step
		hi := lo
		for ; hi < len(all) && all[hi].phase == all[lo].phase; hi++ {
			n := all[hi].n
			all[hi] = all[hi].distinct()
			l.done += n - all[hi].n // repeated rows count as handled
			phase = append(phase, &all[hi])
		}
		if err := l.run(ctx, phase, create, sessions); err != nil {
			return stats, fmt.Errorf("bulk load after %d of %d rows: %w", l.done, l.total, err)
		}
		if all[lo].phase == lastNodes {
			// Neo4j populates the index in the background while the
			// relationships load; the deferred rebuild waits for it.
			if err := db.CreateNameSearch(ctx); err != nil {
				return stats, fmt.Errorf("bulk load: create full-text index: %w", err)
			}
		}
		clear(all[lo:hi]) // the phase's rows are garbage now
		lo = hi
	}
	return stats, nil
}

func isFresh(ctx context.Context, db DB) (bool, error) {
	recs, err := db.Read(ctx, qIsFresh, nil)
	if err != nil || len(recs) == 0 {
		return false, err
	}
	fresh, _, err := neo4j.GetRecordValue[bool](recs[0], "fresh")
	return fresh, err
}

// rebuildNameSearch makes sure the full-text index exists and is online,
// on a context of its own so that it runs after a cancelled load too.
func rebuildNameSearch(ctx context.Context, db DB) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), nameSearchRebuildTimeout)
	defer cancel()
	if err := db.CreateNameSearch(ctx); err != nil {
		return fmt.Errorf("rebuild full-text index: %w", err)
	}
	return db.AwaitNameSearch(ctx)
}

// loader is one load's state.
type loader struct {
	db       DB
	log      *slog.Logger
	size     int
	progress func(done, total int)
	fresh    bool
	reruns   *atomic.Int64

	mu          sync.Mutex // guards what follows while batches are in flight
	stats       *dataset.LoadStats
	done, total int
	// ids are the element ids of the enterprises a fresh load created, by
	// USCC; written while phase 0 runs, read only in later phases.
	ids map[string]string
}

// run writes the rows of steps in batches of l.size, each in its own write
// transaction in mode m, up to n batches at once and started in step
// order, so that the first batch of a step overlaps the last of the one
// before. It stops at the first failure.
func (l *loader) run(ctx context.Context, steps []*step, m mode, n int) error {
	type batch struct {
		st *step
		lo int
	}
	var batches []batch
	for _, st := range steps {
		for lo := 0; lo < st.n; lo += l.size {
			batches = append(batches, batch{st, lo})
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	started := 0
	for _, b := range batches {
		if gctx.Err() != nil {
			break // a batch failed or ctx ended: send no more
		}
		started++
		g.Go(func() error {
			rows := make([]any, 0, min(l.size, b.st.n-b.lo))
			for i := b.lo; i < min(b.lo+l.size, b.st.n); i++ {
				rows = append(rows, b.st.row(i))
			}
			recs, err := l.db.Write(gctx, b.st.stmt.in(m), map[string]any{"rows": rows}, func(attempt int) {
				if attempt > 1 {
					l.reruns.Add(1)
					l.log.Warn("bulk load: batch rerun after a transient error", "rows", len(rows), "attempt", attempt)
				}
			})
			if err != nil {
				return err
			}
			return l.wrote(b.st, len(rows), recs)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if started < len(batches) {
		return fmt.Errorf("%d of %d batches not sent: %w", len(batches)-started, len(batches), ctx.Err())
	}
	return nil
}

// wrote accounts for a committed batch and, in a fresh load, records the
// element ids the enterprise statement returned.
func (l *loader) wrote(st *step, rows int, recs []*neo4j.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats.Statements++
	if st.rels {
		l.stats.RelationshipRows += rows
	} else {
		l.stats.NodeRows += rows
	}
	l.done += rows
	if l.progress != nil {
		l.progress(l.done, l.total)
	}
	if !l.fresh || !st.firms {
		return nil
	}
	for _, rec := range recs {
		key, _, err := neo4j.GetRecordValue[string](rec, "key")
		if err != nil {
			return err
		}
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return err
		}
		l.ids[key] = id
	}
	return nil
}
