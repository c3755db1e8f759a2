package main

import (
	"context"
	"fmt"
	"time"

	"chainmatch/internal/demo"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// loadSteps loads the demo graph of the given scale one record kind at a
// time through the store's LoadGraph and prints how long each kind took:
// the profile of `chainmatch demo` by step. The graph is emptied first;
// maxSteps > 0 stops after that many steps.
func loadSteps(ctx context.Context, st *neo4jstore.Store, scale, maxSteps int) error {
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.DeleteAllData(ctx); err != nil {
		return err
	}
	g := demo.Generate(demo.Options{Scale: scale}).Graph
	catalogue := neo4jstore.BulkGraph{Chains: g.Chains, Segments: g.Segments, Products: g.Products, Districts: g.Districts,
		Parks: g.Parks, Designations: g.Designations, Incentives: g.Incentives}
	enterprises := make([]neo4jstore.BulkEnterprise, len(g.Enterprises))
	copy(enterprises, g.Enterprises)
	plain := make([]neo4jstore.BulkEnterprise, len(enterprises))
	for i, e := range enterprises {
		e.DistrictCode, e.ParkCode = "", "" // nodes only; the placements are their own step
		plain[i] = e
	}
	steps := []struct {
		name string
		g    neo4jstore.BulkGraph
	}{
		{"catalogue", catalogue},
		{"Enterprise nodes", neo4jstore.BulkGraph{Enterprises: plain}},
		{"LOCATED_IN + IN_PARK", neo4jstore.BulkGraph{Enterprises: enterprises}},
		{"HOLDS", neo4jstore.BulkGraph{Grants: g.Grants}},
		{"MAKES", neo4jstore.BulkGraph{Makes: g.Makes}},
		{"NEEDS", neo4jstore.BulkGraph{Needs: g.Needs}},
		{"SUPPLIES", neo4jstore.BulkGraph{Supplies: g.Supplies}},
	}
	if maxSteps > 0 && maxSteps < len(steps) {
		steps = steps[:maxSteps]
	}
	total := time.Duration(0)
	for _, s := range steps {
		stats, err := st.LoadGraph(ctx, &s.g, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		total += stats.Duration
		fmt.Printf("%-22s %8d node rows %8d relationship rows %8.1f s\n", s.name, stats.NodeRows, stats.RelationshipRows, stats.Duration.Seconds())
	}
	fmt.Printf("%-22s %46.1f s\n", "total", total.Seconds())
	return nil
}
