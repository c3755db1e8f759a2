package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"chainmatch/internal/demo"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// csvPoint is a WGS-84 point column value.
type csvPoint struct{ lat, lon float64 }

// csvFile is one input file of `neo4j-admin database import full`: a
// header in the importer's notation and rows. A nil cell is absent (no
// property); a string cell is always quoted, so "" stays an empty string.
type csvFile struct {
	name   string // file name
	flag   string // --nodes or --relationships
	label  string // label or relationship type
	header []string
	rows   [][]any
}

func (f *csvFile) add(cells ...any) { f.rows = append(f.rows, cells) }

func (f *csvFile) write(dir string) error {
	file, err := os.Create(filepath.Join(dir, f.name))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(file, 1<<20)
	w.WriteString(strings.Join(f.header, ",") + "\n")
	for _, r := range f.rows {
		for i, c := range r {
			if i > 0 {
				w.WriteByte(',')
			}
			writeCell(w, c)
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func writeCell(w *bufio.Writer, c any) {
	switch v := c.(type) {
	case nil:
	case string:
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(v, `"`, `""`))
		w.WriteByte('"')
	case int:
		w.WriteString(strconv.Itoa(v))
	case float64:
		w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case bool:
		w.WriteString(strconv.FormatBool(v))
	case csvPoint:
		fmt.Fprintf(w, `"{latitude:%s,longitude:%s}"`,
			strconv.FormatFloat(v.lat, 'g', -1, 64), strconv.FormatFloat(v.lon, 'g', -1, 64))
	default:
		panic(fmt.Sprintf("csv cell of type %T", c))
	}
}

// orNil mirrors LoadGraph's rule that Go zero values are stored as absent.
func orNil[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// exportCSV writes the demo graph of the given scale as the offline
// importer's CSV files into dir and returns the importer arguments that
// load them. It writes the same nodes, properties and relationships that
// LoadGraph writes for the same graph.
func exportCSV(scale int, dir string) ([]string, error) {
	g := demo.Generate(demo.Options{Scale: scale})
	return writeImportCSV(&g.Graph, dir, time.Now().UTC())
}

func writeImportCSV(g *neo4jstore.BulkGraph, dir string, now time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	nodes := func(name, label string, header ...string) *csvFile {
		return &csvFile{name: name, flag: "--nodes", label: label, header: header}
	}
	rels := func(name, typ, from, to string, props ...string) *csvFile {
		return &csvFile{name: name, flag: "--relationships", label: typ,
			header: append([]string{":START_ID(" + from + ")", ":END_ID(" + to + ")"}, props...)}
	}
	var (
		chains       = nodes("chains.csv", "IndustrialChain", "code:ID(IndustrialChain)", "name", "nameEn")
		segments     = nodes("segments.csv", "ChainSegment", "code:ID(ChainSegment)", "name", "nameEn", "stage", "position:int")
		products     = nodes("products.csv", "Product", "code:ID(Product)", "name", "nameEn")
		districts    = nodes("districts.csv", "District", "code:ID(District)", "name", "nameEn", "location:point{crs:WGS-84}")
		parks        = nodes("parks.csv", "Park", "code:ID(Park)", "name", "nameEn", "location:point{crs:WGS-84}")
		designations = nodes("designations.csv", "Designation", "code:ID(Designation)")
		incentives   = nodes("incentives.csv", "Incentive", "code:ID(Incentive)", "name", "nameEn", "amountYuan:long",
			"designation", "localOnly:boolean", "minYear:int")
		enterprises = nodes("enterprises.csv", "Enterprise", "uscc:ID(Enterprise)", "name", "nameEn", "isLocal:boolean",
			"homeCity", "founded:int", "dataSource", "owner", "contactPerson", "contactPhone", "contactEmail",
			"location:point{crs:WGS-84}", "updatedAt:datetime")

		partOf    = rels("part_of.csv", "PART_OF", "ChainSegment", "IndustrialChain")
		inSegment = rels("in_segment.csv", "IN_SEGMENT", "Product", "ChainSegment")
		inputOf   = rels("input_of.csv", "INPUT_OF", "Product", "Product")
		inDist    = rels("in_district.csv", "IN_DISTRICT", "Park", "District")
		focuses   = rels("focuses_on.csv", "FOCUSES_ON", "Park", "IndustrialChain")
		located   = rels("located_in.csv", "LOCATED_IN", "Enterprise", "District")
		inPark    = rels("in_park.csv", "IN_PARK", "Enterprise", "Park")
		holds     = rels("holds.csv", "HOLDS", "Enterprise", "Designation", "year:int")
		makes     = rels("makes.csv", "MAKES", "Enterprise", "Product", "annualCapacity:double", "unit")
		needs     = rels("needs.csv", "NEEDS", "Enterprise", "Product", "annualVolume:double", "unit")
		supplies  = rels("supplies.csv", "SUPPLIES", "Enterprise", "Enterprise", "product", "since:int")
	)
	for _, c := range g.Chains {
		chains.add(c.Code, c.Name, c.NameEn)
	}
	for _, s := range g.Segments {
		segments.add(s.Code, s.Name, s.NameEn, s.Stage, s.Position)
		partOf.add(s.Code, s.ChainCode)
	}
	for _, p := range g.Products {
		products.add(p.Code, p.Name, p.NameEn)
		inSegment.add(p.Code, p.SegmentCode)
		for _, in := range p.Inputs {
			inputOf.add(in, p.Code)
		}
	}
	for _, d := range g.Districts {
		districts.add(d.Code, d.Name, d.NameEn, csvPoint{d.Lat, d.Lon})
	}
	for _, p := range g.Parks {
		parks.add(p.Code, p.Name, p.NameEn, csvPoint{p.Lat, p.Lon})
		inDist.add(p.Code, p.DistrictCode)
		for _, c := range p.FocusChains {
			focuses.add(p.Code, c)
		}
	}
	for _, d := range g.Designations {
		designations.add(d)
	}
	for _, i := range g.Incentives {
		incentives.add(i.Code, i.Name, i.NameEn, i.AmountYuan, orNil(i.Designation), i.LocalOnly, orNil(i.MinYear))
	}
	stamp := now.Format(time.RFC3339)
	for _, e := range g.Enterprises {
		var loc any
		if e.HasLocation {
			loc = csvPoint{e.Lat, e.Lon}
		}
		enterprises.add(e.USCC, e.Name, orNil(e.NameEn), e.IsLocal, orNil(e.HomeCity), orNil(e.Founded),
			orNil(e.DataSource), e.Owner, orNil(e.ContactPerson), orNil(e.ContactPhone), orNil(e.ContactEmail), loc, stamp)
		if e.DistrictCode != "" {
			located.add(e.USCC, e.DistrictCode)
		}
		if e.ParkCode != "" {
			inPark.add(e.USCC, e.ParkCode)
		}
	}
	for _, h := range g.Grants {
		holds.add(h.USCC, h.Designation, h.Year)
	}
	for _, m := range g.Makes {
		makes.add(m.USCC, m.ProductCode, m.AnnualCapacity, orNil(m.Unit))
	}
	for _, n := range g.Needs {
		needs.add(n.USCC, n.ProductCode, n.AnnualVolume, orNil(n.Unit))
	}
	for _, x := range g.Supplies {
		supplies.add(x.SupplierUSCC, x.CustomerUSCC, x.ProductCode, orNil(x.Since))
	}
	var args []string
	for _, f := range []*csvFile{chains, segments, products, districts, parks, designations, incentives, enterprises,
		partOf, inSegment, inputOf, inDist, focuses, located, inPark, holds, makes, needs, supplies} {
		if err := f.write(dir); err != nil {
			return nil, err
		}
		args = append(args, fmt.Sprintf("%s=%s=%s", f.flag, f.label, filepath.Join(dir, f.name)))
	}
	return args, nil
}
