// Package matchindex is a per-replica, in-process read model of what
// matchmaking reads (firms with location, park, designations, what they
// make and need, their supply ties, and the catalogue), kept exact by the
// change log. Index implements match.Storer: supplier, customer and
// partner candidates, the asker, chain-gap statistics and gap candidates
// are answered from memory with the same results as the Cypher of
// internal/store/neo4j; everything else goes to the wrapped store. The
// top candidates of a branch are chosen through per-product streams with
// KD-trees (stream.go) instead of a walk over every holder.
//
// Before answering, the index reads the graph's head (change-log seq,
// purge mark and the match epoch, one trivial statement) and, when the
// head is ahead of its snapshot, first applies the events after its seq
// (re-reading the named firms' facts); within one operation of the match
// service (Snapshot) that happens once, and its reads share the state. A
// changed epoch (bulk load, demo reset, a catalogue write), a seq going
// backwards or a purged log make it rebuild in the background, answering
// from the store meanwhile. See docs/matching.md ("The in-process match
// index").
package matchindex

import (
	"context"

	"chainmatch/internal/changes"
	"chainmatch/internal/geo"
)

// Head is where the graph's match facts stand.
type Head struct {
	// Seq is the change log's last sequence number, Purged the seq through
	// which it was purged.
	Seq, Purged int64
	// Epoch changes with every write that appends no change events but
	// changes match facts: a bulk load, a catalogue write, a wipe.
	Epoch string
}

// Product is a catalogue product with the codes of its segments.
type Product struct {
	Code     string
	Name     string
	NameEn   *string
	Segments []string
}

// Segment is a chain segment with its position and the codes of its chains.
type Segment struct {
	Code     string
	Position *float64
	Chains   []string
}

// Catalog is the catalogue as matching reads it.
type Catalog struct {
	Products []Product
	Segments []Segment
	Chains   []string
}

// Holding is a product a firm makes (Amount = annual capacity) or needs
// (Amount = annual volume).
type Holding struct {
	Product string
	Amount  *float64
	Unit    *string
}

// Firm is the match facts of one enterprise.
type Firm struct {
	USCC         string
	IsLocal      bool
	Location     *geo.Point
	Park         *string
	Designations []string
	Makes, Needs []Holding
	// Customers are the firms it supplies, Suppliers those supplying it
	// (distinct USCCs).
	Customers, Suppliers []string
}

// Source is what the index reads from the graph; the Neo4j store
// implements it.
type Source interface {
	// MatchIndexHead reads the head through the store's ordinary read path.
	MatchIndexHead(ctx context.Context) (Head, error)
	// MatchIndexCatalog reads the whole catalogue.
	MatchIndexCatalog(ctx context.Context) (Catalog, error)
	// MatchIndexFirms reads up to limit firms with a USCC greater than
	// after, in USCC order (a page of the full load).
	MatchIndexFirms(ctx context.Context, after string, limit int) ([]Firm, error)
	// MatchIndexFirmsByUSCC re-reads the given firms; a missing one is
	// left out.
	MatchIndexFirmsByUSCC(ctx context.Context, usccs []string) ([]Firm, error)
	// ChangesAfter reads change events after seq (changes.Storer).
	ChangesAfter(ctx context.Context, after int64, kinds []changes.Kind, limit int) ([]changes.Event, int64, error)
}
