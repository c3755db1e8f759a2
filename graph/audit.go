package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/internal/auth"
)

// auditTrail records every executed mutation field in the audit trail, in
// the same request, after the response is complete. It sits in gqlgen's
// operation chain rather than in each service so that a new mutation is
// covered without anyone remembering to call it. Operations refused before
// execution (parse, validation, limits) changed nothing and are not
// recorded; refusals during execution (FORBIDDEN, BAD_USER_INPUT, ...) are,
// with ok=false. A failed audit write is logged and does not fail the
// request, whose write has already been committed.
type auditTrail struct {
	access *auth.Service
	log    *slog.Logger
}

// maxAuditIDs bounds the ids kept per entry (a bulk import names many).
const maxAuditIDs = 200

func (auditTrail) ExtensionName() string                   { return "AuditTrail" }
func (auditTrail) Validate(graphql.ExecutableSchema) error { return nil }

func (a auditTrail) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rh := next(ctx)
	oc := graphql.GetOperationContext(ctx)
	if a.access == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return rh
	}
	return func(ctx context.Context) *graphql.Response {
		resp := rh(ctx)
		if resp == nil {
			return nil
		}
		entries := auditEntries(ctx, oc, resp)
		// The write happened; record it even if the request's deadline passed.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := a.access.Record(actx, entries); err != nil {
			a.log.ErrorContext(ctx, "audit write failed", "err", err, "request_id", RequestID(ctx), "fields", len(entries))
		}
		return resp
	}
}

func auditEntries(ctx context.Context, oc *graphql.OperationContext, resp *graphql.Response) []auth.AuditEntry {
	p := auth.FromContext(ctx)
	var data map[string]json.RawMessage
	_ = json.Unmarshal(resp.Data, &data)
	var out []auth.AuditEntry
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		e := auth.AuditEntry{
			ActorID: p.ID, ActorRole: p.Role, OperationName: oc.OperationName, Field: f.Name,
			ArgumentIDs: idsIn(f.ArgumentMap(oc.Variables), "", nil),
			OK:          true, RequestID: RequestID(ctx),
		}
		if e.OperationName == "" {
			e.OperationName = oc.Operation.Name
		}
		if code := errorCodeAt(resp.Errors, f.Alias); code != "" {
			e.OK, e.ErrorCode = false, code
		}
		var result any
		if raw, ok := data[f.Alias]; ok {
			_ = json.Unmarshal(raw, &result)
		}
		if e.OK && result == nil {
			e.OK = false // data went null without an error on this field
		}
		e.ResultIDs = idsIn(result, "", nil)
		out = append(out, e)
	}
	return out
}

// errorCodeAt returns the code of the first error under alias, or of an
// error without a path (which concerns the whole operation).
func errorCodeAt(errs gqlerror.List, alias string) string {
	for _, err := range errs {
		if len(err.Path) > 0 {
			if name, ok := err.Path[0].(ast.PathName); !ok || string(name) != alias {
				continue
			}
		}
		if code, ok := err.Extensions["code"].(string); ok {
			return code
		}
		return "INTERNAL"
	}
	return ""
}

// idsIn collects string values under keys that name objects: id, *Id,
// *Ids, uscc and code.
func idsIn(v any, key string, acc []string) []string {
	if len(acc) >= maxAuditIDs {
		return acc
	}
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			acc = idsIn(vv, k, acc)
		}
	case []any:
		for _, vv := range x {
			acc = idsIn(vv, key, acc)
		}
	case string:
		if key == "id" || key == "uscc" || key == "code" || strings.HasSuffix(key, "Id") || strings.HasSuffix(key, "Ids") {
			acc = append(acc, x)
		}
	}
	if acc == nil {
		acc = []string{}
	}
	return acc
}
