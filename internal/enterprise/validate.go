package enterprise

import (
	"fmt"
	"time"
	"unicode/utf8"

	"chainmatch/internal/apperr"
	"chainmatch/internal/gid"
	"chainmatch/internal/uscc"
)

// Limits of the enterprise input, as documented in the schema.
const (
	MaxNameLen      = 200
	MaxHomeCityLen  = 50
	MaxUnitLen      = 20
	MaxContactLen   = 100
	MinFounded      = 1900
	MinGrantYear    = 1990
	MinSupplySince  = 1950
	MaxImportRows   = 1000
	defaultPageSize = 20
	maxPageSize     = 100
)

// draft is an Input after the checks that need no database: natural keys
// decoded, lengths and ranges checked. References are checked against the
// graph afterwards (see resolve).
type draft struct {
	rec       Record
	parkField string
	// productFields[code] and needFields[code] name the first input field
	// that referred to the code, for NOT_FOUND errors.
	products []ref
	needs    []ref
}

type ref struct {
	field string
	code  string
}

// Validate checks everything about in that can be checked without the
// graph and returns the problems (field paths relative to the input row).
// It is pure: the current year comes from now.
func Validate(in Input, now time.Time) []Problem {
	_, probs := check(in, now)
	return probs
}

// check validates in and builds its draft.
func check(in Input, now time.Time) (draft, []Problem) {
	var probs []Problem
	bad := func(field, format string, args ...any) {
		probs = append(probs, Problem{Field: field, Message: fmt.Sprintf(format, args...), Code: apperr.BadUserInput})
	}
	year := now.Year()
	code := uscc.Normalize(in.USCC)
	if err := uscc.Validate(code); err != nil {
		bad("uscc", "%s", err.Error())
	}
	e := Enterprise{USCC: code, Name: in.Name, NameEn: in.NameEn, IsLocal: in.IsLocal,
		HomeCity: in.HomeCity, Location: in.Location, Founded: in.Founded}
	if n := utf8.RuneCountInString(in.Name); n < 1 || n > MaxNameLen || !utf8.ValidString(in.Name) {
		bad("name", "must be 1 to %d characters, got %d", MaxNameLen, n)
	}
	if in.NameEn != nil && utf8.RuneCountInString(*in.NameEn) > MaxNameLen {
		bad("nameEn", "must be at most %d characters", MaxNameLen)
	}
	if in.HomeCity != nil && utf8.RuneCountInString(*in.HomeCity) > MaxHomeCityLen {
		bad("homeCity", "must be at most %d characters", MaxHomeCityLen)
	}
	d := draft{}
	if in.IsLocal {
		if in.DistrictCode == nil || *in.DistrictCode == "" {
			bad("districtCode", "is required for a local (Jiaxing) enterprise")
		} else {
			e.DistrictCode = in.DistrictCode
		}
	} else {
		if in.DistrictCode != nil && *in.DistrictCode != "" {
			bad("districtCode", "must be empty for a non-local enterprise (set isLocal to true for a Jiaxing firm)")
		}
		if in.ParkID != nil {
			bad("parkId", "must be empty for a non-local enterprise (parks are in Jiaxing)")
		}
	}
	if in.ParkID != nil && in.IsLocal {
		key, err := gid.Key(*in.ParkID, gid.Park, "parkId")
		if err != nil {
			probs = append(probs, problemOf(err))
		} else {
			e.ParkCode = &key
			d.parkField = "parkId"
		}
	}
	if in.Location != nil {
		if err := in.Location.Validate(); err != nil {
			bad("location", "latitude must be in [-90, 90] and longitude in [-180, 180]")
		}
	}
	if in.Founded != nil && (*in.Founded < MinFounded || *in.Founded > year) {
		bad("founded", "must be between %d and %d", MinFounded, year)
	}
	if in.Designations != nil {
		seen := map[Designation]bool{}
		d.rec.Designations = []DesignationGrant{}
		for i, g := range in.Designations {
			f := fmt.Sprintf("designations[%d]", i)
			switch {
			case !g.Designation.IsValid():
				bad(f+".designation", "unknown designation %q", g.Designation)
			case seen[g.Designation]:
				bad(f+".designation", "%s is listed twice", g.Designation)
			}
			seen[g.Designation] = true
			if g.Year < MinGrantYear || g.Year > year {
				bad(f+".year", "must be between %d and %d", MinGrantYear, year)
			}
			d.rec.Designations = append(d.rec.Designations, g)
		}
	}
	if in.Products != nil {
		lines := make([]productLine, len(in.Products))
		for i, o := range in.Products {
			lines[i] = productLine{o.ProductID, o.AnnualCapacity, o.Unit}
		}
		d.rec.Products = []ProductOffer{}
		for i, r := range checkProductLines("products", "annualCapacity", lines, bad, &probs) {
			if r.code == "" {
				continue
			}
			d.products = append(d.products, r)
			d.rec.Products = append(d.rec.Products, ProductOffer{ProductCode: r.code, AnnualCapacity: lines[i].amount, Unit: lines[i].unit})
		}
	}
	if in.Needs != nil {
		lines := make([]productLine, len(in.Needs))
		for i, n := range in.Needs {
			lines[i] = productLine{n.ProductID, n.AnnualVolume, n.Unit}
		}
		d.rec.Needs = []ProductNeed{}
		for i, r := range checkProductLines("needs", "annualVolume", lines, bad, &probs) {
			if r.code == "" {
				continue
			}
			d.needs = append(d.needs, r)
			d.rec.Needs = append(d.rec.Needs, ProductNeed{ProductCode: r.code, AnnualVolume: lines[i].amount, Unit: lines[i].unit})
		}
	}
	if c := in.Contact; c != nil {
		for _, f := range []struct {
			name string
			v    *string
		}{{"contact.person", c.Person}, {"contact.phone", c.Phone}, {"contact.email", c.Email}} {
			if f.v != nil && utf8.RuneCountInString(*f.v) > MaxContactLen {
				bad(f.name, "must be at most %d characters", MaxContactLen)
			}
		}
		cc := *c
		d.rec.Contact = &cc
	}
	d.rec.Enterprise = e
	return d, probs
}

