package match

import (
	"context"
	"strings"
)

// CandidateRequest asks how one firm matches one request: the unit of
// CandidateMatches.
type CandidateRequest struct {
	Criteria      Criteria
	CandidateUSCC string
	// Language is the language of the match's reasons (Chinese unless
	// English).
	Language Language
}

// CandidateResult is the answer to a CandidateRequest: the firm's match,
// or OK false when the firm is no candidate of the request (as
// CandidateMatch).
type CandidateResult struct {
	Match Match
	OK    bool
}

// CandidateMatches answers many CandidateRequests at once with exactly the
// results of CandidateMatch for each (the same candidate branches and
// filters, the same scoring and reasons), in two store statements whatever
// their number: one reading every asker, one gathering every (request,
// firm) pair. This is how a change is scored against all the saved
// searches it could enter (internal/alert). The results are in the order
// of reqs.
func (s *Service) CandidateMatches(ctx context.Context, reqs []CandidateRequest) ([]CandidateResult, error) {
	out := make([]CandidateResult, len(reqs))
	// The askers, each (asker, products) once.
	askerAt := make([]int, len(reqs))
	index := map[string]int{}
	var aqs []AskerQuery
	for i, r := range reqs {
		askerAt[i] = -1
		if r.CandidateUSCC == r.Criteria.AskerUSCC {
			continue // never the asker itself
		}
		key := r.Criteria.AskerUSCC + "|" + strings.Join(r.Criteria.ProductCodes, ",")
		j, ok := index[key]
		if !ok {
			j = len(aqs)
			index[key] = j
			aqs = append(aqs, AskerQuery{USCC: r.Criteria.AskerUSCC, ProductCodes: r.Criteria.ProductCodes})
		}
		askerAt[i] = j
	}
	if len(aqs) == 0 {
		return out, nil
	}
	askers, err := s.store.MatchAskers(ctx, aqs)
	if err != nil {
		return nil, err
	}

	// One candidate query per request whose asker exists and has products.
	type pending struct {
		req   int
		asker *Asker
		own   map[string]Holding
	}
	var cqs []CandidateQuery
	var ps []pending
	rank := rankKey(s.weights)
	for i, r := range reqs {
		if askerAt[i] < 0 || askers[askerAt[i]] == nil {
			continue // the asker is gone: no candidate
		}
		a := askers[askerAt[i]]
		c := r.Criteria
		own, products := askerSide(c.Kind, *a, c.ProductCodes)
		if len(products) == 0 {
			continue
		}
		only := r.CandidateUSCC
		cqs = append(cqs, CandidateQuery{
			Kind: c.Kind, AskerUSCC: c.AskerUSCC, ProductCodes: products, LocalOnly: c.LocalOnly,
			MaxDistanceKm: c.MaxDistanceKm, Designations: c.Designations, AskerSegments: a.Segments,
			PerKind: CandidatesPerKind, Rank: rank, OnlyUSCC: &only,
		})
		ps = append(ps, pending{req: i, asker: a, own: own})
	}
	if len(cqs) == 0 {
		return out, nil
	}
	cands, err := s.store.MatchCandidatesOf(ctx, cqs)
	if err != nil {
		return nil, err
	}
	for j, cand := range cands {
		if cand == nil {
			continue
		}
		p := ps[j]
		r := reqs[p.req]
		c := gatheredHits(r.Criteria.Kind, *cand)
		lang := Chinese
		if r.Language == English {
			lang = English
		}
		out[p.req] = CandidateResult{
			Match: s.scoreCandidate(lang, r.Criteria.Kind, *p.asker, p.own, r.Criteria.LocalOnly, c),
			OK:    true,
		}
	}
	return out, nil
}

// holdings are the asker's holdings of the kind's products: needs for
// supplier matches, products otherwise; as a list and by product code.
func holdings(k Kind, a Asker) (map[string]Holding, []Holding) {
	list := a.Makes
	if k == Suppliers {
		list = a.Needs
	}
	own := make(map[string]Holding, len(list))
	for _, h := range list {
		own[h.Product.Code] = h
	}
	return own, list
}

// askerSide is the asker's side of a request, as CandidateMatch reads it:
// its holdings of the kind's products (needs for supplier matches, products
// otherwise) by code, and the products the request is about (the
// requested ones that exist, or else those holdings).
func askerSide(k Kind, a Asker, codes []string) (map[string]Holding, []string) {
	own, ownList := holdings(k, a)
	var products []string
	if len(codes) > 0 {
		for _, p := range a.Requested {
			products = append(products, p.Code)
		}
	} else {
		for _, h := range ownList {
			products = append(products, h.Product.Code)
		}
	}
	return own, products
}

// gatheredHits keeps the hits Service.gather would have gathered for one
// firm: for supplier and customer matches, the exact (PRODUCT) hits when
// there are any, since the near fits are then never gathered; otherwise,
// and for partner matches, every hit.
func gatheredHits(k Kind, c Candidate) Candidate {
	if k == Partners {
		return c
	}
	var exact []Hit
	for _, h := range c.Hits {
		if h.Fit == FitProduct {
			exact = append(exact, h)
		}
	}
	if len(exact) > 0 {
		c.Hits = exact
	}
	return c
}
