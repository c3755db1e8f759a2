package graph

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/internal/apperr"
)

// GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/),
// as one gqlgen transport for GET and POST:
//
//   - The response is application/graphql-response+json when the client's
//     Accept lists it, application/json otherwise (also for */* and no
//     Accept at all).
//   - A request refused before execution (bad parameters, parse, validation,
//     variable coercion, limits, trusted documents) is a request error: its
//     body has `errors` and no `data` member; the status is 400 under
//     application/graphql-response+json and 200 under application/json,
//     except that bad parameters are 400 under both.
//   - A mutation over GET is 405 with `Allow: POST`.
//
// The HTTP layer (internal/httpserver) has already refused other methods,
// non-JSON POST bodies, invalid UTF-8 and batches.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// Supports takes every GET and POST that is not a protocol upgrade.
func (httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

// Do runs one request.
func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	graphqlResponse := acceptsGraphQLResponse(r.Header.Get("Accept"))
	ct := mediaJSON
	if graphqlResponse {
		ct = mediaGraphQLResponse
	}
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	ctx := r.Context()

	raw, perr := readParams(r)
	if perr != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{perr}))
		return
	}
	raw.Headers = r.Header
	raw.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, raw)
	if errs != nil {
		status := http.StatusOK
		if graphqlResponse {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		writeRequestError(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	if r.Method == http.MethodGet && oc.Operation != nil && oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{requestError(
			"GET runs queries only; send mutations by POST", "method")}))
		return
	}
	responses, rctx := exec.DispatchOperation(ctx, oc)
	resp := responses(rctx)
	if resp.HasNext != nil && *resp.HasNext {
		// @defer asked of a client that takes one response: wait for the
		// deferred parts and merge them in (the multipart/mixed transport
		// streams them to clients that accept it).
		resp = mergeDeferred(resp, func() *graphql.Response { return responses(rctx) })
	}
	b, err := json.Marshal(resp)
	if err != nil {
		panic(err) // gqlgen marshals its own response; never fails in practice
	}
	_, _ = w.Write(b)
}

// mergeDeferred folds the deferred parts that next yields into first's
// data at their paths, and their errors into first's errors, until a part
// says nothing follows.
func mergeDeferred(first *graphql.Response, next func() *graphql.Response) *graphql.Response {
	var data any
	_ = decodeJSON(first.Data, &data)
	out := &graphql.Response{Errors: first.Errors, Extensions: first.Extensions}
	for more := true; more; {
		part := next()
		if part == nil {
			break
		}
		more = part.HasNext != nil && *part.HasNext
		out.Errors = append(out.Errors, part.Errors...)
		var add map[string]any
		if decodeJSON(part.Data, &add) != nil {
			continue
		}
		if target, ok := at(data, part.Path).(map[string]any); ok {
			for k, v := range add {
				target[k] = v
			}
		}
	}
	out.Data, _ = json.Marshal(data)
	return out
}

// at follows a response path into decoded JSON; nil when it leads nowhere.
func at(v any, path ast.Path) any {
	for _, el := range path {
		switch p := el.(type) {
		case ast.PathName:
			m, _ := v.(map[string]any)
			v = m[string(p)]
		case ast.PathIndex:
			l, _ := v.([]any)
			if int(p) < 0 || int(p) >= len(l) {
				return nil
			}
			v = l[p]
		}
	}
	return v
}

// decodeJSON decodes keeping numbers exact.
func decodeJSON(raw []byte, dst any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	return dec.Decode(dst)
}

// acceptsGraphQLResponse reports whether the Accept header lists the
// graphql-response media type (with a non-zero quality).
func acceptsGraphQLResponse(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == mediaGraphQLResponse && params["q"] != "0" {
			return true
		}
	}
	return false
}

// requestError is a BAD_USER_INPUT about a request parameter.
func requestError(msg, field string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(apperr.BadUserInput), "field": field}}
}

// readParams reads query, operationName, variables and extensions from
// the URL (GET) or the JSON body (POST), checking their types.
func readParams(r *http.Request) (*graphql.RawParams, *gqlerror.Error) {
	var in struct {
		Query         json.RawMessage `json:"query"`
		OperationName json.RawMessage `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		for name, dst := range map[string]*json.RawMessage{"query": &in.Query, "operationName": &in.OperationName} {
			if q.Has(name) {
				b, _ := json.Marshal(q.Get(name))
				*dst = b
			}
		}
		for name, dst := range map[string]*json.RawMessage{"variables": &in.Variables, "extensions": &in.Extensions} {
			if v := q.Get(name); v != "" {
				if !json.Valid([]byte(v)) {
					return nil, requestError(name+" must be a JSON object", name)
				}
				*dst = json.RawMessage(v)
			}
		}
	} else {
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&in); err != nil {
			return nil, requestError("the body must be a JSON object with query, variables, operationName and extensions", "body")
		}
	}
	p := &graphql.RawParams{}
	if err := decodeOptional(in.Query, &p.Query); err != nil {
		return nil, requestError("query must be a string", "query")
	}
	if err := decodeOptional(in.OperationName, &p.OperationName); err != nil {
		return nil, requestError("operationName must be a string", "operationName")
	}
	if err := decodeObject(in.Variables, &p.Variables); err != nil {
		return nil, requestError("variables must be a JSON object", "variables")
	}
	if err := decodeObject(in.Extensions, &p.Extensions); err != nil {
		return nil, requestError("extensions must be a JSON object", "extensions")
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, requestError("the request has no query", "query")
	}
	return p, nil
}

// decodeOptional decodes a JSON string or null into dst.
func decodeOptional(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

// decodeObject decodes a JSON object or null into dst, keeping numbers
// exact (json.Number), as gqlgen's own transports do.
func decodeObject(raw json.RawMessage, dst *map[string]any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := decodeJSON(raw, &m); err != nil {
		return err
	}
	if m == nil {
		return errNotObject
	}
	*dst = m
	return nil
}

var errNotObject = &json.UnsupportedValueError{Str: "not an object"}

// writeRequestError writes a response with errors and no data member.
func writeRequestError(w http.ResponseWriter, resp *graphql.Response) {
	b, _ := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	_, _ = w.Write(b)
}
