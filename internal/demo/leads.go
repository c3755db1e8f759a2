package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/chain"
	"chainmatch/internal/gid"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
)

// The demo pipeline: a few dozen leads born from the demo graph's chain
// gaps, over the non-local firms that make the gap products, spread over
// stages, owners and chains, with the activities that moved them on. It is
// written through the lead service (so every stage rule holds) with a
// fixed clock, fixed ids and a seeded random source: the same graph gives
// the same pipeline.

// LeadServices are the services the demo pipeline is built with.
type LeadServices struct {
	Catalog *chain.Service
	Matches *match.Service
	Leads   *lead.Service
}

// DemoLeads is how many leads the demo pipeline has (fewer when the graph
// has fewer gap candidates).
const DemoLeads = 36

// demoPipelineStart is the day the demo pipeline's first lead was opened.
var demoPipelineStart = time.Date(2026, 8, 15, 1, 30, 0, 0, time.UTC)

var demoOwners = []string{"张伟（招商一局）", "李娜（招商一局）", "王强（招商二局）", "陈静（驻沪招商处）"}

// demoFinal is the stage each lead ends in, cycling: most leads early in
// the funnel, a few signed, two settled, some lost.
var demoFinal = []lead.Stage{
	lead.Identified, lead.Contacted, lead.Visited, lead.Identified, lead.Negotiating, lead.Contacted,
	lead.Lost, lead.Visited, lead.Signed, lead.Identified, lead.Contacted, lead.Negotiating,
	lead.Settled, lead.Visited, lead.Lost, lead.Identified, lead.Contacted, lead.Signed,
}

// what was done to move a lead into each stage.
var demoSteps = map[lead.Stage]struct {
	kind lead.ActivityKind
	note string
}{
	lead.Contacted:   {lead.Call, "首次电话沟通，介绍嘉兴产业链配套与园区政策，对方表示有意向了解。"},
	lead.Visited:     {lead.Visit, "陪同企业高管实地考察园区，参观标准厂房与上下游配套企业。"},
	lead.Negotiating: {lead.Meeting, "与园区管委会洽谈用地、厂房租金与设备补贴方案。"},
	lead.Signed:      {lead.Meeting, "签署投资协议，约定一期投资与投产时间。"},
	lead.Lost:        {lead.Email, "企业回复：已决定在其他城市布局，暂不考虑嘉兴。"},
}

// LoadLeads builds the demo pipeline unless the graph already has leads;
// it returns how many leads it created.
func LoadLeads(ctx context.Context, s LeadServices) (int, error) {
	admin := auth.WithPrincipal(ctx, auth.Principal{ID: "demo", Name: "demo", Role: auth.Admin})
	one := 1
	existing, err := s.Leads.List(admin, lead.ListInput{First: &one})
	if err != nil {
		return 0, fmt.Errorf("demo leads: %w", err)
	}
	if existing.TotalCount > 0 {
		return 0, nil
	}
	prospects, err := demoProspects(admin, s)
	if err != nil {
		return 0, err
	}
	now := demoPipelineStart
	seq := 0
	svc := s.Leads.WithClock(func() time.Time { return now }).WithIDs(func() string {
		seq++
		return fmt.Sprintf("demo%06d", seq)
	})
	rng := rand.New(rand.NewPCG(15, 2026))
	days := func(lo, hi int) time.Duration {
		return time.Duration(lo+rng.IntN(hi-lo+1))*24*time.Hour + time.Duration(rng.IntN(8*60))*time.Minute
	}
	for i, p := range prospects {
		owner := demoOwners[i%len(demoOwners)]
		staff := auth.WithPrincipal(ctx, auth.Principal{ID: "demo-" + fmt.Sprint(i%len(demoOwners)), Name: owner, Role: auth.Staff})
		now = demoPipelineStart.Add(time.Duration(i) * 36 * time.Hour)
		investment := float64(5+rng.IntN(60)) * 1e7
		in := lead.CreateInput{
			EnterpriseID: gid.Encode(gid.Enterprise, p.uscc), Owner: &owner,
			ProductIDs: []string{gid.Encode(gid.Product, p.product)}, ChainID: ptrTo(gid.Encode(gid.Chain, p.chain)),
			ExpectedInvestmentYuan: &investment,
		}
		if p.park != "" {
			in.TargetParkID = ptrTo(gid.Encode(gid.Park, p.park))
		}
		l, err := svc.Create(staff, in)
		if err != nil {
			return i, fmt.Errorf("demo lead %d: %w", i, err)
		}
		id := gid.Encode(gid.Lead, l.ID)
		final := demoFinal[i%len(demoFinal)]
		forward := []lead.Stage{lead.Contacted, lead.Visited, lead.Negotiating, lead.Signed}
		var path []lead.Stage
		switch final {
		case lead.Lost:
			path = append(slices.Clone(forward[:rng.IntN(3)]), lead.Lost)
		case lead.Settled:
			path = forward
		default:
			for _, st := range forward {
				if stageAfter(st, final) {
					break
				}
				path = append(path, st)
			}
		}
		for _, to := range path {
			now = now.Add(days(3, 14))
			step := demoSteps[to]
			if _, err := svc.LogActivity(staff, id, lead.ActivityInput{Kind: step.kind, Note: step.note}); err != nil {
				return i, fmt.Errorf("demo lead %d activity: %w", i, err)
			}
			if l, err = svc.Move(staff, id, to, l.Version+1, nil); err != nil {
				return i, fmt.Errorf("demo lead %d to %s: %w", i, to, err)
			}
		}
		if final == lead.Settled && p.park != "" {
			now = now.Add(days(20, 40))
			if l, err = svc.Settle(staff, id, l.Version, gid.Encode(gid.Park, p.park)); err != nil {
				return i, fmt.Errorf("demo lead %d settle: %w", i, err)
			}
		}
		if l.Stage.Open() {
			next := now.Add(days(5, 30))
			if _, err := svc.Update(staff, id, l.Version, lead.UpdateInput{NextActionAt: &next}); err != nil {
				return i, fmt.Errorf("demo lead %d next action: %w", i, err)
			}
		}
	}
	return len(prospects), nil
}

