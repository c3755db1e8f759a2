package neo4jstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/apperr"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/geo"
	"chainmatch/internal/match"
)

// The chain-analytics store: each method is one statement.

const qChainGapStats = `
MATCH (ch:IndustrialChain {code: $chain})
RETURN COLLECT {
  MATCH (ch)<-[:PART_OF]-(s:ChainSegment)<-[:IN_SEGMENT]-(p:Product)
  WITH s, p, COUNT { MATCH (e:Enterprise)-[:NEEDS]->(p) WHERE e.isLocal = true RETURN DISTINCT e } AS demand
  WHERE demand > 0
  RETURN {segment: s.code, code: p.code, name: p.name, nameEn: p.nameEn, demand: demand,
          supply: COUNT { MATCH (e:Enterprise)-[:MAKES]->(p) WHERE e.isLocal = true RETURN DISTINCT e }}
} AS gaps`

// ChainGapStats implements match.Storer.
func (s *Store) ChainGapStats(ctx context.Context, chainCode string) ([]match.GapStat, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]match.GapStat, error) {
		rec, err := single(ctx, tx, qChainGapStats, map[string]any{"chain": chainCode})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("chain %s: %w", chainCode, apperr.ErrNotFound)
		}
		gaps, _, err := neo4j.GetRecordValue[[]any](rec, "gaps")
		if err != nil {
			return nil, err
		}
		out := make([]match.GapStat, 0, len(gaps))
		for _, g := range gaps {
			m, _ := g.(map[string]any)
			seg, _ := mapEntry[string](m, "segment")
			demand, _ := mapEntry[int64](m, "demand")
			supply, _ := mapEntry[int64](m, "supply")
			out = append(out, match.GapStat{SegmentCode: seg, Product: productRef(g), Demand: int(demand), Supply: int(supply)})
		}
		return out, nil
	})
}

// qGapCandidates takes the nearest $perProduct non-local makers of each
// product (capped before anything else is computed).
const qGapCandidates = `
UNWIND $codes AS code
MATCH (p:Product {code: code})
CALL (p) {
  MATCH (c:Enterprise)-[r:MAKES]->(p)
  WHERE coalesce(c.isLocal, false) = false
  WITH c, r ORDER BY point.distance(c.location, $centre), c.uscc LIMIT $perProduct
  RETURN c, r
}
RETURN p.code AS product, c.uscc AS uscc,
  point.distance(c.location, $centre) / 1000.0 AS distanceKm,
  [(c)-[:HOLDS]->(d:Designation) | d.code] AS designations,
  r.annualCapacity AS capacity, r.unit AS unit,
  COUNT { MATCH (c)-[:SUPPLIES]->(x:Enterprise) WHERE x.isLocal = true RETURN DISTINCT x } AS localCustomers`

// GapCandidates implements match.Storer.
func (s *Store) GapCandidates(ctx context.Context, productCodes []string, centre geo.Point, perProduct int) ([]match.GapCandidate, error) {
	params := map[string]any{"codes": nonNil(productCodes), "centre": wgs84(centre), "perProduct": perProduct}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]match.GapCandidate, error) {
		recs, err := run(ctx, tx, qGapCandidates, params)
		if err != nil {
			return nil, err
		}
		out := make([]match.GapCandidate, 0, len(recs))
		for _, rec := range recs {
			var c match.GapCandidate
			if c.ProductCode, _, err = neo4j.GetRecordValue[string](rec, "product"); err != nil {
				return nil, err
			}
			if c.USCC, _, err = neo4j.GetRecordValue[string](rec, "uscc"); err != nil {
				return nil, err
			}
			if c.DistanceKm, err = recordFloat(rec, "distanceKm"); err != nil {
				return nil, err
			}
			if c.Designations, err = recordStrings(rec, "designations"); err != nil {
				return nil, err
			}
			if c.Capacity, err = recordFloat(rec, "capacity"); err != nil {
				return nil, err
			}
			if c.Unit, err = recordString(rec, "unit"); err != nil {
				return nil, err
			}
			n, _, err := neo4j.GetRecordValue[int64](rec, "localCustomers")
			if err != nil {
				return nil, err
			}
			c.LocalCustomers = int(n)
			out = append(out, c)
		}
		return out, nil
	})
}

