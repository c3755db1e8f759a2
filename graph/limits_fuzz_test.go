package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"chainmatch/graph/generated"
)

// FuzzQueryLimits measures arbitrary documents: the limit checks never
// panic, whatever the document.
func FuzzQueryLimits(f *testing.F) {
	for _, s := range []string{
		`{ chains { code } }`,
		`{ enterprises(first: 100) { edges { node { suppliers(first: 100) { edges { node { supplier { name } } } } } } } }`,
		`query { chains { ...A } } fragment A on IndustrialChain { segments { chain { ...A } } }`,
		`{ a: chains { code } b: chains { code } }`,
		`{ supplierMatches(input: {enterpriseId: "x", first: 1000}) { score } }`,
	} {
		f.Add(s)
	}
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	q := queryLimits{byRole: DefaultLimits, schema: schema}
	f.Fuzz(func(t *testing.T, doc string) {
		ctx := context.Background()
		_ = q.MutateOperationParameters(ctx, &graphql.RawParams{Query: doc})
		d, errs := gqlparser.LoadQuery(schema, doc)
		if errs != nil || len(d.Operations) == 0 {
			return
		}
		_ = q.MutateOperationContext(ctx, &graphql.OperationContext{Doc: d, Operation: d.Operations[0], Variables: map[string]any{}})
	})
}
