package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"chainmatch/internal/apperr"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
)

// Limits and fixed parameters of the operations, documented in
// docs/matching.md.
const (
	DefaultMatchFirst = 20
	MaxMatchFirst     = 100
	// CandidatesPerKind caps the candidates (firms) gathered per product
	// and fit (exact product, same segment, adjacent segment, shared
	// partners) before scoring: those with the highest rank key (weighted
	// proximity + qualification, RankKey) are kept, or first per product and
	// fit when first is larger. Why 100: docs/matching.md.
	CandidatesPerKind = 100

	DefaultGapFirst     = 20
	MaxGapFirst         = 100
	DefaultGapCandidate = 5
	MaxGapCandidates    = 50

	DefaultSettlementFirst = 5
	MaxSettlementFirst     = 20
	// NearParkKm is the radius around a park's location within which a
	// firm counts as near the park (firms in the park always do).
	NearParkKm = 15.0
	// GapThreshold is the severity from which a product counts as a gap a
	// settling firm would fill (at most as many local makers as buyers).
	GapThreshold = 0.5

	DefaultMaxHops   = 4
	MaxHops          = 6
	DefaultPathFirst = 3
	MaxPathFirst     = 10
)

// JiaxingCentre is the city government's location, from which gap
// candidates' distance is measured.
var JiaxingCentre = geo.Point{Latitude: 30.747, Longitude: 120.756}

// Targets are the city's cultivation targets.
type Targets struct {
	Year                 int
	NationalLittleGiants int
	ProvincialSRDI       int
}

// CultivationTargets are Jiaxing's targets for 2027: 200 national little
// giants and 1,500 provincial SRDI firms.
var CultivationTargets = Targets{Year: 2027, NationalLittleGiants: 200, ProvincialSRDI: 1500}

// Service is the match business layer; see the package comment.
type Service struct {
	store   Storer
	weights Weights
}

// NewService returns a service scoring with w, normalised so that each
// group of weights sums to 1. It fails on negative weights or a group that
// sums to zero.
func NewService(store Storer, w Weights) (*Service, error) {
	nw, err := w.normalized()
	if err != nil {
		return nil, err
	}
	return &Service{store: store, weights: nw}, nil
}

// snapshot makes the reads of one operation (the asker, then its
// candidates; a chain's gaps, then their candidates) see one snapshot of
// the graph when the store can (Snapshotter): one freshness check instead
// of one per read, and no write applied between them.
func (s *Service) snapshot(ctx context.Context) (context.Context, func()) {
	if sn, ok := s.store.(Snapshotter); ok {
		return sn.Snapshot(ctx)
	}
	return ctx, func() {}
}

// Weights returns the normalised weights the service scores with.
func (s *Service) Weights() Weights { return s.weights }

// MatchQuery is the input of SupplierMatches, CustomerMatches and
// PartnerMatches; it mirrors the GraphQL MatchInput.
type MatchQuery struct {
	EnterpriseID  string
	ProductIDs    []string
	LocalOnly     *bool // default true
	MaxDistanceKm *float64
	Designations  []enterprise.Designation
	// Fits keeps only matches of these fits (a match's fit is its best
	// one); empty = all.
	Fits  []Fit
	First *int // default 20, at most 100
}

// SupplierMatches ranks firms that make what the enterprise needs (its
// needs, or the products asked for). Firms that already supply it are kept,
// marked ExistingRelation and ranked lower (novelty 0).
func (s *Service) SupplierMatches(ctx context.Context, q MatchQuery) ([]Match, error) {
	return s.matches(ctx, Suppliers, q)
}

// CustomerMatches ranks firms that need what the enterprise makes. Firms
// that already buy from it are kept, marked and ranked lower.
func (s *Service) CustomerMatches(ctx context.Context, q MatchQuery) ([]Match, error) {
	return s.matches(ctx, Customers, q)
}

// PartnerMatches ranks complementary firms: makers of products in the same
// or a neighbouring segment of the enterprise's products, and firms sharing
// customers or suppliers with it; firms that already trade with it in
// either direction are left out.
func (s *Service) PartnerMatches(ctx context.Context, q MatchQuery) ([]Match, error) {
	return s.matches(ctx, Partners, q)
}

