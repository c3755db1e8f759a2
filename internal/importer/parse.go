package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
)

// CSVColumns are the columns a CSV file may have, in any order, named in
// its header row (case-insensitive). uscc and name are required.
//
//	uscc            18-character Unified Social Credit Code
//	name            legal name (Chinese)
//	name_en         English name
//	is_local        true/false (also 1/0, yes/no); empty: true when district_code is set
//	district_code   Jiaxing district code, e.g. 330402 (local firms)
//	park            park code, e.g. JX-ETDZ (local firms)
//	home_city       where a non-local firm is based
//	latitude        WGS-84 decimal degrees (with longitude)
//	longitude
//	founded         year
//	designations    DESIGNATION:YEAR;... e.g. NATIONAL_LITTLE_GIANT:2022;PROVINCIAL_SRDI:2020
//	makes           PRODUCT[:CAPACITY[:UNIT]];... e.g. PV-MODULE:500:MW;PV-BIPV
//	needs           PRODUCT[:VOLUME[:UNIT]];...
//	contact_person, contact_phone, contact_email
//	data_source     provenance label (default "import")
//
// Products and parks are given by code; their global ids are accepted too.
var CSVColumns = []string{"uscc", "name", "name_en", "is_local", "district_code", "park", "home_city",
	"latitude", "longitude", "founded", "designations", "makes", "needs",
	"contact_person", "contact_phone", "contact_email", "data_source"}

type csvReader struct {
	r   *csv.Reader
	col map[string]int
}

func newCSVReader(src io.Reader) (*csvReader, error) {
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1 // a short row is reported as a row problem, not a file error
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	known := map[string]bool{}
	for _, c := range CSVColumns {
		known[c] = true
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // Excel writes a BOM
		if !known[h] {
			return nil, fmt.Errorf("CSV header: unknown column %q (known: %s)", h, strings.Join(CSVColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("CSV header: column %q twice", h)
		}
		col[h] = i
	}
	for _, req := range []string{"uscc", "name"} {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("CSV header: column %q is required", req)
		}
	}
	return &csvReader{r: r, col: col}, nil
}

func (c *csvReader) next() (row, error) {
	rec, err := c.r.Read()
	if err != nil {
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			// A malformed record (e.g. a stray quote) is a row problem.
			return row{line: perr.StartLine, reasons: []string{"malformed CSV: " + perr.Err.Error()}}, nil
		}
		return row{}, err
	}
	line, _ := c.r.FieldPos(0)
	get := func(name string) string {
		if i, ok := c.col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	r := row{line: line, uscc: get("uscc")}
	p := parser{}
	in := enterprise.Input{
		USCC:       get("uscc"),
		Name:       get("name"),
		NameEn:     optional(get("name_en")),
		HomeCity:   optional(get("home_city")),
		DataSource: get("data_source"),
	}
	if len(rec) != len(c.col) {
		p.fail("has %d fields, the header has %d", len(rec), len(c.col))
	}
	in.DistrictCode = optional(get("district_code"))
	switch v := strings.ToLower(get("is_local")); v {
	case "":
		in.IsLocal = in.DistrictCode != nil
	case "true", "1", "yes", "y":
		in.IsLocal = true
	case "false", "0", "no", "n":
	default:
		p.fail("is_local: %q is not true or false", v)
	}
	if park := get("park"); park != "" {
		in.ParkID = ptr(idOf(gid.Park, park))
	}
	lat, lon := get("latitude"), get("longitude")
	if lat != "" || lon != "" {
		in.Location = &geo.Point{Latitude: p.float("latitude", lat), Longitude: p.float("longitude", lon)}
	}
	if v := get("founded"); v != "" {
		in.Founded = ptr(p.int("founded", v))
	}
	for i, item := range list(get("designations")) {
		d, y, _ := strings.Cut(item, ":")
		in.Designations = append(in.Designations, enterprise.DesignationGrant{
			Designation: enterprise.Designation(strings.ToUpper(strings.TrimSpace(d))),
			Year:        p.int(fmt.Sprintf("designations[%d] year", i), y)})
	}
	for i, item := range list(get("makes")) {
		code, amount, unit := p.productItem(fmt.Sprintf("makes[%d]", i), item)
		in.Products = append(in.Products, enterprise.OfferInput{ProductID: idOf(gid.Product, code), AnnualCapacity: amount, Unit: unit})
	}
	for i, item := range list(get("needs")) {
		code, amount, unit := p.productItem(fmt.Sprintf("needs[%d]", i), item)
		in.Needs = append(in.Needs, enterprise.NeedInput{ProductID: idOf(gid.Product, code), AnnualVolume: amount, Unit: unit})
	}
	person, phone, email := optional(get("contact_person")), optional(get("contact_phone")), optional(get("contact_email"))
	if person != nil || phone != nil || email != nil {
		in.Contact = &enterprise.Contact{Person: person, Phone: phone, Email: email}
	}
	r.input, r.reasons = in, p.reasons
	return r, nil
}

// parser collects the problems of one row's text fields.
type parser struct{ reasons []string }

func (p *parser) fail(format string, args ...any) {
	p.reasons = append(p.reasons, fmt.Sprintf(format, args...))
}

func (p *parser) int(field, s string) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		p.fail("%s: %q is not a whole number", field, s)
	}
	return v
}

func (p *parser) float(field, s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		p.fail("%s: %q is not a number", field, s)
	}
	return v
}

