package graph

import (
	"testing"

	"chainmatch/graph/generated"
)

// Every field the read path looks for in a selection exists on its type in
// the executable schema: a renamed or removed schema field must fail here
// rather than silently lose its batching (the field would still resolve,
// through a loader per level, and only statement counts would tell).
func TestReadPathFieldsExist(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
	if len(readPathFields) < 20 {
		t.Fatalf("only %d read-path fields registered", len(readPathFields))
	}
	for _, f := range readPathFields {
		def := schema.Types[f.typ]
		if def == nil {
			t.Errorf("read path names type %s, which the schema lacks", f.typ)
			continue
		}
		if def.Fields.ForName(f.name) == nil {
			t.Errorf("read path names %s.%s, which the schema lacks", f.typ, f.name)
		}
	}
	for typ, ts := range satisfies {
		for _, name := range ts {
			if schema.Types[name] == nil {
				t.Errorf("satisfies[%s] names type %s, which the schema lacks", typ, name)
			}
		}
	}
}