// stageAfter reports whether a comes after b in the funnel.
func stageAfter(a, b lead.Stage) bool {
	order := map[lead.Stage]int{}
	for i, s := range lead.Stages {
		order[s] = i
	}
	return order[a] > order[b]
}

func ptrTo[T any](v T) *T { return &v }

type prospect struct {
	uscc, product, chain, park string
}

// demoProspects picks, chain by chain in turn, the best-ranked non-local
// makers of each chain's most severe gaps, each firm once, and the park
// that settlementOptions ranks first for each.
func demoProspects(ctx context.Context, s LeadServices) ([]prospect, error) {
	chains, err := s.Catalog.Chains(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo leads: chains: %w", err)
	}
	perChain := make([][]prospect, len(chains))
	seen := map[string]bool{}
	gapsFirst, candFirst := 20, 3
	for i, c := range chains {
		gaps, err := s.Matches.ChainGaps(ctx, gid.Encode(gid.Chain, c.Code), &gapsFirst, candFirst)
		if err != nil {
			return nil, fmt.Errorf("demo leads: gaps of %s: %w", c.Code, err)
		}
		// The best candidate of every gap first, then the second best, ...
		ranked := make([][]match.Match, len(gaps))
		for gi := range gaps {
			if ranked[gi], err = s.Matches.GapCandidates(ctx, &gaps[gi], &candFirst); err != nil {
				return nil, err
			}
		}
		for r := range candFirst {
			for gi, ms := range ranked {
				if r >= len(ms) || seen[ms[r].CandidateUSCC] {
					continue
				}
				seen[ms[r].CandidateUSCC] = true
				perChain[i] = append(perChain[i], prospect{uscc: ms[r].CandidateUSCC, product: gaps[gi].ProductCode, chain: c.Code})
			}
		}
	}
	var out []prospect
	for round := 0; len(out) < DemoLeads; round++ {
		added := false
		for _, ps := range perChain {
			if round < len(ps) && len(out) < DemoLeads {
				out, added = append(out, ps[round]), true
			}
		}
		if !added {
			break
		}
	}
	first := 1
	for i := range out {
		opts, err := s.Matches.SettlementOptions(ctx, gid.Encode(gid.Enterprise, out[i].uscc), &first)
		if err != nil {
			return nil, fmt.Errorf("demo leads: settlement options: %w", err)
		}
		if len(opts) > 0 {
			out[i].park = opts[0].ParkCode
		}
	}
	return out, nil
}