// resolve checks d's references against what exists in the graph.
func (d draft) resolve(ex Existing) []Problem {
	var probs []Problem
	e := d.rec.Enterprise
	if e.DistrictCode != nil && !ex.Districts[*e.DistrictCode] {
		probs = append(probs, Problem{Field: "districtCode", Code: apperr.NotFound,
			Message: fmt.Sprintf("no district with code %q", *e.DistrictCode)})
	}
	if e.ParkCode != nil {
		pd, ok := ex.ParkDistrict[*e.ParkCode]
		switch {
		case !ok:
			probs = append(probs, Problem{Field: d.parkField, Code: apperr.NotFound, Message: "no park with this id"})
		case e.DistrictCode != nil && pd != *e.DistrictCode:
			probs = append(probs, Problem{Field: d.parkField, Code: apperr.BadUserInput,
				Message: fmt.Sprintf("the park lies in district %s, not %s", pd, *e.DistrictCode)})
		}
	}
	for _, r := range append(append([]ref{}, d.products...), d.needs...) {
		if !ex.Products[r.code] {
			probs = append(probs, Problem{Field: r.field, Code: apperr.NotFound,
				Message: fmt.Sprintf("no product with code %q", r.code)})
		}
	}
	return probs
}

// problemOfRef reports a reference that did not hold inside the write
// transaction against the input field that holds it.
func (d draft) problemOfRef(r *ReferenceError) Problem {
	switch r.Kind {
	case RefDistrict:
		return Problem{Field: "districtCode", Code: apperr.NotFound, Message: fmt.Sprintf("no district with code %q", r.Code)}
	case RefPark:
		return Problem{Field: d.parkField, Code: apperr.NotFound, Message: "no park with this id"}
	case RefParkDistrict:
		return Problem{Field: d.parkField, Code: apperr.BadUserInput, Message: fmt.Sprintf("the park does not lie in district %s", r.Code)}
	case RefProduct:
		return Problem{Field: d.products[r.Index].field, Code: apperr.NotFound, Message: fmt.Sprintf("no product with code %q", r.Code)}
	default:
		return Problem{Field: d.needs[r.Index].field, Code: apperr.NotFound, Message: fmt.Sprintf("no product with code %q", r.Code)}
	}
}

