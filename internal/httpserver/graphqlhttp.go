package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"chainmatch/internal/apperr"
	"chainmatch/internal/telemetry"
)

// GraphQL over HTTP (https://graphql.github.io/graphql-over-http/):
// responses are application/graphql-response+json when the client accepts
// it (request errors then get 4xx) and application/json otherwise (200 for
// every well-formed request). POST bodies must be application/json, which
// also keeps browsers from sending "simple" cross-site requests (CSRF):
// text/plain, form and multipart bodies get 415. GET runs queries only.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// wantsGraphQLResponse reports whether the client accepts the
// graphql-response media type.
func wantsGraphQLResponse(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == mediaGraphQLResponse && params["q"] != "0" {
			return true
		}
	}
	return false
}

// writeGraphQLError answers with a GraphQL error response in the media type
// the client accepts.
func writeGraphQLError(w http.ResponseWriter, r *http.Request, status int, code apperr.Code, msg string, ext map[string]any) {
	e := map[string]any{"code": string(code)}
	if id := telemetry.TraceID(r.Context()); id != "" {
		e["traceId"] = id
	}
	for k, v := range ext {
		e[k] = v
	}
	ct := mediaJSON
	if wantsGraphQLResponse(r) {
		ct = mediaGraphQLResponse
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": e}}})
}

// graphqlHTTP enforces the transport rules before gqlgen sees the request;
// graph's transport does the rest (media types, status codes, no data
// member on request errors).
func graphqlHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if !utf8.ValidString(r.URL.RawQuery) || !validUTF8Values(r) {
				writeGraphQLError(w, r, http.StatusBadRequest, apperr.BadUserInput, "the request is not valid UTF-8", map[string]any{"field": "query"})
				return
			}
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != mediaJSON {
				writeGraphQLError(w, r, http.StatusUnsupportedMediaType, apperr.BadUserInput,
					"POST bodies must be application/json", map[string]any{"field": "Content-Type"})
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, apperr.BadUserInput,
						"request body too large", map[string]any{"field": "body", "max": tooBig.Limit})
					return
				}
				writeGraphQLError(w, r, http.StatusBadRequest, apperr.BadUserInput, "could not read the request body", map[string]any{"field": "body"})
				return
			}
			if !utf8.Valid(body) {
				writeGraphQLError(w, r, http.StatusBadRequest, apperr.BadUserInput, "the request body is not valid UTF-8", map[string]any{"field": "body"})
				return
			}
			trimmed := bytes.TrimLeft(body, " \t\r\n")
			if len(trimmed) > 0 && trimmed[0] == '[' {
				writeGraphQLError(w, r, http.StatusBadRequest, apperr.BadUserInput,
					"batched requests are not supported; send one operation per request", map[string]any{"field": "body"})
				return
			}
			if !json.Valid(body) || len(trimmed) == 0 || trimmed[0] != '{' {
				writeGraphQLError(w, r, http.StatusBadRequest, apperr.BadUserInput,
					"the body must be a JSON object with query, variables, operationName and extensions", map[string]any{"field": "body"})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST")
			writeGraphQLError(w, r, http.StatusMethodNotAllowed, apperr.BadUserInput, "use GET for queries or POST", map[string]any{"field": "method"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func validUTF8Values(r *http.Request) bool {
	for k, vs := range r.URL.Query() {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}