func (s *Service) matches(ctx context.Context, k Kind, q MatchQuery) ([]Match, error) {
	uscc, err := gid.Key(q.EnterpriseID, gid.Enterprise, "input.enterpriseId")
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(q.ProductIDs))
	for i, id := range q.ProductIDs {
		c, err := gid.Key(id, gid.Product, fmt.Sprintf("input.productIds[%d]", i))
		if err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	first, err := limit(q.First, DefaultMatchFirst, MaxMatchFirst, "input.first")
	if err != nil {
		return nil, err
	}
	if d := q.MaxDistanceKm; d != nil && (!(*d > 0) || math.IsInf(*d, 0)) {
		return nil, apperr.Invalid("input.maxDistanceKm", "must be a distance in km greater than 0")
	}
	designations := make([]string, 0, len(q.Designations))
	for i, d := range q.Designations {
		if !d.IsValid() {
			return nil, apperr.Invalid(fmt.Sprintf("input.designations[%d]", i), "unknown designation %q", d)
		}
		designations = append(designations, string(d))
	}
	fits := map[Fit]bool{}
	for i, f := range q.Fits {
		if !f.IsValid() {
			return nil, apperr.Invalid(fmt.Sprintf("input.fits[%d]", i), "unknown fit %q", f)
		}
		fits[f] = true
	}
	localOnly := q.LocalOnly == nil || *q.LocalOnly

	ctx, done := s.snapshot(ctx)
	defer done()
	asker, err := s.store.MatchAsker(ctx, uscc, codes)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Missing("input.enterpriseId", "no enterprise has this id")
	}
	if err != nil {
		return nil, err
	}
	own, ownList := holdings(k, asker) // the asker's side of each product
	var products []string
	if len(codes) > 0 {
		found := map[string]bool{}
		for _, p := range asker.Requested {
			found[p.Code] = true
		}
		for i, c := range codes {
			if !found[c] {
				return nil, apperr.Missing(fmt.Sprintf("input.productIds[%d]", i), "no product has this id")
			}
			if !slices.Contains(products, c) {
				products = append(products, c)
			}
		}
	} else {
		for _, h := range ownList {
			products = append(products, h.Product.Code)
		}
	}
	if len(products) == 0 {
		return []Match{}, nil
	}
	cq := CandidateQuery{
		Kind:          k,
		AskerUSCC:     uscc,
		ProductCodes:  products,
		LocalOnly:     localOnly,
		MaxDistanceKm: q.MaxDistanceKm,
		Designations:  designations,
		AskerSegments: asker.Segments,
		PerKind:       max(CandidatesPerKind, first),
		Rank:          rankKey(s.weights),
	}
	cands, err := s.gather(ctx, k, cq, fits, first, asker.USCC)
	if err != nil {
		return nil, err
	}
	// Score first, explain after: every candidate gets its score (cheap
	// arithmetic), but reasons and components are built only for the
	// `first` returned.
	ranked := make([]rankedCandidate, 0, len(cands))
	for i := range cands {
		if cands[i].USCC == asker.USCC {
			continue // never the asker itself
		}
		sc := s.candidateScore(k, own, cands[i])
		if len(fits) > 0 && !fits[sc.hit.Fit] {
			continue
		}
		ranked = append(ranked, rankedCandidate{tier: Tier(k, sc.hit.Fit), score: score(sc.comps[:]),
			key: gid.Encode(gid.Enterprise, cands[i].USCC), c: &cands[i]})
	}
	sortRanked(ranked)
	if len(ranked) > first {
		ranked = ranked[:first]
	}
	lang := LanguageFrom(ctx)
	out := make([]Match, 0, len(ranked))
	for _, r := range ranked {
		out = append(out, s.scoreCandidate(lang, k, asker, own, localOnly, *r.c))
	}
	return out, nil
}

