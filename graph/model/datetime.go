package model

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"chainmatch/internal/apperr"
)

// MarshalDateTime writes t as an RFC 3339 string in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an RFC 3339 string with any offset and returns
// the instant in UTC. Anything else is BAD_USER_INPUT; the error presenter
// names the input field from the error's path.
func UnmarshalDateTime(v any) (time.Time, error) {
	const msg = "a DateTime must be an RFC 3339 string such as 2026-12-01T08:30:00Z"
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Invalid("", msg)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &apperr.Error{Code: apperr.BadUserInput, Message: msg, Err: fmt.Errorf("parse %q: %w", s, err)}
	}
	return t.UTC(), nil
}