// qSettlementFacts gathers, once, the local makers of what the firm needs
// and the local buyers of what it makes (with location and park), then
// counts per park those in the park or within $radius metres of it.
const qSettlementFacts = `
MATCH (a:Enterprise {uscc: $uscc})
WITH a,
  COLLECT { MATCH (a)-[:NEEDS]->(:Product)<-[:MAKES]-(e:Enterprise) WHERE e.isLocal = true AND e <> a
            RETURN DISTINCT {uscc: e.uscc, loc: e.location, park: [(e)-[:IN_PARK]->(x:Park) | x.code][0]} } AS sups,
  COLLECT { MATCH (a)-[:MAKES]->(:Product)<-[:NEEDS]-(e:Enterprise) WHERE e.isLocal = true AND e <> a
            RETURN DISTINCT {uscc: e.uscc, loc: e.location, park: [(e)-[:IN_PARK]->(x:Park) | x.code][0]} } AS custs
RETURN
  COLLECT { MATCH (a)-[:MAKES]->(:Product)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(ch:IndustrialChain)
            RETURN DISTINCT {code: ch.code, name: ch.name, nameEn: ch.nameEn} } AS chains,
  COLLECT { MATCH (a)-[:MAKES]->(p:Product)
            RETURN {code: p.code, name: p.name, nameEn: p.nameEn,
                    chains: [(p)-[:IN_SEGMENT]->(:ChainSegment)-[:PART_OF]->(ch:IndustrialChain) | ch.code],
                    demand: COUNT { MATCH (e:Enterprise)-[:NEEDS]->(p) WHERE e.isLocal = true AND e <> a RETURN DISTINCT e },
                    supply: COUNT { MATCH (e:Enterprise)-[:MAKES]->(p) WHERE e.isLocal = true AND e <> a RETURN DISTINCT e }} } AS offers,
  COLLECT { MATCH (pk:Park)
            RETURN {park: pk, district: [(pk)-[:IN_DISTRICT]->(d:District) | d.code][0],
                    focus: [(pk)-[:FOCUSES_ON]->(ch:IndustrialChain) | {code: ch.code, name: ch.name, nameEn: ch.nameEn}],
                    suppliers: size([x IN sups WHERE x.park = pk.code OR point.distance(x.loc, pk.location) <= $radius]),
                    customers: size([x IN custs WHERE x.park = pk.code OR point.distance(x.loc, pk.location) <= $radius])}
            ORDER BY pk.code } AS parks`

// SettlementFacts implements match.Storer.
func (s *Store) SettlementFacts(ctx context.Context, uscc string, radiusKm float64) (match.SettlementFacts, error) {
	params := map[string]any{"uscc": uscc, "radius": radiusKm * 1000}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (match.SettlementFacts, error) {
		var f match.SettlementFacts
		rec, err := single(ctx, tx, qSettlementFacts, params)
		if err != nil {
			return f, err
		}
		if rec == nil {
			return f, fmt.Errorf("enterprise %s: %w", uscc, apperr.ErrNotFound)
		}
		chains, _, err := neo4j.GetRecordValue[[]any](rec, "chains")
		if err != nil {
			return f, err
		}
		for _, c := range chains {
			f.Chains = append(f.Chains, chainRef(c))
		}
		offers, _, err := neo4j.GetRecordValue[[]any](rec, "offers")
		if err != nil {
			return f, err
		}
		for _, o := range offers {
			m, _ := o.(map[string]any)
			codes, _ := mapEntry[[]any](m, "chains")
			demand, _ := mapEntry[int64](m, "demand")
			supply, _ := mapEntry[int64](m, "supply")
			g := match.GapOffer{Product: productRef(o), Demand: int(demand), Supply: int(supply)}
			for _, c := range codes {
				if s, ok := c.(string); ok {
					g.ChainCodes = append(g.ChainCodes, s)
				}
			}
			f.Offers = append(f.Offers, g)
		}
		parks, _, err := neo4j.GetRecordValue[[]any](rec, "parks")
		if err != nil {
			return f, err
		}
		for _, p := range parks {
			m, _ := p.(map[string]any)
			node, ok := mapEntry[neo4j.Node](m, "park")
			if !ok {
				continue
			}
			pk, err := parkFromNode(node)
			if err != nil {
				return f, err
			}
			if d := mapString(m, "district"); d != nil {
				pk.DistrictCode = *d
			}
			focus, _ := mapEntry[[]any](m, "focus")
			sup, _ := mapEntry[int64](m, "suppliers")
			cus, _ := mapEntry[int64](m, "customers")
			pf := match.ParkFacts{Park: pk, Suppliers: int(sup), Customers: int(cus)}
			for _, c := range focus {
				pf.Focus = append(pf.Focus, chainRef(c))
			}
			f.Parks = append(f.Parks, pf)
		}
		return f, nil
	})
}

