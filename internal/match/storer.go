package match

import (
	"context"

	"chainmatch/internal/chain"
	"chainmatch/internal/geo"
)

// Storer is what the match service needs from the graph; the Neo4j store
// implements it with a small, fixed number of Cypher statements per call
// (see docs/matching.md). Missing enterprises and chains are reported as
// apperr.ErrNotFound.
type Storer interface {
	// MatchAsker returns the asking enterprise and, of productCodes, the
	// products that exist.
	MatchAsker(ctx context.Context, uscc string, productCodes []string) (Asker, error)
	// MatchCandidates returns the candidates for q, at most q.PerKind per
	// product and fit, each with everything scoring needs.
	MatchCandidates(ctx context.Context, q CandidateQuery) ([]Candidate, error)
	// MatchAskers is MatchAsker for many requests in one statement: the
	// asker of each query at its index, nil for one that does not exist.
	MatchAskers(ctx context.Context, qs []AskerQuery) ([]*Asker, error)
	// MatchCandidatesOf gathers, for each query (OnlyUSCC set, every
	// query with the same Rank), the record of that one firm as a
	// candidate over every fit, uncapped (Fits and PerKind are ignored), in
	// one statement: the candidate at its index, nil where the firm is no
	// candidate.
	MatchCandidatesOf(ctx context.Context, qs []CandidateQuery) ([]*Candidate, error)
	// ChainGapStats returns, per product of the chain that Jiaxing firms
	// need, how many local firms need and make it.
	ChainGapStats(ctx context.Context, chainCode string) ([]GapStat, error)
	// GapCandidates returns non-local makers of each product, at most
	// perProduct each, nearest to centre first.
	GapCandidates(ctx context.Context, productCodes []string, centre geo.Point, perProduct int) ([]GapCandidate, error)
	// SettlementFacts returns what ranking the parks for an enterprise needs;
	// firms within radiusKm of a park count as near it.
	SettlementFacts(ctx context.Context, uscc string, radiusKm float64) (SettlementFacts, error)
	// SupplyPaths returns up to a bounded number of shortest SUPPLIES paths
	// from one firm to another with at most maxHops hops (1..6).
	SupplyPaths(ctx context.Context, fromUSCC, toUSCC string, maxHops int) (PathFacts, error)
	// IncentiveFacts returns the enterprise's registration and designations
	// and every incentive.
	IncentiveFacts(ctx context.Context, uscc string) (IncentiveFacts, error)
	// CultivationCounts counts local firms holding each designation, in
	// total and per district.
	CultivationCounts(ctx context.Context, national, provincial string) (CultivationCounts, error)
}

// Snapshotter is implemented by stores that can answer the reads of one
// operation from one consistent snapshot (the in-process match index):
// Snapshot returns a context in which the Storer's reads see the graph as
// of the call, and a release to call when the operation is done. A store
// that cannot (not ready, or an error) returns ctx itself and a no-op;
// each read then finds its own way, as without a snapshot.
type Snapshotter interface {
	Snapshot(ctx context.Context) (context.Context, func())
}

// ProductRef names a product for scoring and reasons.
type ProductRef struct {
	Code   string
	Name   string
	NameEn *string
}

// Holding is a product an enterprise makes (Amount = annual capacity) or
// needs (Amount = annual volume).
type Holding struct {
	Product ProductRef
	Amount  *float64
	Unit    *string
}

// Asker is the enterprise a match is for.
type Asker struct {
	USCC     string
	IsLocal  bool
	Location *geo.Point
	ParkCode *string
	Needs    []Holding
	Makes    []Holding
	// Segments are the codes of the segments of the products it makes.
	Segments []string
	// Requested are the products of the request's productIds that exist.
	Requested []ProductRef
}

// AskerQuery names an asker and the products of a request (MatchAskers).
type AskerQuery struct {
	USCC         string
	ProductCodes []string
}