// gather fetches the candidates of a match request. Where fits are tiered
// (suppliers, customers) and the very product is wanted, it first gathers
// only the firms trading the very product: when there are at least first
// of them (not the asker), no near fit can reach the list, and the costly
// near-fit branches (every firm of the products' segments and of the
// neighbouring ones) are never run. Otherwise it gathers the near fits in
// a second statement and merges the hits per firm, which gives exactly
// the candidates of one statement over all branches. A fits filter
// without PRODUCT still gathers the exact branch with the near ones, so
// that a firm trading the very product keeps PRODUCT as its (best) fit
// and is left out.
func (s *Service) gather(ctx context.Context, k Kind, q CandidateQuery, fits map[Fit]bool, first int, asker string) ([]Candidate, error) {
	wants := func(f Fit) bool { return len(fits) == 0 || fits[f] }
	if k == Partners || !wants(FitProduct) {
		return s.store.MatchCandidates(ctx, q) // one statement, every branch
	}
	q.Fits = []Fit{FitProduct}
	exact, err := s.store.MatchCandidates(ctx, q)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, c := range exact {
		if c.USCC != asker {
			n++
		}
	}
	if n >= first || (!wants(FitSegment) && !wants(FitAdjacent)) {
		return exact, nil
	}
	q.Fits = []Fit{FitSegment, FitAdjacent}
	near, err := s.store.MatchCandidates(ctx, q)
	if err != nil {
		return nil, err
	}
	at := make(map[string]int, len(exact))
	for i, c := range exact {
		at[c.USCC] = i
	}
	for _, c := range near {
		if i, ok := at[c.USCC]; ok {
			exact[i].Hits = append(exact[i].Hits, c.Hits...)
			continue
		}
		exact = append(exact, c)
	}
	return exact, nil
}

// rankedCandidate is a scored candidate before it is explained; key is its
// global id, the tie-breaker, computed once rather than per comparison.
type rankedCandidate struct {
	tier  int
	score float64
	key   string
	c     *Candidate
}

// sortRanked orders by tier ascending, then score descending, ties by
// global id, as sortMatches.
func sortRanked(rs []rankedCandidate) {
	slices.SortStableFunc(rs, func(a, b rankedCandidate) int {
		return compareRank(a.tier, b.tier, a.score, b.score, a.key, b.key)
	})
}

// compareRank is the one order of every match list: fit tier ascending
// (Tier), then score descending, then global id ascending.
func compareRank(tierA, tierB int, scoreA, scoreB float64, keyA, keyB string) int {
	switch {
	case tierA != tierB:
		return tierA - tierB
	case scoreA > scoreB:
		return -1
	case scoreA < scoreB:
		return 1
	}
	return strings.Compare(keyA, keyB)
}

// candidateScoring is what scoring one candidate yields; the reasons are
// built from it only for the candidates returned.
type candidateScoring struct {
	comps    [6]ScoreComponent
	hit      Hit
	capv     float64
	capKnown bool
	top      enterprise.Designation
}

func (s *Service) candidateScore(k Kind, own map[string]Holding, c Candidate) candidateScoring {
	w := s.weights
	hit, _ := bestHit(k, c.Hits)
	fit := productFitValue(k, hit.Fit)
	prox := proximityValue(c.DistanceKm)
	qual, top := qualificationValue(c.Designations)
	network := networkValue(c.Peers + c.Shared)
	capv, capKnown := NeutralCapacity, false
	if hit.Fit == FitProduct && (k == Suppliers || k == Customers) {
		// Suppliers: their capacity against the asker's volume; customers:
		// their volume against the asker's capacity.
		mine := own[hit.Wanted.Code]
		capv, capKnown = capacityValue(hit.Amount, hit.Unit, mine.Amount, mine.Unit)
	}
	novelty := 1.0
	if c.Existing {
		novelty = 0
	}
	return candidateScoring{
		comps: [6]ScoreComponent{
			{CompProductFit, w.ProductFit, fit},
			{CompProximity, w.Proximity, prox},
			{CompQualification, w.Qualification, qual},
			{CompNetwork, w.Network, network},
			{CompCapacity, w.Capacity, capv},
			{CompNovelty, w.Novelty, novelty},
		},
		hit: hit, capv: capv, capKnown: capKnown, top: top,
	}
}