func chainRef(v any) match.ChainRef {
	p := productRef(v)
	return match.ChainRef{Code: p.Code, Name: p.Name, NameEn: p.NameEn}
}

func parkFromNode(n neo4j.Node) (chain.Park, error) {
	var p chain.Park
	var err error
	if p.Code, err = neo4j.GetProperty[string](n, "code"); err != nil {
		return p, err
	}
	if p.Name, err = neo4j.GetProperty[string](n, "name"); err != nil {
		return p, err
	}
	if v, err := neo4j.GetProperty[string](n, "nameEn"); err == nil {
		p.NameEn = &v
	}
	if v, err := neo4j.GetProperty[neo4j.Point2D](n, "location"); err == nil {
		p.Location = &geo.Point{Latitude: v.Y, Longitude: v.X}
	}
	return p, nil
}

// qSupplyPaths are the bounded shortest-path statements, one per hop limit
// 1..match.MaxHops: Cypher takes no parameter for a quantifier's bound, so
// the bound is a literal from this fixed table, never from input. SHORTEST
// 32 returns the 32 shortest trails (enough for 10 distinct simple paths
// in all but pathological graphs); the service removes duplicates and
// trails that revisit a firm.
var qSupplyPaths = func() []string {
	qs := make([]string, match.MaxHops+1)
	for h := 1; h <= match.MaxHops; h++ {
		qs[h] = fmt.Sprintf(`
OPTIONAL MATCH (a:Enterprise {uscc: $from})
OPTIONAL MATCH (b:Enterprise {uscc: $to})
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound,
  COLLECT {
    MATCH p = SHORTEST 32 (a)-[:SUPPLIES]->{1,%d}(b)
    WHERE a IS NOT NULL AND b IS NOT NULL
    RETURN [n IN nodes(p) | n.uscc]
  } AS paths`, h)
	}
	return qs
}()

// SupplyPaths implements match.Storer.
func (s *Store) SupplyPaths(ctx context.Context, fromUSCC, toUSCC string, maxHops int) (match.PathFacts, error) {
	if maxHops < 1 || maxHops > match.MaxHops {
		return match.PathFacts{}, fmt.Errorf("supply paths: maxHops %d outside 1..%d", maxHops, match.MaxHops)
	}
	params := map[string]any{"from": fromUSCC, "to": toUSCC}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (match.PathFacts, error) {
		var f match.PathFacts
		rec, err := single(ctx, tx, qSupplyPaths[maxHops], params)
		if err != nil || rec == nil {
			return f, err
		}
		if f.FromFound, _, err = neo4j.GetRecordValue[bool](rec, "fromFound"); err != nil {
			return f, err
		}
		if f.ToFound, _, err = neo4j.GetRecordValue[bool](rec, "toFound"); err != nil {
			return f, err
		}
		paths, _, err := neo4j.GetRecordValue[[]any](rec, "paths")
		if err != nil {
			return f, err
		}
		for _, p := range paths {
			nodes, _ := p.([]any)
			path := make([]string, 0, len(nodes))
			for _, n := range nodes {
				if u, ok := n.(string); ok {
					path = append(path, u)
				}
			}
			f.Paths = append(f.Paths, path)
		}
		return f, nil
	})
}

const qIncentiveFacts = `
MATCH (a:Enterprise {uscc: $uscc})
RETURN coalesce(a.isLocal, false) AS isLocal,
  [(a)-[h:HOLDS]->(d:Designation) | {code: d.code, year: h.year}] AS grants,
  COLLECT { MATCH (i:Incentive) RETURN i ORDER BY i.amountYuan DESC, i.code } AS incentives`

