package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/changes"
)

// Limits bound what one operation may ask for. Defaults follow
// graphql-armor's; see docs/security.md.
type Limits struct {
	// MaxDepth is the deepest field nesting (introspection fields excluded).
	MaxDepth int
	// MaxCost is the estimated cost: every field costs 1, and a field with
	// a page size (`first`/`last`, also inside an input object such as
	// MatchInput, default 20) multiplies the cost of its selection by it.
	MaxCost int
	// MaxAliases counts aliased fields, fragments expanded.
	MaxAliases int
	// MaxTokens counts lexical tokens of the document.
	MaxTokens int
	// MaxDocumentBytes bounds the document's size in bytes.
	MaxDocumentBytes int
}

// MaxFirst is the largest page a `first`/`last` may ask for (Query.changes
// excepted, maxFirstOf); services apply stricter per-field maxima on top.
const MaxFirst = 100

// maxFirstOf is the largest page f may ask for: MaxFirst, except
// Query.changes, whose consumers read the log in bulk (changes.MaxPage;
// its cost still counts every event).
func maxFirstOf(f *ast.Field) int {
	if f.Name == "changes" && f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query" {
		return changes.MaxPage
	}
	return MaxFirst
}

// defaultPageSize is what a paged field costs when the caller gives no size.
const defaultPageSize = 20

// DefaultLimits are the limits per role; higher roles get more room.
var DefaultLimits = map[auth.Role]Limits{
	auth.Anonymous: {MaxDepth: 10, MaxCost: 5000, MaxAliases: 15, MaxTokens: 1000, MaxDocumentBytes: 10 << 10},
	auth.Partner:   {MaxDepth: 12, MaxCost: 20000, MaxAliases: 30, MaxTokens: 3000, MaxDocumentBytes: 32 << 10},
	auth.Staff:     {MaxDepth: 15, MaxCost: 50000, MaxAliases: 50, MaxTokens: 5000, MaxDocumentBytes: 64 << 10},
	auth.Admin:     {MaxDepth: 15, MaxCost: 50000, MaxAliases: 50, MaxTokens: 5000, MaxDocumentBytes: 64 << 10},
}

func init() {
	// Refusals before execution are request errors: 400 under
	// application/graphql-response+json.
	for _, c := range []apperr.Code{apperr.QueryTooComplex, apperr.BadUserInput, apperr.Forbidden} {
		errcode.RegisterErrorType(string(c), errcode.KindProtocol)
	}
}

// queryLimits is the gqlgen extension enforcing Limits: size and tokens
// before parsing, depth, cost, aliases and page sizes after validation.
type queryLimits struct {
	byRole map[auth.Role]Limits
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension          = queryLimits{}
	_ graphql.OperationParameterMutator = queryLimits{}
	_ graphql.OperationContextMutator   = queryLimits{}
)

func (queryLimits) ExtensionName() string                   { return "QueryLimits" }
func (queryLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (q queryLimits) limits(ctx context.Context) Limits {
	if l, ok := q.byRole[auth.FromContext(ctx).Role]; ok {
		return l
	}
	return q.byRole[auth.Anonymous]
}

func tooComplex(limit string, max, actual int) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("query too complex: %s %d exceeds the limit of %d", limit, actual, max),
		Extensions: map[string]any{
			"code": string(apperr.QueryTooComplex), "limit": limit, "max": max, "actual": actual,
		},
	}
}

// MutateOperationParameters checks document size and token count before
// the parser spends work on the document.
func (q queryLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	l := q.limits(ctx)
	if n := len(p.Query); n > l.MaxDocumentBytes {
		return tooComplex("documentBytes", l.MaxDocumentBytes, n)
	}
	if n := countTokens(p.Query, l.MaxTokens+1); n > l.MaxTokens {
		return tooComplex("tokens", l.MaxTokens, n)
	}
	return nil
}

// countTokens counts the document's tokens, stopping after stop.
func countTokens(doc string, stop int) int {
	lx := lexer.New(&ast.Source{Input: doc})
	n := 0
	for n < stop {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		n++
	}
	return n
}

// MutateOperationContext measures the validated operation.
func (q queryLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	l := q.limits(ctx)
	m := measurer{vars: oc.Variables, schema: q.schema, frags: map[string]measure{}}
	got := m.selections(oc.Operation.SelectionSet)
	if m.badFirst != nil {
		return m.badFirst
	}
	var err *gqlerror.Error
	switch {
	case got.depth > l.MaxDepth:
		err = tooComplex("depth", l.MaxDepth, got.depth)
	case got.aliases > l.MaxAliases:
		err = tooComplex("aliases", l.MaxAliases, got.aliases)
	case got.cost > l.MaxCost:
		err = tooComplex("cost", l.MaxCost, got.cost)
	default:
		return nil
	}
	// The whole operation is over the limit: point at it.
	err.Locations = locationOf(oc.Operation.Position)
	return err
}

// locationOf is the document location of a parsed node, for
// errors[].locations; none when the position is unknown.
func locationOf(p *ast.Position) []gqlerror.Location {
	if p == nil || p.Line == 0 {
		return nil
	}
	return []gqlerror.Location{{Line: p.Line, Column: p.Column}}
}

