package graph

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

// Unclassified errors are logged with the request id and shown as INTERNAL
// with that id only; database errors are shown generically.
func TestPresentErrorHidesInternals(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	ctx := WithRequestID(context.Background(), "req-42")
	cause := fmt.Errorf("Neo.ClientError.Statement.SyntaxError: MATCH (n {secret: 'cm_x'}) at /work/main/internal/store/neo4j/enterprise.go:12")
	for _, tc := range []struct {
		err  error
		code apperr.Code
		msg  string
	}{
		{cause, apperr.Internal, "internal error (request id req-42)"},
		{&gqlerror.Error{Message: "wrapped", Err: cause}, apperr.Internal, "internal error (request id req-42)"},
		{fmt.Errorf("%w: %w", apperr.ErrUnavailable, cause), apperr.DatabaseUnavailable, "the database is unavailable; try again shortly"},
		{&apperr.Error{Code: apperr.Forbidden, Message: "role STAFF required", Err: cause}, apperr.Forbidden, "role STAFF required"},
	} {
		got := presentError(ctx, log, tc.err, false)
		if got.Extensions["code"] != string(tc.code) || got.Message != tc.msg {
			t.Errorf("%v: got %q %v", tc.err, got.Message, got.Extensions)
		}
		if s := fmt.Sprint(got.Message, got.Extensions); strings.Contains(s, "MATCH") || strings.Contains(s, ".go:") || strings.Contains(s, "cm_x") {
			t.Errorf("leak: %s", s)
		}
	}
	if !strings.Contains(logs.String(), "req-42") || !strings.Contains(logs.String(), "SyntaxError") {
		t.Errorf("cause not logged with the request id: %s", logs.String())
	}
}

func TestSuggestionsHiddenFromAnonymousCallers(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	err := &gqlerror.Error{Message: `Cannot query field "chainz" on type "Query". Did you mean "chains"?`}
	if got := presentError(context.Background(), log, err, false); strings.Contains(got.Message, "Did you mean") {
		t.Errorf("anonymous: %q", got.Message)
	}
	err = &gqlerror.Error{Message: `Cannot query field "chainz" on type "Query". Did you mean "chains"?`}
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{ID: "k", Role: auth.Partner})
	if got := presentError(ctx, log, err, false); !strings.Contains(got.Message, "Did you mean") {
		t.Errorf("partner: %q", got.Message)
	}
}

func TestCountTokens(t *testing.T) {
	if n := countTokens(`{ chains { code name } }`, 100); n != 7 {
		t.Fatalf("got %d", n)
	}
	if n := countTokens(strings.Repeat("a ", 5000), 1001); n != 1001 {
		t.Fatalf("stop: %d", n)
	}
}

// TestPresentErrorShapesEveryCode covers the codes no HTTP test provokes
// (cmd/chainmatch TestEveryErrorCodeHasItsShape does the others): each
// keeps its code and carries the extensions docs/errors.md promises.
func TestPresentErrorShapesEveryCode(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	ctx := WithRequestID(context.Background(), "req-7")
	for _, tc := range []struct {
		err  error
		code apperr.Code
		ext  string
	}{
		{&apperr.Error{Code: apperr.Conflict, Message: "lead changed meanwhile", Extensions: map[string]any{"currentVersion": 4}}, apperr.Conflict, "currentVersion"},
		{fmt.Errorf("read: %w", apperr.ErrUnavailable), apperr.DatabaseUnavailable, ""},
		{fmt.Errorf("boom"), apperr.Internal, "requestId"},
		{apperr.OutOfRange("first", 1, 50, "must be between 1 and 50"), apperr.BadUserInput, "max"},
		{apperr.Missing("input.enterpriseId", "no enterprise has this id"), apperr.NotFound, "field"},
	} {
		got := presentError(ctx, log, tc.err, false)
		if got.Extensions["code"] != string(tc.code) || (tc.ext != "" && got.Extensions[tc.ext] == nil) {
			t.Errorf("%v: %v", tc.err, got.Extensions)
		}
	}
}
