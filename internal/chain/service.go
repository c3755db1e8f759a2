package chain

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"chainmatch/internal/apperr"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
)

// Storer is what the catalogue service needs from the graph. Batch reads
// take keys and return one entry per key, in key order (nil or empty for
// keys that do not exist).
type Storer interface {
	ProductsByCode(ctx context.Context, codes []string) ([]*Product, error)
	SegmentsByCode(ctx context.Context, codes []string) ([]*ChainSegment, error)
	ChainsByCode(ctx context.Context, codes []string) ([]*IndustrialChain, error)
	DistrictsByCode(ctx context.Context, codes []string) ([]*District, error)
	ParksByCode(ctx context.Context, codes []string) ([]*Park, error)
	IncentivesByCode(ctx context.Context, codes []string) ([]*Incentive, error)
	ListProducts(ctx context.Context, after *string, limit int) (ProductWindow, error)
	Chains(ctx context.Context) ([]IndustrialChain, error)
	Districts(ctx context.Context) ([]District, error)
	Parks(ctx context.Context) ([]Park, error)
	Incentives(ctx context.Context) ([]Incentive, error)
	SegmentsOfChains(ctx context.Context, codes []string) ([][]ChainSegment, error)
	ProductsOfSegments(ctx context.Context, codes []string) ([][]Product, error)
	InputsOf(ctx context.Context, codes []string) ([][]Product, error)
	UsedIn(ctx context.Context, codes []string) ([][]Product, error)
	ParksOfDistricts(ctx context.Context, codes []string) ([][]Park, error)
	FocusChainsOfParks(ctx context.Context, codes []string) ([][]IndustrialChain, error)
	ChainsOfEnterprises(ctx context.Context, usccs []string) ([][]IndustrialChain, error)
	Search(ctx context.Context, q SearchQuery) ([]Hit, error)
	// SearchCatalog returns every chain and product as a search hit (its
	// search keys and the object, Via empty).
	SearchCatalog(ctx context.Context) ([]Hit, error)
	Synonyms(ctx context.Context) ([]SynonymGroup, error)
	UpsertProduct(ctx context.Context, r ProductRecord) error
	ProductUses(ctx context.Context, code string) (int, error)
	DeleteProduct(ctx context.Context, code string) (bool, error)
	SegmentUses(ctx context.Context, chainCode string, segmentCodes []string) ([]SegmentUse, error)
	UpsertChain(ctx context.Context, r ChainRecord) error
	DeleteChain(ctx context.Context, code string) (bool, error)
	UpsertDistricts(ctx context.Context, ds []District) error
	UpsertParks(ctx context.Context, ps []ParkRecord) error
	UpsertIncentives(ctx context.Context, is []Incentive) error
}

// Service is the catalogue business layer: chains, segments, products,
// districts, parks, incentives, and search across the graph's names.
type Service struct {
	store    Storer
	synonyms *refreshing[*synonymList]
	catalog  *refreshing[*catalogIndex]
}

// NewService returns a Service over store. It keeps the search synonym
// list and the catalogue's search entries in memory, at most
// SynonymRefresh old; its own catalogue writes refresh them at once.
func NewService(store Storer) *Service {
	return &Service{store: store,
		synonyms: newRefreshing("synonyms", func(ctx context.Context) (*synonymList, error) {
			groups, err := store.Synonyms(ctx)
			if err != nil {
				return nil, err
			}
			return newSynonymList(groups), nil
		}, SynonymRefresh),
		catalog: newRefreshing("search catalogue", func(ctx context.Context) (*catalogIndex, error) {
			hits, err := store.SearchCatalog(ctx)
			if err != nil {
				return nil, err
			}
			return newCatalogIndex(hits), nil
		}, SynonymRefresh),
	}
}

// ProductsByCode returns products in key order, nil where none exists.
func (s *Service) ProductsByCode(ctx context.Context, codes []string) ([]*Product, error) {
	return s.store.ProductsByCode(ctx, codes)
}

// SegmentsByCode returns segments in key order, nil where none exists.
func (s *Service) SegmentsByCode(ctx context.Context, codes []string) ([]*ChainSegment, error) {
	return s.store.SegmentsByCode(ctx, codes)
}