// IncentiveFacts implements match.Storer.
func (s *Store) IncentiveFacts(ctx context.Context, uscc string) (match.IncentiveFacts, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (match.IncentiveFacts, error) {
		var f match.IncentiveFacts
		rec, err := single(ctx, tx, qIncentiveFacts, map[string]any{"uscc": uscc})
		if err != nil {
			return f, err
		}
		if rec == nil {
			return f, fmt.Errorf("enterprise %s: %w", uscc, apperr.ErrNotFound)
		}
		if f.IsLocal, _, err = neo4j.GetRecordValue[bool](rec, "isLocal"); err != nil {
			return f, err
		}
		grants, _, err := neo4j.GetRecordValue[[]any](rec, "grants")
		if err != nil {
			return f, err
		}
		for _, g := range grants {
			m, _ := g.(map[string]any)
			code, _ := mapEntry[string](m, "code")
			year, _ := mapEntry[int64](m, "year")
			f.Grants = append(f.Grants, match.Grant{Designation: code, Year: int(year)})
		}
		incs, _, err := neo4j.GetRecordValue[[]any](rec, "incentives")
		if err != nil {
			return f, err
		}
		for _, v := range incs {
			n, ok := v.(neo4j.Node)
			if !ok {
				continue
			}
			inc, err := incentiveFromNode(n)
			if err != nil {
				return f, err
			}
			f.Incentives = append(f.Incentives, inc)
		}
		return f, nil
	})
}

func incentiveFromNode(n neo4j.Node) (chain.Incentive, error) {
	var inc chain.Incentive
	var err error
	if inc.Code, err = neo4j.GetProperty[string](n, "code"); err != nil {
		return inc, err
	}
	if inc.Name, err = neo4j.GetProperty[string](n, "name"); err != nil {
		return inc, err
	}
	amount, err := neo4j.GetProperty[int64](n, "amountYuan")
	if err != nil {
		return inc, err
	}
	inc.AmountYuan = int(amount)
	if v, err := neo4j.GetProperty[string](n, "nameEn"); err == nil {
		inc.NameEn = &v
	}
	if v, err := neo4j.GetProperty[string](n, "designation"); err == nil && v != "" {
		d := enterprise.Designation(v)
		inc.Designation = &d
	}
	if v, err := neo4j.GetProperty[bool](n, "localOnly"); err == nil {
		inc.LocalOnly = v
	}
	if v, err := neo4j.GetProperty[int64](n, "minYear"); err == nil {
		y := int(v)
		inc.MinYear = &y
	}
	return inc, nil
}

// qCultivationCounts starts from the two Designation nodes (unique codes)
// and walks their HOLDS edges once, counting each local firm per
// designation and district; districts without any come from the first
// column.
const qCultivationCounts = `
CALL () { MATCH (d:District) RETURN collect(d.code) AS districts }
CALL () {
  MATCH (des:Designation) WHERE des.code IN [$national, $provincial]
  MATCH (e:Enterprise)-[:HOLDS]->(des) WHERE e.isLocal = true
  WITH DISTINCT des.code AS designation, e
  RETURN designation, [(e)-[:LOCATED_IN]->(d:District) | d.code][0] AS district, count(e) AS n
}
RETURN districts, collect({designation: designation, district: district, n: n}) AS counts`

// CultivationCounts implements match.Storer.
func (s *Store) CultivationCounts(ctx context.Context, national, provincial string) (match.CultivationCounts, error) {
	params := map[string]any{"national": national, "provincial": provincial}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (match.CultivationCounts, error) {
		var c match.CultivationCounts
		rec, err := single(ctx, tx, qCultivationCounts, params)
		if err != nil || rec == nil {
			return c, err
		}
		districts, err := recordStrings(rec, "districts")
		if err != nil {
			return c, err
		}
		slices.Sort(districts)
		byCode := map[string]*match.DistrictProgress{}
		c.ByDistrict = make([]match.DistrictProgress, len(districts))
		for i, d := range districts {
			c.ByDistrict[i].DistrictCode = d
			byCode[d] = &c.ByDistrict[i]
		}
		counts, _, err := neo4j.GetRecordValue[[]any](rec, "counts")
		if err != nil {
			return c, err
		}
		for _, v := range counts {
			m, _ := v.(map[string]any)
			des, _ := mapEntry[string](m, "designation")
			n, _ := mapEntry[int64](m, "n")
			dp := byCode[""]
			if d := mapString(m, "district"); d != nil {
				dp = byCode[*d]
			}
			switch des {
			case national:
				c.National += int(n)
				if dp != nil {
					dp.NationalLittleGiants += int(n)
				}
			case provincial:
				c.Provincial += int(n)
				if dp != nil {
					dp.ProvincialSRDI += int(n)
				}
			}
		}
		return c, nil
	})
}