// CandidateQuery selects candidates for one kind of match.
type CandidateQuery struct {
	Kind          Kind // Suppliers, Customers or Partners
	AskerUSCC     string
	ProductCodes  []string
	LocalOnly     bool
	MaxDistanceKm *float64
	Designations  []string
	// AskerSegments are the segments "firms like the asker" work in.
	AskerSegments []string
	// Fits are the fits to gather (the store's branches); empty = all.
	Fits []Fit
	// PerKind caps the candidates (firms) per product and fit, before
	// scoring: those with the highest Rank key are kept.
	PerKind int
	Rank    RankKey
	// OnlyUSCC, when set, keeps only this firm as a candidate (scoring one
	// firm for a saved search, CandidateMatch).
	OnlyUSCC *string
}

// RankKey is the part of the score the store computes for every candidate
// before the cap: the weighted proximity and qualification. The product fit
// is the same for all candidates of a product and fit; network, capacity
// and novelty are left out (they cost a count per candidate).
type RankKey struct {
	Proximity, Qualification float64 // weights
	ProximityScaleKm         float64
	UnknownProximity         float64
	// Ladder is the qualification value of each designation code.
	Ladder map[string]float64
}

// Hit is one way a candidate relates to a product asked about.
type Hit struct {
	Fit Fit
	// Wanted is the product asked about, Via the candidate's product; both
	// are empty for FitShared.
	Wanted ProductRef
	Via    ProductRef
	// Amount is the candidate's capacity (makers) or volume (buyers) of Via.
	Amount *float64
	Unit   *string
}

// Candidate is a firm the store found for a match, before scoring.
type Candidate struct {
	USCC         string
	IsLocal      bool
	ParkCode     *string
	DistanceKm   *float64
	Designations []string
	Hits         []Hit
	// Peers counts firms in the asker's segments the candidate already
	// trades with (supplies, for supplier and partner matches; buys from,
	// for customer matches).
	Peers int
	// Shared counts firms that are customers of both or suppliers of both.
	Shared int
	// Existing is true when the candidate already supplies the asker
	// (supplier matches) or buys from it (customer matches).
	Existing bool
	// RankKey is the key the store capped candidates by, as the store
	// computed it (RankKey in Cypher). It must equal ScoreKey of the
	// candidate's distance and designations; a test on the demo graph
	// holds the two to that.
	RankKey float64
}

// GapStat is local demand and supply of one product of a chain.
type GapStat struct {
	SegmentCode string
	Product     ProductRef
	Demand      int
	Supply      int
}

// GapCandidate is a non-local maker of a gap product.
type GapCandidate struct {
	ProductCode  string
	USCC         string
	DistanceKm   *float64 // from the Jiaxing city centre
	Designations []string
	Capacity     *float64
	Unit         *string
	// LocalCustomers counts Jiaxing firms it already supplies.
	LocalCustomers int
}

// SettlementFacts is what ranking parks for a firm needs.
type SettlementFacts struct {
	// Chains are the chains of the firm's products.
	Chains []ChainRef
	// Offers are the firm's products with Jiaxing demand and supply.
	Offers []GapOffer
	Parks  []ParkFacts
}

// ChainRef names a chain for reasons.
type ChainRef struct {
	Code   string
	Name   string
	NameEn *string
}

// GapOffer is a product the firm makes, with local demand and supply.
type GapOffer struct {
	Product    ProductRef
	ChainCodes []string
	Demand     int
	Supply     int
}

// ParkFacts is one park with the firm's suppliers and customers near it.
type ParkFacts struct {
	Park      chain.Park
	Focus     []ChainRef
	Suppliers int
	Customers int
}

// PathFacts is the result of a supply-path search.
type PathFacts struct {
	FromFound, ToFound bool
	// Paths are USCC sequences, supplier first, shortest first.
	Paths [][]string
}

// IncentiveFacts is what deciding incentive eligibility needs.
type IncentiveFacts struct {
	IsLocal    bool
	Grants     []Grant
	Incentives []chain.Incentive
}

// Grant is a designation held and the year it was granted (0 if unknown).
type Grant struct {
	Designation string
	Year        int
}

// CultivationCounts are counts of local firms per designation.
type CultivationCounts struct {
	National, Provincial int
	ByDistrict           []DistrictProgress
}