// ChainsByCode returns chains in key order, nil where none exists.
func (s *Service) ChainsByCode(ctx context.Context, codes []string) ([]*IndustrialChain, error) {
	return s.store.ChainsByCode(ctx, codes)
}

// DistrictsByCode returns districts in key order, nil where none exists.
func (s *Service) DistrictsByCode(ctx context.Context, codes []string) ([]*District, error) {
	return s.store.DistrictsByCode(ctx, codes)
}

// ParksByCode returns parks in key order, nil where none exists.
func (s *Service) ParksByCode(ctx context.Context, codes []string) ([]*Park, error) {
	return s.store.ParksByCode(ctx, codes)
}

// IncentivesByCode returns incentives in key order, nil where none exists.
func (s *Service) IncentivesByCode(ctx context.Context, codes []string) ([]*Incentive, error) {
	return s.store.IncentivesByCode(ctx, codes)
}

// SegmentsOfChains returns each chain's segments, upstream first.
func (s *Service) SegmentsOfChains(ctx context.Context, codes []string) ([][]ChainSegment, error) {
	return s.store.SegmentsOfChains(ctx, codes)
}

// ProductsOfSegments returns each segment's products in code order.
func (s *Service) ProductsOfSegments(ctx context.Context, codes []string) ([][]Product, error) {
	return s.store.ProductsOfSegments(ctx, codes)
}

// InputsOf returns, per product, the products it is made from, in code order.
func (s *Service) InputsOf(ctx context.Context, codes []string) ([][]Product, error) {
	return s.store.InputsOf(ctx, codes)
}

// UsedIn returns, per product, the products made from it, in code order.
func (s *Service) UsedIn(ctx context.Context, codes []string) ([][]Product, error) {
	return s.store.UsedIn(ctx, codes)
}

// ParksOfDistricts returns each district's parks in name order.
func (s *Service) ParksOfDistricts(ctx context.Context, codes []string) ([][]Park, error) {
	return s.store.ParksOfDistricts(ctx, codes)
}

// FocusChainsOfParks returns the chains each park focuses on, in code order.
func (s *Service) FocusChainsOfParks(ctx context.Context, codes []string) ([][]IndustrialChain, error) {
	return s.store.FocusChainsOfParks(ctx, codes)
}

// ChainsOfEnterprises returns, per enterprise, the chains its products
// belong to, in code order.
func (s *Service) ChainsOfEnterprises(ctx context.Context, usccs []string) ([][]IndustrialChain, error) {
	return s.store.ChainsOfEnterprises(ctx, usccs)
}

// Chains lists every chain in code order.
func (s *Service) Chains(ctx context.Context) ([]IndustrialChain, error) { return s.store.Chains(ctx) }

// Districts lists every district in code order.
func (s *Service) Districts(ctx context.Context) ([]District, error) {
	return s.store.Districts(ctx)
}

// Parks lists every park in name order.
func (s *Service) Parks(ctx context.Context) ([]Park, error) { return s.store.Parks(ctx) }

// Incentives lists every incentive, largest amount first.
func (s *Service) Incentives(ctx context.Context) ([]Incentive, error) {
	return s.store.Incentives(ctx)
}