// bestHit is the hit with the highest product fit; ties go to the lowest
// (via, wanted) product codes so that results are deterministic.
func bestHit(k Kind, hits []Hit) (Hit, bool) {
	var best Hit
	found := false
	for _, h := range hits {
		if !found {
			best, found = h, true
			continue
		}
		bv, hv := productFitValue(k, best.Fit), productFitValue(k, h.Fit)
		if hv > bv || (hv == bv && (h.Via.Code < best.Via.Code || (h.Via.Code == best.Via.Code && h.Wanted.Code < best.Wanted.Code))) {
			best = h
		}
	}
	return best, found
}

func (s *Service) scoreCandidate(lang Language, k Kind, asker Asker, own map[string]Holding, localOnly bool, c Candidate) Match {
	t := texts[lang]
	sc := s.candidateScore(k, own, c)
	hit, capv, capKnown, top := sc.hit, sc.capv, sc.capKnown, sc.top
	comps := slices.Clone(sc.comps[:])
	m := Match{
		CandidateUSCC:    c.USCC,
		Fit:              hit.Fit,
		Score:            score(comps),
		DistanceKm:       c.DistanceKm,
		Components:       comps,
		ExistingRelation: c.Existing,
	}
	if hit.Fit != FitShared && hit.Via.Code != "" {
		code := hit.Via.Code
		m.ProductCode = &code
		m.Reasons = append(m.Reasons, fitReason(lang, k, hit))
	}
	if c.Existing {
		m.Reasons = append(m.Reasons, t.existing[k])
	}
	if c.DistanceKm != nil {
		m.Reasons = append(m.Reasons, fmt.Sprintf(t.distance, *c.DistanceKm))
	} else {
		m.Reasons = append(m.Reasons, t.noLocation)
	}
	if c.ParkCode != nil && asker.ParkCode != nil && *c.ParkCode == *asker.ParkCode {
		m.Reasons = append(m.Reasons, t.samePark)
	}
	if c.IsLocal && !localOnly {
		m.Reasons = append(m.Reasons, t.local)
	}
	if top != "" {
		m.Reasons = append(m.Reasons, fmt.Sprintf(t.designation, designationName(lang, top)))
	}
	if c.Peers > 0 {
		m.Reasons = append(m.Reasons, fmt.Sprintf(t.peers[k], c.Peers))
	}
	if c.Shared > 0 {
		m.Reasons = append(m.Reasons, fmt.Sprintf(t.shared, c.Shared))
	}
	if capKnown {
		m.Reasons = append(m.Reasons, fmt.Sprintf(t.capacity[k], int(math.Round(capv*100))))
	}
	return m
}

// sortMatches orders matches of kind k by fit tier, then score
// descending, ties by candidate global id (encoded once per match, not per
// comparison).
func sortMatches(k Kind, ms []Match) {
	keys := make(map[string]string, len(ms))
	for _, m := range ms {
		keys[m.CandidateUSCC] = gid.Encode(gid.Enterprise, m.CandidateUSCC)
	}
	slices.SortStableFunc(ms, func(a, b Match) int {
		return compareRank(Tier(k, a.Fit), Tier(k, b.Fit), a.Score, b.Score, keys[a.CandidateUSCC], keys[b.CandidateUSCC])
	})
}

// limit validates an optional page size.
func limit(v *int, def, most int, field string) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > most {
		return 0, apperr.OutOfRange(field, 1, most, "must be between 1 and %d", most)
	}
	return *v, nil
}

