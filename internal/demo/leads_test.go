package demo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/chain"
	"chainmatch/internal/lead"
	"chainmatch/internal/match"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

func leadServices(t *testing.T, s *neo4jstore.Store) LeadServices {
	t.Helper()
	m, err := match.NewService(s, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return LeadServices{Catalog: chain.NewService(s), Matches: m, Leads: lead.NewService(s, m)}
}

// The demo pipeline spreads a few dozen leads over stages, owners and
// chains, and is the same every time it is built on the demo graph.
func TestDemoPipelineIsRealisticAndDeterministic(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	staff := auth.WithPrincipal(ctx, auth.Principal{ID: "t", Name: "t", Role: auth.Staff})
	build := func() (string, lead.Pipeline) {
		t.Helper()
		if _, err := Load(ctx, s, Options{Reset: true}); err != nil {
			t.Fatal(err)
		}
		svc := leadServices(t, s)
		n, err := LoadLeads(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		if n != DemoLeads {
			t.Fatalf("%d demo leads, want %d", n, DemoLeads)
		}
		if again, err := LoadLeads(ctx, svc); err != nil || again != 0 {
			t.Fatalf("second LoadLeads: %d, %v", again, err)
		}
		first := 100
		page, err := svc.Leads.List(staff, lead.ListInput{First: &first})
		if err != nil {
			t.Fatal(err)
		}
		owners, activities := map[string]bool{}, 0
		var dump string
		for _, l := range page.Leads {
			owners[l.Owner] = true
			acts, err := svc.Leads.Activities(staff, l.ID, &first, nil)
			if err != nil {
				t.Fatal(err)
			}
			activities += len(acts.Activities)
			dump += fmt.Sprintf("%s %s %s %s v%d %v %v %v|", l.ID, l.EnterpriseUSCC, l.Stage, l.Owner, l.Version, *l.ChainCode, l.CreatedAt, l.NextActionAt)
		}
		if len(owners) != len(demoOwners) || activities < DemoLeads {
			t.Errorf("%d owners, %d activities", len(owners), activities)
		}
		p, err := svc.Leads.Pipeline(staff, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return dump, p
	}
	dump, p := build()
	for _, c := range p.ByStage {
		if c.Count == 0 {
			t.Errorf("no demo lead in %s: %+v", c.Stage, p.ByStage)
		}
	}
	if len(p.ByChain) < 3 || p.ConversionRate <= 0 || p.ConversionRate >= 1 {
		t.Errorf("pipeline %+v", p)
	}
	again, p2 := build()
	if again != dump {
		t.Errorf("the demo leads differ between two builds:\n%s\n%s", dump, again)
	}
	if pipelineString(p2) != pipelineString(p) {
		t.Errorf("the demo pipeline differs between two builds:\n%s\n%s", pipelineString(p), pipelineString(p2))
	}
}

func pipelineString(p lead.Pipeline) string {
	s := fmt.Sprint(p.ByStage, p.ByChain, p.ConversionRate)
	for _, d := range p.MedianDaysInStage {
		if d.Days != nil {
			s += fmt.Sprintf(" %s:%g", d.Stage, *d.Days)
		}
	}
	return s
}
