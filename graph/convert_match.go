package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"chainmatch/graph/model"
	"chainmatch/internal/match"
)

// matchQuery converts the GraphQL MatchInput into the service's query.
func matchQuery(in model.MatchInput) match.MatchQuery {
	return match.MatchQuery{
		EnterpriseID:  in.EnterpriseID,
		ProductIDs:    in.ProductIds,
		LocalOnly:     in.LocalOnly,
		MaxDistanceKm: in.MaxDistanceKm,
		Designations:  in.Designations,
		Fits:          in.Fits,
		First:         in.First,
	}
}

// gapCandidatesWanted reads, from the chainGaps selection, how many
// candidates per gap the query asks for (the largest `first` of any
// `candidates` selection, capped at match.MaxGapCandidates; 0 when
// candidates are not selected), so that the service can fetch the
// candidates of every gap in one batch. An out-of-range `first` is still
// reported by ChainGap.candidates itself.
func gapCandidatesWanted(ctx context.Context) int {
	oc := graphql.GetOperationContext(ctx)
	want := 0
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "candidates" {
			continue
		}
		n := match.DefaultGapCandidate
		switch v := f.ArgumentMap(oc.Variables)["first"].(type) {
		case int64:
			n = int(v)
		case int:
			n = v
		}
		want = max(want, min(n, match.MaxGapCandidates))
	}
	return want
}

// values dereferences loaded objects, skipping keys that no longer exist.
func values[V any](ps []*V) []V {
	out := make([]V, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}
