package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"chainmatch/internal/chain"
	"chainmatch/internal/dataset"
	"chainmatch/internal/textkey"
)

// Loader is what Load needs from the store (*neo4jstore.Store has it).
type Loader interface {
	LoadGraph(ctx context.Context, g *dataset.Graph, progress func(done, total int)) (dataset.LoadStats, error)
	DeleteDomainData(ctx context.Context) error
	DeleteAllData(ctx context.Context) error
	ReplaceSynonyms(ctx context.Context, groups []chain.SynonymGroup) error
}

// Load generates the demo graph for opts and writes it through l, after
// emptying the business graph when opts.Reset is set (everything, API keys
// and audit trail included, when opts.ResetAll is). Loading twice without
// a reset is harmless: every write merges on natural keys. The search
// synonyms shipped with chainmatch (textkey.DefaultSynonyms) are loaded
// after the graph.
func Load(ctx context.Context, l Loader, opts Options) (dataset.LoadStats, error) {
	switch {
	case opts.ResetAll:
		if err := l.DeleteAllData(ctx); err != nil {
			return dataset.LoadStats{}, fmt.Errorf("reset before demo load: %w", err)
		}
	case opts.Reset:
		if err := l.DeleteDomainData(ctx); err != nil {
			return dataset.LoadStats{}, fmt.Errorf("reset before demo load: %w", err)
		}
	}
	g := Generate(opts)
	g.BatchSize = opts.BatchSize
	stats, err := l.LoadGraph(ctx, &g.Graph, opts.Progress)
	if err != nil {
		return stats, fmt.Errorf("load demo graph: %w", err)
	}
	if err := LoadSynonyms(ctx, l, strings.NewReader(textkey.DefaultSynonyms)); err != nil {
		return stats, err
	}
	return stats, nil
}

// SynonymWriter is what LoadSynonyms needs from the store.
type SynonymWriter interface {
	ReplaceSynonyms(ctx context.Context, groups []chain.SynonymGroup) error
}

// LoadSynonyms replaces the graph's search synonyms with the list read
// from r (format: textkey.ParseSynonyms).
func LoadSynonyms(ctx context.Context, w SynonymWriter, r io.Reader) error {
	groups, err := textkey.ParseSynonyms(r)
	if err != nil {
		return err
	}
	gs, err := chain.SynonymGroups(groups)
	if err != nil {
		return fmt.Errorf("synonyms: %w", err)
	}
	if err := w.ReplaceSynonyms(ctx, gs); err != nil {
		return fmt.Errorf("load synonyms: %w", err)
	}
	return nil
}

// ProgressBar returns a progress callback that draws a bar on w when w is
// a terminal, and nil (no progress output) otherwise, so that logs and CI
// output stay clean.
func ProgressBar(w io.Writer, description string) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(description),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
			)
		}
		_ = bar.Set(done)
	}
}