// references lists what d refers to.
func (d draft) references(into *References) {
	e := d.rec.Enterprise
	if e.DistrictCode != nil {
		into.DistrictCodes = append(into.DistrictCodes, *e.DistrictCode)
	}
	if e.ParkCode != nil {
		into.ParkCodes = append(into.ParkCodes, *e.ParkCode)
	}
	for _, r := range d.products {
		into.ProductCodes = append(into.ProductCodes, r.code)
	}
	for _, r := range d.needs {
		into.ProductCodes = append(into.ProductCodes, r.code)
	}
}

// problemOf turns an *apperr.Error about a field into a Problem.
// productLine is one entry of an enterprise's products or needs: both are
// validated by the same rules.
type productLine struct {
	productID string
	amount    *float64
	unit      *string
}

// checkProductLines validates list[i] entries: a product id, no product
// twice, a quantity (amountName) > 0 and a short unit. It returns one ref
// per line, in order, with an empty code where the id itself was unusable.
func checkProductLines(list, amountName string, lines []productLine, bad func(field, format string, args ...any), probs *[]Problem) []ref {
	refs := make([]ref, len(lines))
	seen := map[string]bool{}
	for i, l := range lines {
		f := fmt.Sprintf("%s[%d]", list, i)
		refs[i].field = f + ".productId"
		key, err := gid.Key(l.productID, gid.Product, f+".productId")
		if err != nil {
			*probs = append(*probs, problemOf(err))
			continue
		}
		if seen[key] {
			bad(f+".productId", "product is listed twice")
		}
		seen[key] = true
		if l.amount != nil && !(*l.amount > 0) {
			bad(f+"."+amountName, "must be greater than 0")
		}
		if l.unit != nil && utf8.RuneCountInString(*l.unit) > MaxUnitLen {
			bad(f+".unit", "must be at most %d characters", MaxUnitLen)
		}
		refs[i].code = key
	}
	return refs
}

func problemOf(err error) Problem {
	if ae, ok := apperr.As(err); ok {
		return Problem{Field: ae.Field, Message: ae.Message, Code: ae.Code}
	}
	return Problem{Message: err.Error(), Code: apperr.Internal}
}

// errorOf turns a row's first problem into the error of a single-row
// mutation, with the field path under prefix (e.g. "input.").
func errorOf(p Problem, prefix string) *apperr.Error {
	return &apperr.Error{Code: p.Code, Field: prefix + p.Field, Message: p.Message}
}

// checkSupply validates a SupplyInput without the graph.
func checkSupply(in SupplyInput, now time.Time) (SupplyRelation, error) {
	sup, err := gid.Key(in.SupplierID, gid.Enterprise, "input.supplierId")
	if err != nil {
		return SupplyRelation{}, err
	}
	cus, err := gid.Key(in.CustomerID, gid.Enterprise, "input.customerId")
	if err != nil {
		return SupplyRelation{}, err
	}
	if sup == cus {
		return SupplyRelation{}, apperr.Invalid("input.customerId", "an enterprise cannot supply itself")
	}
	rel := SupplyRelation{SupplierUSCC: sup, CustomerUSCC: cus, Since: in.Since}
	if in.ProductID != nil {
		p, err := gid.Key(*in.ProductID, gid.Product, "input.productId")
		if err != nil {
			return SupplyRelation{}, err
		}
		rel.ProductCode = &p
	}
	if in.Since != nil && (*in.Since < MinSupplySince || *in.Since > now.Year()) {
		return SupplyRelation{}, apperr.Invalid("input.since", "must be between %d and %d", MinSupplySince, now.Year())
	}
	return rel, nil
}