// ChainGaps returns the chain's products that Jiaxing firms need, with
// local demand, local supply and severity = demand / (demand + supply),
// most severe first (ties: higher demand, then product code). When
// candidates > 0, the best candidates (non-local makers) of every returned
// gap are gathered in one batch, at most candidates per gap, for
// GapCandidates to hand out.
func (s *Service) ChainGaps(ctx context.Context, chainID string, first *int, candidates int) ([]ChainGap, error) {
	code, err := gid.Key(chainID, gid.Chain, "chainId")
	if err != nil {
		return nil, err
	}
	n, err := limit(first, DefaultGapFirst, MaxGapFirst, "first")
	if err != nil {
		return nil, err
	}
	if candidates < 0 || candidates > MaxGapCandidates {
		return nil, apperr.OutOfRange("candidates.first", 1, MaxGapCandidates, "must be between 1 and %d", MaxGapCandidates)
	}
	ctx, done := s.snapshot(ctx)
	defer done()
	stats, err := s.store.ChainGapStats(ctx, code)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Missing("chainId", "no industrial chain has this id")
	}
	if err != nil {
		return nil, err
	}
	gaps := make([]ChainGap, 0, len(stats))
	for _, st := range stats {
		if st.Demand <= 0 {
			continue
		}
		gaps = append(gaps, ChainGap{
			ChainCode:   code,
			SegmentCode: st.SegmentCode,
			ProductCode: st.Product.Code,
			LocalDemand: st.Demand,
			LocalSupply: st.Supply,
			Severity:    gapSeverity(st.Demand, st.Supply),
			product:     st.Product,
		})
	}
	sort.SliceStable(gaps, func(i, j int) bool {
		a, b := gaps[i], gaps[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.LocalDemand != b.LocalDemand {
			return a.LocalDemand > b.LocalDemand
		}
		return a.ProductCode < b.ProductCode
	})
	if len(gaps) > n {
		gaps = gaps[:n]
	}
	if candidates == 0 || len(gaps) == 0 {
		return gaps, nil
	}
	codes := make([]string, len(gaps))
	for i, g := range gaps {
		codes[i] = g.ProductCode
	}
	found, err := s.store.GapCandidates(ctx, codes, JiaxingCentre, max(CandidatesPerKind, candidates))
	if err != nil {
		return nil, err
	}
	byProduct := map[string][]Match{}
	lang := LanguageFrom(ctx)
	for i := range gaps {
		gaps[i].prospects = []Match{}
	}
	index := map[string]int{}
	for i, g := range gaps {
		index[g.ProductCode] = i
	}
	// Score first, explain after: only the kept candidates get reasons.
	kept := map[string][]GapCandidate{}
	for _, c := range found {
		if _, ok := index[c.ProductCode]; !ok {
			continue
		}
		byProduct[c.ProductCode] = append(byProduct[c.ProductCode], s.scoreGapCandidate(c))
		kept[c.ProductCode] = append(kept[c.ProductCode], c)
	}
	for code, ms := range byProduct {
		of := map[string]GapCandidate{}
		for _, c := range kept[code] {
			of[c.USCC] = c
		}
		sortMatches(GapFillers, ms)
		if len(ms) > candidates {
			ms = ms[:candidates]
		}
		i := index[code]
		for j := range ms {
			ms[j].Reasons = gapReasons(lang, gaps[i].product, of[ms[j].CandidateUSCC])
		}
		gaps[i].prospects = ms
	}
	return gaps, nil
}

// scoreGapCandidate is c's match with its score and components; its
// reasons are gapReasons.
func (s *Service) scoreGapCandidate(c GapCandidate) Match {
	w := s.weights
	qual, _ := qualificationValue(c.Designations)
	comps := []ScoreComponent{
		{CompProductFit, w.ProductFit, productFitValue(GapFillers, FitProduct)},
		{CompProximity, w.Proximity, proximityValue(c.DistanceKm)},
		{CompQualification, w.Qualification, qual},
		{CompNetwork, w.Network, networkValue(c.LocalCustomers)},
		{CompCapacity, w.Capacity, NeutralCapacity},
		{CompNovelty, w.Novelty, 1},
	}
	code := c.ProductCode
	return Match{CandidateUSCC: c.USCC, ProductCode: &code, Fit: FitProduct, Score: score(comps), DistanceKm: c.DistanceKm, Components: comps}
}

// gapReasons are the reasons of gap candidate c of product p.
func gapReasons(lang Language, p ProductRef, c GapCandidate) []string {
	t := texts[lang]
	_, top := qualificationValue(c.Designations)
	reasons := []string{fitReason(lang, GapFillers, Hit{Fit: FitProduct, Wanted: p, Via: p})}
	if c.DistanceKm != nil {
		reasons = append(reasons, fmt.Sprintf(t.distanceCentre, *c.DistanceKm))
	} else {
		reasons = append(reasons, t.noLocation)
	}
	if top != "" {
		reasons = append(reasons, fmt.Sprintf(t.designation, designationName(lang, top)))
	}
	if c.LocalCustomers > 0 {
		reasons = append(reasons, fmt.Sprintf(t.peers[GapFillers], c.LocalCustomers))
	}
	return reasons
}

