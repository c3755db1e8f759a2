package graph

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/internal/apperr"
)

// variableInputError turns gqlgen's coercion error for a variable value
// (an unknown enum value, a wrong type: path "variable", name, ...) into
// BAD_USER_INPUT naming the argument field the variable feeds, e.g.
// `NEAR is not a valid ProductFit` at variable.in.fits[1] used as
// `input: $in` becomes field "input.fits[1]". It reports false for any
// other error.
func variableInputError(ctx context.Context, gerr *gqlerror.Error) bool {
	if len(gerr.Path) < 2 {
		return false
	}
	if root, ok := gerr.Path[0].(ast.PathName); !ok || root != "variable" {
		return false
	}
	name, ok := gerr.Path[1].(ast.PathName)
	if !ok {
		return false
	}
	field := string(name)
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
			if arg := argumentFed(oc.Operation.SelectionSet, string(name)); arg != "" {
				field = arg
			}
		}
	}
	field += pathSuffix(gerr.Path[2:])
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	gerr.Extensions["code"] = string(apperr.BadUserInput)
	gerr.Extensions["field"] = field
	return true
}

// argumentFed returns the path of the first argument (or input-object
// field inside one) whose value is the variable name, "" if none.
func argumentFed(set ast.SelectionSet, name string) string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if p := valuePath(a.Value, name, a.Name); p != "" {
					return p
				}
			}
			if p := argumentFed(s.SelectionSet, name); p != "" {
				return p
			}
		case *ast.InlineFragment:
			if p := argumentFed(s.SelectionSet, name); p != "" {
				return p
			}
		}
	}
	return ""
}

func valuePath(v *ast.Value, name, at string) string {
	if v == nil {
		return ""
	}
	if v.Kind == ast.Variable && v.Raw == name {
		return at
	}
	for _, c := range v.Children {
		sub := at
		if v.Kind == ast.ObjectValue {
			sub = at + "." + c.Name
		}
		if p := valuePath(c.Value, name, sub); p != "" {
			return p
		}
	}
	return ""
}

// pathSuffix renders the rest of a variable path: ".name" and "[i]".
func pathSuffix(p ast.Path) string {
	var b strings.Builder
	for _, e := range p {
		switch x := e.(type) {
		case ast.PathName:
			b.WriteString("." + string(x))
		case ast.PathIndex:
			b.WriteString("[" + strconv.Itoa(int(x)) + "]")
		}
	}
	return b.String()
}
