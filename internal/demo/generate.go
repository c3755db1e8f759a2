// Package demo generates chainmatch's demonstration graph for Jiaxing: the
// real catalogue (districts, parks, industrial chains, segments, products
// and their inputs, designations, the city's awards) and a deterministic
// population of fictional enterprises (dataSource "demo") with what they
// make, need and supply, spread over the districts by each district's real
// specialities. Generation holds no Cypher: Load hands the graph to the
// store's bulk loader. docs/demo-data.md describes the result.
package demo

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"chainmatch/internal/dataset"
	"chainmatch/internal/uscc"
)

// DefaultEnterprises is the size of the standard demo.
const DefaultEnterprises = 2000

// DataSource marks every generated enterprise.
const DataSource = "demo"

// Options shape a generation.
type Options struct {
	// Scale is the number of enterprises; 0 means DefaultEnterprises. The
	// shape (shares of districts, chains, designations, visitors) and the
	// ~10 relationships per enterprise stay the same at every scale.
	Scale int
	// Seed varies the population; 0 is the standard demo.
	Seed uint64

	// The rest only concern Load.

	// Reset empties the business graph before loading; API keys, the
	// audit trail and the schema are kept.
	Reset bool
	// ResetAll empties everything before loading, API keys and the audit
	// trail included (the schema is kept). It implies Reset.
	ResetAll bool
	// BatchSize is the rows per bulk statement; 0 is the store's default.
	BatchSize int
	// Progress, when set, is called after every batch (see ProgressBar).
	Progress func(done, total int)
}

// Graph is a generated demo graph: the records to load and what the
// generator built in on purpose, for tests and docs.
type Graph struct {
	dataset.Graph
	// GapProducts are product codes with local demand and, by design, no
	// local maker; every one has non-local makers.
	GapProducts []string
}

// product is a catalogue product with where it sits.
type product struct {
	productSpec
	chain   string
	segment string
}

// firm is an enterprise being generated.
type firm struct {
	uscc, name, nameEn string
	local              bool
	district           *districtSpec
	city               *citySpec
	park               string
	chain              string
	lat, lon           float64
	founded            int
	makes              []string
	grants             map[string]int
}

type generator struct {
	rng       *rand.Rand
	products  map[string]*product
	order     []string            // product codes in catalogue order
	bySegment map[string][]string // segment code -> product codes
	segsOf    map[string][]string // chain code -> segment codes
	chainOf   map[string]*chainSpec
	gap       map[string]bool
	scarce    map[string]bool
	names     map[string]bool
	firms     []*firm
	makers    map[string][]int // product -> indexes of local makers
	visitors  map[string][]int // product -> indexes of non-local makers
}