type measure struct{ depth, cost, aliases int }

type measurer struct {
	vars     map[string]any
	schema   *ast.Schema
	frags    map[string]measure // each fragment is measured once
	badFirst *gqlerror.Error
}

// costCap keeps the arithmetic from overflowing on absurd documents.
const costCap = 1 << 40

func (m *measurer) selections(set ast.SelectionSet) measure {
	var out measure
	add := func(x measure) {
		out.depth = max(out.depth, x.depth)
		out.cost = min(out.cost+x.cost, costCap)
		out.aliases += x.aliases
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			add(m.field(s))
		case *ast.InlineFragment:
			add(m.selections(s.SelectionSet))
		case *ast.FragmentSpread:
			x, ok := m.frags[s.Name]
			if !ok && s.Definition != nil {
				m.frags[s.Name] = measure{} // validation rejects cycles; be safe anyway
				x = m.selections(s.Definition.SelectionSet)
				m.frags[s.Name] = x
			}
			add(x)
		}
	}
	return out
}

func (m *measurer) field(f *ast.Field) measure {
	aliased := 0
	if f.Alias != "" && f.Alias != f.Name {
		aliased = 1
	}
	if strings.HasPrefix(f.Name, "__") {
		return measure{aliases: aliased}
	}
	child := m.selections(f.SelectionSet)
	size := m.pageSize(f)
	return measure{
		depth:   1 + child.depth,
		cost:    min(1+size*child.cost, costCap),
		aliases: aliased + child.aliases,
	}
}

// pageSize returns the field's `first`/`last` (also one level inside an
// input object), checking it against MaxFirst; 1 for unpaged fields.
func (m *measurer) pageSize(f *ast.Field) int {
	args := f.ArgumentMap(m.vars)
	size, paged := 0, false
	check := func(field string, v any) {
		n, ok := asInt(v)
		if !ok {
			return
		}
		if most := maxFirstOf(f); (n < 0 || n > most) && m.badFirst == nil {
			m.badFirst = &gqlerror.Error{
				Message:    fmt.Sprintf("%s must be between 0 and %d", field, most),
				Path:       ast.Path{ast.PathName(f.Alias)},
				Locations:  locationOf(f.Position),
				Extensions: map[string]any{"code": string(apperr.BadUserInput), "field": field, "min": 0, "max": most},
			}
		}
		size, paged = max(size, n), true
	}
	for name, v := range args {
		switch name {
		case "first", "last":
			check(name, v)
		default:
			if obj, ok := v.(map[string]any); ok {
				for _, k := range []string{"first", "last"} {
					check(name+"."+k, obj[k])
				}
			}
		}
	}
	if paged {
		return max(size, 1)
	}
	if f.Definition != nil && m.hasPageArg(f.Definition) {
		return defaultPageSize
	}
	return 1
}

func (m *measurer) hasPageArg(def *ast.FieldDefinition) bool {
	for _, a := range def.Arguments {
		if a.Name == "first" || a.Name == "last" {
			return true
		}
		if m.schema != nil && a.Type != nil {
			if t := m.schema.Types[a.Type.Name()]; t != nil && t.Kind == ast.InputObject && t.Fields.ForName("first") != nil {
				return true
			}
		}
	}
	return false
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(max(min(n, 1<<31), -(1 << 31))), true
	case float64:
		return int(max(min(n, 1<<31), -(1 << 31))), true
	case interface{ Int64() (int64, error) }:
		x, err := n.Int64()
		if err != nil {
			return MaxFirst + 1, true
		}
		return asInt(x)
	}
	return 0, false
}

// introspectionGate allows schema introspection in development mode and,
// in production, to signed-in callers only.
type introspectionGate struct{ everyone bool }

func (introspectionGate) ExtensionName() string                   { return "IntrospectionGate" }
func (introspectionGate) Validate(graphql.ExecutableSchema) error { return nil }

func (g introspectionGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = !g.everyone && auth.FromContext(ctx).Role == auth.Anonymous
	if !oc.DisableIntrospection || oc.Operation == nil {
		return nil
	}
	// Refuse before execution, as a request error with the field's
	// location, rather than let the introspection fields fail one by one.
	if f := introspectionField(oc.Operation.SelectionSet, map[string]bool{}); f != nil {
		return &gqlerror.Error{
			Message:    "introspection is available to signed-in callers only",
			Locations:  locationOf(f.Position),
			Extensions: map[string]any{"code": string(apperr.Forbidden)},
		}
	}
	return nil
}

// introspectionField returns the first __schema or __type field of set,
// fragments included.
func introspectionField(set ast.SelectionSet, seen map[string]bool) *ast.Field {
	for _, sel := range set {
		var inner ast.SelectionSet
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return s
			}
			inner = s.SelectionSet
		case *ast.InlineFragment:
			inner = s.SelectionSet
		case *ast.FragmentSpread:
			if seen[s.Name] || s.Definition == nil {
				continue
			}
			seen[s.Name] = true
			inner = s.Definition.SelectionSet
		}
		if f := introspectionField(inner, seen); f != nil {
			return f
		}
	}
	return nil
}