// productItem parses PRODUCT[:AMOUNT[:UNIT]].
func (p *parser) productItem(field, item string) (code string, amount *float64, unit *string) {
	parts := strings.SplitN(item, ":", 3)
	code = strings.TrimSpace(parts[0])
	if code == "" {
		p.fail("%s: product code is empty", field)
	}
	if len(parts) > 1 && strings.TrimSpace(parts[1]) != "" {
		amount = ptr(p.float(field+" amount", parts[1]))
	}
	if len(parts) > 2 {
		unit = optional(strings.TrimSpace(parts[2]))
	}
	return code, amount, unit
}

// list splits a ;-separated cell, dropping empty items.
func list(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// idOf accepts a natural key or a global id of type t and returns the id.
func idOf(t gid.Type, s string) string {
	if got, _, ok := gid.Decode(s); ok && got == t {
		return s
	}
	return gid.Encode(t, s)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptr[T any](v T) *T { return &v }

// jsonRow is one line of a JSON Lines file: the GraphQL EnterpriseInput's
// field names, with products and parks by code (or global id).
//
//	{"uscc": "...", "name": "...", "nameEn": "...", "isLocal": true,
//	 "districtCode": "330402", "park": "JX-ETDZ", "homeCity": null,
//	 "location": {"latitude": 30.76, "longitude": 120.8}, "founded": 2012,
//	 "designations": [{"designation": "PROVINCIAL_SRDI", "year": 2021}],
//	 "products": [{"product": "PV-MODULE", "annualCapacity": 500, "unit": "MW"}],
//	 "needs": [{"product": "PV-GLASS", "annualVolume": 20, "unit": "M m²"}],
//	 "contact": {"person": "...", "phone": "...", "email": "..."},
//	 "dataSource": "partner-x"}
type jsonRow struct {
	USCC         string     `json:"uscc"`
	Name         string     `json:"name"`
	NameEn       *string    `json:"nameEn"`
	IsLocal      *bool      `json:"isLocal"`
	DistrictCode *string    `json:"districtCode"`
	Park         *string    `json:"park"`
	HomeCity     *string    `json:"homeCity"`
	Location     *geo.Point `json:"location"`
	Founded      *int       `json:"founded"`
	Designations []struct {
		Designation string `json:"designation"`
		Year        int    `json:"year"`
	} `json:"designations"`
	Products []jsonProduct `json:"products"`
	Needs    []jsonProduct `json:"needs"`
	Contact  *struct {
		Person *string `json:"person"`
		Phone  *string `json:"phone"`
		Email  *string `json:"email"`
	} `json:"contact"`
	DataSource string `json:"dataSource"`
}

type jsonProduct struct {
	Product        string   `json:"product"`
	AnnualCapacity *float64 `json:"annualCapacity"`
	AnnualVolume   *float64 `json:"annualVolume"`
	Unit           *string  `json:"unit"`
}

type jsonlReader struct {
	s    *bufio.Scanner
	line int
}

func newJSONLReader(src io.Reader) *jsonlReader {
	s := bufio.NewScanner(src)
	s.Buffer(make([]byte, 64*1024), 4*1024*1024)
	return &jsonlReader{s: s}
}

func (j *jsonlReader) next() (row, error) {
	for j.s.Scan() {
		j.line++
		text := bytes.TrimSpace(j.s.Bytes())
		if len(text) == 0 {
			continue // blank lines are not rows
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		var jr jsonRow
		if err := dec.Decode(&jr); err != nil {
			// Best effort to name the row even when it is malformed.
			var peek struct {
				USCC string `json:"uscc"`
			}
			_ = json.Unmarshal(text, &peek)
			return row{line: j.line, uscc: peek.USCC, reasons: []string{"invalid JSON: " + err.Error()}}, nil
		}
		in := enterprise.Input{USCC: jr.USCC, Name: jr.Name, NameEn: jr.NameEn, DistrictCode: jr.DistrictCode,
			HomeCity: jr.HomeCity, Location: jr.Location, Founded: jr.Founded, DataSource: jr.DataSource}
		if jr.IsLocal != nil {
			in.IsLocal = *jr.IsLocal
		} else {
			in.IsLocal = jr.DistrictCode != nil && *jr.DistrictCode != ""
		}
		if jr.Park != nil {
			in.ParkID = ptr(idOf(gid.Park, *jr.Park))
		}
		for _, d := range jr.Designations {
			in.Designations = append(in.Designations, enterprise.DesignationGrant{Designation: enterprise.Designation(d.Designation), Year: d.Year})
		}
		for _, p := range jr.Products {
			in.Products = append(in.Products, enterprise.OfferInput{ProductID: idOf(gid.Product, p.Product), AnnualCapacity: p.AnnualCapacity, Unit: p.Unit})
		}
		for _, p := range jr.Needs {
			in.Needs = append(in.Needs, enterprise.NeedInput{ProductID: idOf(gid.Product, p.Product), AnnualVolume: p.AnnualVolume, Unit: p.Unit})
		}
		if jr.Contact != nil {
			in.Contact = &enterprise.Contact{Person: jr.Contact.Person, Phone: jr.Contact.Phone, Email: jr.Contact.Email}
		}
		return row{line: j.line, uscc: jr.USCC, input: in}, nil
	}
	if err := j.s.Err(); err != nil {
		return row{}, err
	}
	return row{}, io.EOF
}