// Generate builds the demo graph. The same options always give the same
// graph (a fixed-seed PCG and no map iteration in the output order).
func Generate(opts Options) *Graph {
	n := opts.Scale
	if n <= 0 {
		n = DefaultEnterprises
	}
	g := &generator{
		rng:       rand.New(rand.NewPCG(0x6a69617869, 0x6e67^opts.Seed)),
		products:  map[string]*product{},
		bySegment: map[string][]string{},
		segsOf:    map[string][]string{},
		chainOf:   map[string]*chainSpec{},
		gap:       set(gapProducts),
		scarce:    set(scarceProducts),
		names:     map[string]bool{},
		makers:    map[string][]int{},
		visitors:  map[string][]int{},
	}
	out := &Graph{GapProducts: slices.Clone(gapProducts)}
	g.catalogue(&out.Graph)

	visitors := max(len(gapProducts)*2+len(visitorStories), int(math.Round(float64(n)*0.03)))
	locals := n - visitors
	for i := 0; i < locals; i++ {
		g.localFirm()
	}
	g.coverProducts()
	g.visitorFirms(visitors)
	g.designate(locals)
	g.emit(&out.Graph)
	return out
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// catalogue indexes the static catalogue and writes it to b.
func (g *generator) catalogue(b *dataset.Graph) {
	for i := range chains {
		c := &chains[i]
		g.chainOf[c.code] = c
		b.Chains = append(b.Chains, dataset.Chain{Code: c.code, Name: c.name, NameEn: c.nameEn})
		for j, s := range c.segments {
			code := fmt.Sprintf("%s-S%d", c.code, j+1)
			g.segsOf[c.code] = append(g.segsOf[c.code], code)
			b.Segments = append(b.Segments, dataset.Segment{Code: code, Name: c.name + "·" + s.name,
				NameEn: c.nameEn + ": " + s.nameEn, Stage: s.stage, Position: j + 1, ChainCode: c.code})
			for _, ps := range s.products {
				g.products[ps.code] = &product{productSpec: ps, chain: c.code, segment: code}
				g.order = append(g.order, ps.code)
				g.bySegment[code] = append(g.bySegment[code], ps.code)
				b.Products = append(b.Products, dataset.Product{Code: ps.code, Name: ps.name, NameEn: ps.nameEn,
					SegmentCode: code, Inputs: slices.Clone(ps.inputs)})
			}
		}
	}
	for _, d := range districts {
		b.Districts = append(b.Districts, dataset.District{Code: d.code, Name: d.name, NameEn: d.nameEn, Lat: d.lat, Lon: d.lon})
	}
	for _, p := range parks {
		b.Parks = append(b.Parks, dataset.Park{Code: p.code, Name: p.name, NameEn: p.nameEn,
			DistrictCode: p.district, Lat: p.lat, Lon: p.lon, FocusChains: slices.Clone(p.focus)})
	}
	b.Designations = slices.Clone(designationCodes)
	b.Incentives = []dataset.Incentive{
		{Code: "JX-2023-SINGLE-CHAMPION", Name: "嘉兴市制造业单项冠军奖励", NameEn: "Jiaxing award for manufacturing single champions",
			AmountYuan: 3_000_000, Designation: dSingle, LocalOnly: true},
		{Code: "JX-2023-LITTLE-GIANT", Name: "嘉兴市国家级专精特新“小巨人”奖励", NameEn: "Jiaxing award for national little giants",
			AmountYuan: 1_500_000, Designation: dGiant, LocalOnly: true},
		{Code: "JX-2023-INVISIBLE-CHAMPION", Name: "嘉兴市隐形冠军奖励", NameEn: "Jiaxing award for invisible champions",
			AmountYuan: 1_000_000, Designation: dInvisible, LocalOnly: true},
	}
}

// pickWeighted returns a key of w with probability proportional to its
// weight, iterating keys in sorted order so that the result is deterministic.
func (g *generator) pickWeighted(w map[string]float64) string {
	keys := make([]string, 0, len(w))
	total := 0.0
	for k, v := range w {
		keys = append(keys, k)
		total += v
	}
	slices.Sort(keys)
	x := g.rng.Float64() * total
	for _, k := range keys {
		x -= w[k]
		if x < 0 {
			return k
		}
	}
	return keys[len(keys)-1]
}

func (g *generator) pickDistrict() *districtSpec {
	x := g.rng.Float64()
	for i := range districts {
		x -= districts[i].share
		if x < 0 {
			return &districts[i]
		}
	}
	return &districts[len(districts)-1]
}

// localFirm adds a Jiaxing firm of one of its district's chains.
func (g *generator) localFirm() {
	d := g.pickDistrict()
	chain := g.pickWeighted(d.chains)
	f := &firm{local: true, district: d, chain: chain}
	// The firm works in one segment: 1-3 of its products, never a gap
	// product, and a scarce product only while it has no local maker.
	segs := g.segsOf[chain]
	for try := 0; try < 8 && len(f.makes) == 0; try++ {
		seg := segs[g.rng.IntN(len(segs))]
		var avail []string
		for _, code := range g.bySegment[seg] {
			if g.gap[code] || (g.scarce[code] && len(g.makers[code]) > 0) {
				continue
			}
			avail = append(avail, code)
		}
		g.rng.Shuffle(len(avail), func(i, j int) { avail[i], avail[j] = avail[j], avail[i] })
		f.makes = avail[:min(len(avail), 1+g.rng.IntN(3))]
	}
	// Firms of a park's focus chain mostly settle in the park.
	var inDistrict, focused []parkSpec
	for _, p := range parks {
		if p.district != d.code {
			continue
		}
		inDistrict = append(inDistrict, p)
		if slices.Contains(p.focus, chain) {
			focused = append(focused, p)
		}
	}
	switch {
	case len(focused) > 0 && g.rng.Float64() < 0.7:
		p := focused[g.rng.IntN(len(focused))]
		f.park, f.lat, f.lon = p.code, g.jitter(p.lat, 0.015), g.jitter(p.lon, 0.015)
	case len(inDistrict) > 0 && g.rng.Float64() < 0.2:
		p := inDistrict[g.rng.IntN(len(inDistrict))]
		f.park, f.lat, f.lon = p.code, g.jitter(p.lat, 0.015), g.jitter(p.lon, 0.015)
	default:
		f.lat, f.lon = g.jitter(d.lat, 0.05), g.jitter(d.lon, 0.05)
	}
	g.add(f)
}

// coverProducts gives every catalogue product that is neither a gap nor
// already made locally one local maker of its chain, so that the demo has
// no accidental holes besides the intended gaps.
func (g *generator) coverProducts() {
	byChain := map[string][]int{}
	for i, f := range g.firms {
		byChain[f.chain] = append(byChain[f.chain], i)
	}
	for _, code := range g.order {
		if g.gap[code] || len(g.makers[code]) > 0 {
			continue
		}
		cands := byChain[g.products[code].chain]
		if len(cands) == 0 {
			continue
		}
		i := cands[g.rng.IntN(len(cands))]
		g.firms[i].makes = append(g.firms[i].makes, code)
		g.makers[code] = append(g.makers[code], i)
	}
}

// visitorFirms adds the non-local little giants: the story firms, two
// makers of every gap product, then firms of random chains.
func (g *generator) visitorFirms(n int) {
	var plans [][]string
	for _, s := range visitorStories {
		plans = append(plans, s.products)
	}
	for _, code := range gapProducts {
		plans = append(plans, []string{code}, []string{code})
	}
	cityOf := func(i int) *citySpec {
		if i < len(visitorStories) {
			for j := range cities {
				if cities[j].division == visitorStories[i].city {
					return &cities[j]
				}
			}
		}
		return &cities[g.rng.IntN(len(cities))]
	}
	for i := 0; i < n; i++ {
		var makes []string
		if i < len(plans) {
			makes = slices.Clone(plans[i])
		} else {
			c := &chains[g.rng.IntN(len(chains))]
			seg := g.segsOf[c.code][g.rng.IntN(len(c.segments))]
			avail := slices.Clone(g.bySegment[seg])
			g.rng.Shuffle(len(avail), func(i, j int) { avail[i], avail[j] = avail[j], avail[i] })
			makes = avail[:min(len(avail), 1+g.rng.IntN(2))]
		}
		city := cityOf(i)
		f := &firm{city: city, chain: g.products[makes[0]].chain, makes: makes,
			lat: g.jitter(city.lat, 0.06), lon: g.jitter(city.lon, 0.06),
			grants: map[string]int{}}
		srdi := 2019 + g.rng.IntN(4)
		f.grants[dSRDI] = srdi
		f.grants[dGiant] = srdi + 1 + g.rng.IntN(2024-srdi)
		g.add(f)
	}
}

// add names the firm, gives it a code and records what it makes.
func (g *generator) add(f *firm) {
	i := len(g.firms)
	division := ""
	if f.local {
		division = f.district.code
	} else {
		division = f.city.division
	}
	// A bijection of the index onto 8-character organization codes: the
	// codes look scattered but never collide.
	code, err := uscc.Make(division, (uint64(i)+1)*1_000_003%852_891_037_441)
	if err != nil {
		panic(fmt.Sprintf("demo: %v", err)) // the divisions above are all 6 digits
	}
	f.uscc = code
	f.name, f.nameEn = g.firmName(f)
	g.firms = append(g.firms, f)
	for _, p := range f.makes {
		if f.local {
			g.makers[p] = append(g.makers[p], i)
		} else {
			g.visitors[p] = append(g.visitors[p], i)
		}
	}
}

func (g *generator) firmName(f *firm) (string, string) {
	c := g.chainOf[f.chain]
	place, placeEn := "", ""
	if f.local {
		place, placeEn = f.district.short, f.district.shortEn
	} else {
		place, placeEn = f.city.name, f.city.nameEn
	}
	for try := 0; ; try++ {
		a := brandSyllables[g.rng.IntN(len(brandSyllables))]
		b := brandSyllables[g.rng.IntN(len(brandSyllables))]
		k := g.rng.IntN(len(c.industry))
		name := place + a.zh + b.zh + c.industry[k] + "有限公司"
		en := fmt.Sprintf("%s %s%s %s Co., Ltd.", placeEn, capitalize(a.py), strings.ToLower(b.py), c.industryEn[k])
		if try >= 6 {
			// Large scales exhaust the brands: number the firm like a branch.
			name = fmt.Sprintf("%s%s%s%s第%d有限公司", place, a.zh, b.zh, c.industry[k], len(g.firms)+1)
			en = fmt.Sprintf("%s %s%s %s No. %d Co., Ltd.", placeEn, capitalize(a.py), strings.ToLower(b.py), c.industryEn[k], len(g.firms)+1)
		}
		if a != b && !g.names[name] {
			g.names[name] = true
			return name, en
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func (g *generator) jitter(v, spread float64) float64 {
	return math.Round((v+(g.rng.Float64()*2-1)*spread)*1e5) / 1e5
}

// designate gives local firms their rungs on the SME ladder in the demo's
// proportions (for 1,940 local firms: ~108 national little giants, ~700
// provincial SRDI, ~450 innovative SMEs, 6 single and 15 invisible
// champions) and founding years consistent with them.
func (g *generator) designate(locals int) {
	scale := float64(locals) / 1940
	count := func(x float64) int { return int(math.Round(x * scale)) }
	giants, srdi, innov := count(108), count(700), count(450)
	singles, invisibles := count(6), count(15)
	order := g.rng.Perm(locals)
	for rank, i := range order {
		f := g.firms[i]
		f.grants = map[string]int{}
		switch {
		case rank < giants:
			y := 2019 + g.rng.IntN(5)
			f.grants[dSRDI] = y
			f.grants[dGiant] = y + 1 + g.rng.IntN(min(2, 2024-y))
		case rank < srdi:
			f.grants[dSRDI] = 2019 + g.rng.IntN(6)
		case rank < srdi+innov:
			f.grants[dInnovative] = 2020 + g.rng.IntN(5)
			continue
		}
		if rank < srdi && g.rng.Float64() < 0.5 {
			f.grants[dInnovative] = max(2019, f.grants[dSRDI]-g.rng.IntN(2))
		}
		// Champions come from the top of the ladder: single champions
		// among the little giants, invisible champions next to them.
		if rank < singles {
			f.grants[dSingle] = 2020 + g.rng.IntN(5)
		} else if rank < singles+invisibles {
			f.grants[dInvisible] = 2019 + g.rng.IntN(6)
		}
	}
	for _, f := range g.firms {
		first := 2025
		for _, y := range f.grants {
			first = min(first, y)
		}
		switch {
		case f.grants[dSingle] > 0 || f.grants[dInvisible] > 0:
			f.founded = first - 12 - g.rng.IntN(18) // >= 10 years in the field
		case f.grants[dGiant] > 0:
			f.founded = first - 3 - g.rng.IntN(15)
		case len(f.grants) > 0:
			f.founded = first - 2 - g.rng.IntN(15)
		default:
			f.founded = 1992 + g.rng.IntN(31)
		}
	}
}

// unitScale is a plausible annual capacity range per unit.
var unitScale = map[string][2]float64{
	"t": {200, 20000}, "kt": {5, 500}, "MW": {50, 5000}, "GWh": {1, 40},
	"M pcs": {1, 300}, "k pcs": {10, 2000}, "pcs": {100, 20000}, "sets": {10, 2000},
	"k sets": {5, 500}, "M m²": {1, 120}, "k m²": {5, 500}, "M m": {1, 80}, "km": {100, 50000},
	"k units": {5, 800}, "M units": {1, 200}, "k wafers": {10, 600}, "vehicles": {500, 100000},
	"kg": {50, 5000}, "M sq ft": {1, 60},
}

func (g *generator) amount(unit string, factor float64) float64 {
	r, ok := unitScale[unit]
	if !ok {
		r = [2]float64{1, 100}
	}
	// Log-uniform between the bounds, two significant digits.
	v := math.Exp(math.Log(r[0])+g.rng.Float64()*(math.Log(r[1])-math.Log(r[0]))) * factor
	mag := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Max(1, math.Round(v/mag)*mag)
}

// emit writes the firms and their relationships to b.
func (g *generator) emit(b *dataset.Graph) {
	for i, f := range g.firms {
		e := dataset.Enterprise{USCC: f.uscc, Name: f.name, NameEn: f.nameEn, IsLocal: f.local,
			HasLocation: true, Lat: f.lat, Lon: f.lon, Founded: f.founded, DataSource: DataSource}
		area := "0573"
		if f.local {
			e.DistrictCode, e.ParkCode = f.district.code, f.park
		} else {
			e.HomeCity, area = f.city.name, f.city.phone
		}
		e.ContactPerson = surnames[g.rng.IntN(len(surnames))] + givenNames[g.rng.IntN(len(givenNames))]
		e.ContactPhone = fmt.Sprintf("%s-555%05d", area, g.rng.IntN(100000))
		e.ContactEmail = fmt.Sprintf("contact%d@demo-firm.example", i+1)
		b.Enterprises = append(b.Enterprises, e)
		for _, d := range designationCodes {
			if y, ok := f.grants[d]; ok {
				b.Grants = append(b.Grants, dataset.Grant{USCC: f.uscc, Designation: d, Year: y})
			}
		}
		for _, code := range f.makes {
			p := g.products[code]
			b.Makes = append(b.Makes, dataset.Offer{USCC: f.uscc, ProductCode: code, AnnualCapacity: g.amount(p.unit, 1), Unit: p.unit})
		}
	}
	// Needs are the inputs of what a firm makes (at most four), and each
	// need is met by 0-3 suppliers that make it, mostly local ones.
	for i, f := range g.firms {
		var needs []string
		for _, code := range f.makes {
			for _, in := range g.products[code].inputs {
				if !slices.Contains(needs, in) && !slices.Contains(f.makes, in) {
					needs = append(needs, in)
				}
			}
		}
		g.rng.Shuffle(len(needs), func(a, b int) { needs[a], needs[b] = needs[b], needs[a] })
		needs = needs[:min(len(needs), 4)]
		slices.SortFunc(needs, cmp.Compare)
		for _, code := range needs {
			p := g.products[code]
			b.Needs = append(b.Needs, dataset.Need{USCC: f.uscc, ProductCode: code, AnnualVolume: g.amount(p.unit, 0.2), Unit: p.unit})
			for _, s := range g.suppliersFor(i, code) {
				sup := g.firms[s]
				since := max(sup.founded, f.founded) + 1 + g.rng.IntN(8)
				b.Supplies = append(b.Supplies, dataset.Supply{SupplierUSCC: sup.uscc, CustomerUSCC: f.uscc,
					ProductCode: code, Since: min(since, 2024)})
			}
		}
	}
}

// suppliersFor picks distinct makers of code for firm i: local firms buy
// mostly from Jiaxing makers (gap products necessarily from outside),
// visitors mostly from outside.
func (g *generator) suppliersFor(i int, code string) []int {
	f := g.firms[i]
	k := [...]int{1, 1, 1, 2, 2, 2, 3, 3}[g.rng.IntN(8)]
	if !f.local {
		k = min(k, 1)
	}
	var out []int
	for try := 0; len(out) < k && try < 3*k; try++ {
		pool := g.makers[code]
		if len(pool) == 0 || (f.local && g.rng.Float64() < 0.15) || (!f.local && g.rng.Float64() < 0.7) {
			if len(g.visitors[code]) > 0 {
				pool = g.visitors[code]
			}
		}
		if len(pool) == 0 {
			break
		}
		s := pool[g.rng.IntN(len(pool))]
		if s != i && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