// Product returns the product with exactly one of id and code; nil when
// none exists.
func (s *Service) Product(ctx context.Context, id, code *string) (*Product, error) {
	key, err := oneKey(id, code, gid.Product, "code")
	if err != nil {
		return nil, err
	}
	ps, err := s.store.ProductsByCode(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// Chain returns the chain with exactly one of id and code; nil when none exists.
func (s *Service) Chain(ctx context.Context, id, code *string) (*IndustrialChain, error) {
	key, err := oneKey(id, code, gid.Chain, "code")
	if err != nil {
		return nil, err
	}
	cs, err := s.store.ChainsByCode(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

func oneKey(id, key *string, t gid.Type, keyField string) (string, error) {
	switch {
	case (id == nil) == (key == nil):
		return "", apperr.Invalid("id", "give exactly one of id and %s", keyField)
	case id != nil:
		return gid.Key(*id, t, "id")
	default:
		return *key, nil
	}
}

// Products returns a page of the catalogue in code order.
func (s *Service) Products(ctx context.Context, first *int, after *string) (ProductPage, error) {
	size, err := enterprise.PageSize(first)
	if err != nil {
		return ProductPage{}, err
	}
	var from *string
	if after != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*after)
		if err != nil || !strings.HasPrefix(string(raw), "p:") {
			return ProductPage{}, apperr.Invalid("after", "not a cursor of this listing")
		}
		code := strings.TrimPrefix(string(raw), "p:")
		from = &code
	}
	w, err := s.store.ListProducts(ctx, from, size+1)
	if err != nil {
		return ProductPage{}, err
	}
	ps := w.Products
	p := ProductPage{Total: w.Total, HasPrevious: w.Passed > 0}
	if len(ps) > size {
		ps, p.HasNext = ps[:size], true
	}
	p.Products = ps
	for _, x := range ps {
		p.Cursors = append(p.Cursors, base64.RawURLEncoding.EncodeToString([]byte("p:"+x.Code)))
	}
	return p, nil
}

// codePattern is the shape of product, chain and segment codes.
var codePattern = regexp.MustCompile(`^[A-Z0-9-]{2,40}$`)

func checkName(field, name string, max int) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > max {
		return apperr.Invalid(field, "must be 1 to %d characters", max)
	}
	return nil
}

// UpsertProduct creates or updates a product by code. A nil InputIDs keeps
// the stored inputs.
func (s *Service) UpsertProduct(ctx context.Context, p Product, segmentID *string, inputIDs []string) (*Product, error) {
	if !codePattern.MatchString(p.Code) {
		return nil, apperr.Invalid("input.code", "must be 2 to 40 characters of A-Z, 0-9 and '-'")
	}
	if err := checkName("input.name", p.Name, 100); err != nil {
		return nil, err
	}
	if p.NameEn != nil {
		if err := checkName("input.nameEn", *p.NameEn, 100); err != nil {
			return nil, err
		}
	}
	p.SegmentCode = nil
	if segmentID != nil {
		key, err := gid.Key(*segmentID, gid.Segment, "input.segmentId")
		if err != nil {
			return nil, err
		}
		segs, err := s.store.SegmentsByCode(ctx, []string{key})
		if err != nil {
			return nil, err
		}
		if segs[0] == nil {
			return nil, apperr.Missing("input.segmentId", "no segment with this id")
		}
		p.SegmentCode = &key
	}
	rec := ProductRecord{Product: p}
	if inputIDs != nil {
		rec.InputCodes = []string{}
		for i, id := range inputIDs {
			field := fmt.Sprintf("input.inputIds[%d]", i)
			key, err := gid.Key(id, gid.Product, field)
			if err != nil {
				return nil, err
			}
			if key == p.Code {
				return nil, apperr.Invalid(field, "a product cannot be its own input")
			}
			rec.InputCodes = append(rec.InputCodes, key)
		}
		found, err := s.store.ProductsByCode(ctx, rec.InputCodes)
		if err != nil {
			return nil, err
		}
		for i, f := range found {
			if f == nil {
				return nil, apperr.Missing(fmt.Sprintf("input.inputIds[%d]", i), "no product with this id")
			}
		}
	}
	err := s.store.UpsertProduct(ctx, rec)
	s.catalog.invalidate() // also on error: the write may have committed
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteProduct deletes a product that no enterprise makes, needs or
// supplies; false when it did not exist.
func (s *Service) DeleteProduct(ctx context.Context, id string) (bool, error) {
	code, err := gid.Key(id, gid.Product, "id")
	if err != nil {
		return false, err
	}
	uses, err := s.store.ProductUses(ctx, code)
	if err != nil {
		return false, err
	}
	if uses == 0 {
		// The store checks again in the delete transaction.
		var inUse *InUseError
		ok, err := s.store.DeleteProduct(ctx, code)
		s.catalog.invalidate()
		if !errors.As(err, &inUse) {
			return ok, err
		}
		uses = inUse.Uses
	}
	return false, apperr.Invalid("id", "%d enterprise relationships still refer to this product; remove them first", uses)
}

// UpsertChain creates or updates a chain by code. Given segments replace
// the stored ones in order (positions 1..n); a segment that still holds
// products cannot be dropped, and a segment code of another chain cannot
// be taken over.
func (s *Service) UpsertChain(ctx context.Context, rec ChainRecord) (*IndustrialChain, error) {
	c := rec.Chain
	if !codePattern.MatchString(c.Code) {
		return nil, apperr.Invalid("input.code", "must be 2 to 40 characters of A-Z, 0-9 and '-'")
	}
	if err := checkName("input.name", c.Name, 100); err != nil {
		return nil, err
	}
	if rec.Segments != nil {
		codes := make([]string, len(rec.Segments))
		seen := map[string]bool{}
		for i := range rec.Segments {
			sg := &rec.Segments[i]
			f := fmt.Sprintf("input.segments[%d]", i)
			if !codePattern.MatchString(sg.Code) {
				return nil, apperr.Invalid(f+".code", "must be 2 to 40 characters of A-Z, 0-9 and '-'")
			}
			if seen[sg.Code] {
				return nil, apperr.Invalid(f+".code", "segment code listed twice")
			}
			seen[sg.Code] = true
			if err := checkName(f+".name", sg.Name, 100); err != nil {
				return nil, err
			}
			if !sg.Stage.IsValid() {
				return nil, apperr.Invalid(f+".stage", "unknown stage %q", sg.Stage)
			}
			sg.Position, sg.ChainCode = i+1, c.Code
			codes[i] = sg.Code
		}
		uses, err := s.store.SegmentUses(ctx, c.Code, codes)
		if err != nil {
			return nil, err
		}
		for _, u := range uses {
			switch {
			case u.ChainCode != c.Code && seen[u.Code]:
				return nil, apperr.Invalid("input.segments", "segment %s belongs to chain %s", u.Code, u.ChainCode)
			case !seen[u.Code] && u.Products > 0:
				return nil, apperr.Invalid("input.segments", "segment %s still holds %d products and cannot be dropped", u.Code, u.Products)
			}
		}
	}
	err := s.store.UpsertChain(ctx, rec)
	s.catalog.invalidate()
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteChain deletes a chain and its segments when no segment holds a
// product; false when it did not exist.
func (s *Service) DeleteChain(ctx context.Context, id string) (bool, error) {
	code, err := gid.Key(id, gid.Chain, "id")
	if err != nil {
		return false, err
	}
	uses, err := s.store.SegmentUses(ctx, code, nil)
	if err != nil {
		return false, err
	}
	for _, u := range uses {
		if u.ChainCode == code && u.Products > 0 {
			return false, apperr.Invalid("id", "segment %s still holds %d products; move or delete them first", u.Code, u.Products)
		}
	}
	ok, err := s.store.DeleteChain(ctx, code)
	s.catalog.invalidate()
	return ok, err
}

// UpsertDistricts creates or updates districts by administrative code (for
// the demo loader and operators; not exposed over GraphQL).
func (s *Service) UpsertDistricts(ctx context.Context, ds []District) error {
	for i, d := range ds {
		if len(d.Code) != 6 {
			return apperr.Invalid(fmt.Sprintf("districts[%d].code", i), "must be a 6-digit administrative code")
		}
	}
	return s.store.UpsertDistricts(ctx, ds)
}

// UpsertParks creates or updates parks by code; each park's district and
// focus chains must exist.
func (s *Service) UpsertParks(ctx context.Context, ps []ParkRecord) error {
	for i, p := range ps {
		ds, err := s.store.DistrictsByCode(ctx, []string{p.Park.DistrictCode})
		if err != nil {
			return err
		}
		if ds[0] == nil {
			return apperr.Missing(fmt.Sprintf("parks[%d].districtCode", i), "no district %q", p.Park.DistrictCode)
		}
	}
	return s.store.UpsertParks(ctx, ps)
}

// UpsertIncentives creates or updates incentives by code.
func (s *Service) UpsertIncentives(ctx context.Context, is []Incentive) error {
	for i, in := range is {
		if in.Designation != nil && !in.Designation.IsValid() {
			return apperr.Invalid(fmt.Sprintf("incentives[%d].designation", i), "unknown designation")
		}
	}
	return s.store.UpsertIncentives(ctx, is)
}