// GapCandidates returns the first ranked candidates gathered for g by
// ChainGaps (default 5, at most 50).
func (s *Service) GapCandidates(_ context.Context, g *ChainGap, first *int) ([]Match, error) {
	n, err := limit(first, DefaultGapCandidate, MaxGapCandidates, "first")
	if err != nil {
		return nil, err
	}
	if len(g.prospects) < n {
		return g.prospects, nil
	}
	return g.prospects[:n], nil
}

// SettlementOptions ranks Jiaxing's parks for an enterprise (usually a
// non-local one) by supplier access, market access, chain focus and the
// gaps its products would fill; see docs/matching.md.
func (s *Service) SettlementOptions(ctx context.Context, enterpriseID string, first *int) ([]SettlementOption, error) {
	uscc, err := gid.Key(enterpriseID, gid.Enterprise, "enterpriseId")
	if err != nil {
		return nil, err
	}
	n, err := limit(first, DefaultSettlementFirst, MaxSettlementFirst, "first")
	if err != nil {
		return nil, err
	}
	f, err := s.store.SettlementFacts(ctx, uscc, NearParkKm)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Missing("enterpriseId", "no enterprise has this id")
	}
	if err != nil {
		return nil, err
	}
	lang := LanguageFrom(ctx)
	t := texts[lang]
	w := s.weights

	firmChains := map[string]bool{}
	for _, c := range f.Chains {
		firmChains[c.Code] = true
	}
	var gaps []GapOffer
	for _, o := range f.Offers {
		if o.Demand > 0 && gapSeverity(o.Demand, o.Supply) >= GapThreshold {
			gaps = append(gaps, o)
		}
	}
	sort.SliceStable(gaps, func(i, j int) bool {
		si, sj := gapSeverity(gaps[i].Demand, gaps[i].Supply), gapSeverity(gaps[j].Demand, gaps[j].Supply)
		if si != sj {
			return si > sj
		}
		return gaps[i].Product.Code < gaps[j].Product.Code
	})
	gapCodes := make([]string, len(gaps))
	for i, g := range gaps {
		gapCodes[i] = g.Product.Code
	}
	bestSup, bestCus := 0, 0
	for _, p := range f.Parks {
		bestSup, bestCus = max(bestSup, p.Suppliers), max(bestCus, p.Customers)
	}
	out := make([]SettlementOption, 0, len(f.Parks))
	for _, p := range f.Parks {
		focus := map[string]bool{}
		var shared []string
		for _, c := range p.Focus {
			focus[c.Code] = true
			if firmChains[c.Code] {
				shared = append(shared, chainName(lang, c))
			}
		}
		chainFocus := 0.0
		if len(firmChains) > 0 {
			chainFocus = float64(len(shared)) / float64(len(firmChains))
		}
		var inFocus, elsewhere []string
		for _, g := range gaps {
			hit := false
			for _, c := range g.ChainCodes {
				hit = hit || focus[c]
			}
			if hit {
				inFocus = append(inFocus, productName(lang, g.Product))
			} else {
				elsewhere = append(elsewhere, productName(lang, g.Product))
			}
		}
		gapFill := 0.0
		if len(gaps) > 0 {
			gapFill = float64(len(inFocus)) / float64(len(gaps))
		}
		comps := []ScoreComponent{
			{CompSupplyAccess, w.SupplyAccess, relativeTo(p.Suppliers, bestSup)},
			{CompMarketAccess, w.MarketAccess, relativeTo(p.Customers, bestCus)},
			{CompChainFocus, w.ChainFocus, chainFocus},
			{CompGapFill, w.GapFill, gapFill},
		}
		o := SettlementOption{
			ParkCode:       p.Park.Code,
			Score:          score(comps),
			Components:     comps,
			LocalSuppliers: p.Suppliers,
			LocalCustomers: p.Customers,
			GapsFilled:     gapCodes,
			Reasons:        []string{},
		}
		if p.Suppliers > 0 {
			o.Reasons = append(o.Reasons, fmt.Sprintf(t.nearSuppliers, p.Suppliers, NearParkKm))
		}
		if p.Customers > 0 {
			o.Reasons = append(o.Reasons, fmt.Sprintf(t.nearCustomers, p.Customers, NearParkKm))
		}
		if len(shared) > 0 {
			o.Reasons = append(o.Reasons, fmt.Sprintf(t.focus, joinNames(lang, shared)))
		}
		if len(inFocus) > 0 {
			o.Reasons = append(o.Reasons, fmt.Sprintf(t.gaps, joinNames(lang, inFocus)))
		}
		if len(elsewhere) > 0 {
			o.Reasons = append(o.Reasons, fmt.Sprintf(t.gapsElsewhere, joinNames(lang, elsewhere)))
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return gid.Encode(gid.Park, out[i].ParkCode) < gid.Encode(gid.Park, out[j].ParkCode)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// SupplyPaths returns the shortest supply chains from one firm to another
// along SUPPLIES (supplier -> customer), with at most maxHops hops (1..6,
// default 4), shortest first, then by the USCCs along the path; at most
// first (1..10, default 3). Paths never visit a firm twice.
func (s *Service) SupplyPaths(ctx context.Context, fromID, toID string, maxHops, first *int) ([]SupplyPath, error) {
	from, err := gid.Key(fromID, gid.Enterprise, "fromId")
	if err != nil {
		return nil, err
	}
	to, err := gid.Key(toID, gid.Enterprise, "toId")
	if err != nil {
		return nil, err
	}
	hops, err := limit(maxHops, DefaultMaxHops, MaxHops, "maxHops")
	if err != nil {
		return nil, err
	}
	n, err := limit(first, DefaultPathFirst, MaxPathFirst, "first")
	if err != nil {
		return nil, err
	}
	if from == to {
		return nil, apperr.Invalid("toId", "must name another enterprise than fromId")
	}
	f, err := s.store.SupplyPaths(ctx, from, to, hops)
	if err != nil {
		return nil, err
	}
	if !f.FromFound {
		return nil, apperr.Missing("fromId", "no enterprise has this id")
	}
	if !f.ToFound {
		return nil, apperr.Missing("toId", "no enterprise has this id")
	}
	seen := map[string]bool{}
	out := []SupplyPath{}
	for _, p := range f.Paths {
		if len(p) < 2 || len(p)-1 > hops || p[0] != from || p[len(p)-1] != to {
			continue
		}
		visited := map[string]bool{}
		simple := true
		for _, u := range p {
			simple = simple && !visited[u]
			visited[u] = true
		}
		key := fmt.Sprint(p)
		if !simple || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, SupplyPath{USCCs: p, Hops: len(p) - 1})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Hops != out[j].Hops {
			return out[i].Hops < out[j].Hops
		}
		return slices.Compare(out[i].USCCs, out[j].USCCs) < 0
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// IncentivesFor decides, for every incentive, whether the enterprise
// qualifies: it must be registered in Jiaxing when the incentive is local
// only, hold the incentive's designation (if any), granted in minYear or
// later (if set). The rules are the incentives' data, not code.
func (s *Service) IncentivesFor(ctx context.Context, enterpriseID string) ([]IncentiveEligibility, error) {
	return s.incentives(ctx, enterpriseID, false)
}

// incentives reads the enterprise's facts and decides its incentives, as
// a firm registered in Jiaxing when asLocal is set (a settlement's what-if).
func (s *Service) incentives(ctx context.Context, enterpriseID string, asLocal bool) ([]IncentiveEligibility, error) {
	uscc, err := gid.Key(enterpriseID, gid.Enterprise, "enterpriseId")
	if err != nil {
		return nil, err
	}
	f, err := s.store.IncentiveFacts(ctx, uscc)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Missing("enterpriseId", "no enterprise has this id")
	}
	if err != nil {
		return nil, err
	}
	if asLocal {
		f.IsLocal = true
	}
	return decideIncentives(ctx, f), nil
}

// decideIncentives applies the incentives' rules to the facts of one firm.
func decideIncentives(ctx context.Context, f IncentiveFacts) []IncentiveEligibility {
	t := texts[LanguageFrom(ctx)]
	lang := LanguageFrom(ctx)
	latest := map[string]int{}
	for _, g := range f.Grants {
		if y, ok := latest[g.Designation]; !ok || g.Year > y {
			latest[g.Designation] = g.Year
		}
	}
	out := make([]IncentiveEligibility, 0, len(f.Incentives))
	for _, inc := range f.Incentives {
		e := IncentiveEligibility{Incentive: inc}
		switch {
		case inc.LocalOnly && !f.IsLocal:
			e.Reason = t.notLocal
		case inc.Designation == nil:
			e.Eligible, e.Reason = true, t.unconditional
		default:
			d := *inc.Designation
			year, held := latest[string(d)]
			switch {
			case !held:
				e.Reason = fmt.Sprintf(t.noDesignation, designationName(lang, d))
			case inc.MinYear != nil && year < *inc.MinYear:
				e.Reason = fmt.Sprintf(t.tooEarly, designationName(lang, d), *inc.MinYear, year)
			default:
				e.Eligible, e.Reason = true, fmt.Sprintf(t.eligible, designationName(lang, d), year)
			}
		}
		out = append(out, e)
	}
	return out
}

// CultivationProgress counts Jiaxing-registered national little giants and
// provincial SRDI firms, in total and per district, against
// CultivationTargets.
func (s *Service) CultivationProgress(ctx context.Context) (*CultivationProgress, error) {
	c, err := s.store.CultivationCounts(ctx, string(enterprise.NationalLittleGiant), string(enterprise.ProvincialSRDI))
	if err != nil {
		return nil, err
	}
	by := c.ByDistrict
	if by == nil {
		by = []DistrictProgress{}
	}
	return &CultivationProgress{
		NationalLittleGiants: c.National,
		NationalTarget:       CultivationTargets.NationalLittleGiants,
		ProvincialSRDI:       c.Provincial,
		ProvincialTarget:     CultivationTargets.ProvincialSRDI,
		TargetYear:           CultivationTargets.Year,
		ByDistrict:           by,
	}, nil
}

// Criteria is a match request already validated and in natural keys: what
// a saved search stores. Products empty means the asker's needs (supplier
// matches) or products (customer and partner matches), read when scored.
type Criteria struct {
	Kind          Kind
	AskerUSCC     string
	ProductCodes  []string
	LocalOnly     bool
	MaxDistanceKm *float64
	Designations  []string
}

// CandidateMatch scores one firm as a candidate of the request c with the
// very rules of SupplierMatches, CustomerMatches and PartnerMatches (the
// same store statements restricted to that firm, the same scoring and
// reasons, in the language of ctx). ok is false when the firm is no
// candidate at all: it relates to none of the products, fails a filter
// (local only, distance, designations), is the asker, or the asker is
// gone. Unlike a list, one firm is never cut by the per-fit cap.
func (s *Service) CandidateMatch(ctx context.Context, c Criteria, candidateUSCC string) (m Match, ok bool, err error) {
	if candidateUSCC == c.AskerUSCC {
		return Match{}, false, nil
	}
	ctx, done := s.snapshot(ctx)
	defer done()
	asker, err := s.store.MatchAsker(ctx, c.AskerUSCC, c.ProductCodes)
	if errors.Is(err, apperr.ErrNotFound) {
		return Match{}, false, nil
	}
	if err != nil {
		return Match{}, false, err
	}
	own, products := askerSide(c.Kind, asker, c.ProductCodes)
	if len(products) == 0 {
		return Match{}, false, nil
	}
	only := candidateUSCC
	cq := CandidateQuery{
		Kind:          c.Kind,
		AskerUSCC:     c.AskerUSCC,
		ProductCodes:  products,
		LocalOnly:     c.LocalOnly,
		MaxDistanceKm: c.MaxDistanceKm,
		Designations:  c.Designations,
		AskerSegments: asker.Segments,
		PerKind:       CandidatesPerKind,
		Rank:          rankKey(s.weights),
		OnlyUSCC:      &only,
	}
	cands, err := s.gather(ctx, c.Kind, cq, nil, 1, asker.USCC)
	if err != nil {
		return Match{}, false, err
	}
	for _, cand := range cands {
		if cand.USCC == candidateUSCC {
			return s.scoreCandidate(LanguageFrom(ctx), c.Kind, asker, own, c.LocalOnly, cand), true, nil
		}
	}
	return Match{}, false, nil
}
