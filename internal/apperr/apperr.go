// Package apperr defines the errors the service layer returns to clients:
// each carries one of the contract's error codes and, for bad input, the
// input field at fault. The GraphQL layer turns them into
// errors[].extensions; anything that is not an *Error is INTERNAL.
package apperr

import (
	"errors"
	"fmt"
)

// Code is a contract error code (errors[].extensions.code).
type Code string

// The contract's error codes.
const (
	BadUserInput        Code = "BAD_USER_INPUT"
	Unauthenticated     Code = "UNAUTHENTICATED"
	Forbidden           Code = "FORBIDDEN"
	NotFound            Code = "NOT_FOUND"
	QueryTooComplex     Code = "QUERY_TOO_COMPLEX"
	RateLimited         Code = "RATE_LIMITED"
	DatabaseUnavailable Code = "DATABASE_UNAVAILABLE"
	Internal            Code = "INTERNAL"
	// Conflict: a write carried an expectedVersion that is no longer
	// current, or a uniqueness rule refused it; extensions.currentVersion
	// says which version is current, when there is one.
	Conflict Code = "CONFLICT"
)

// The codes of requests refused before execution by the GraphQL engine
// itself (gqlgen's names, which clients such as Apollo know).
const (
	GraphQLParseFailed      Code = "GRAPHQL_PARSE_FAILED"
	GraphQLValidationFailed Code = "GRAPHQL_VALIDATION_FAILED"
	PersistedQueryNotFound  Code = "PERSISTED_QUERY_NOT_FOUND"
)

// Codes is every errors[].extensions.code the server can send, in the
// order docs/errors.md and the schema's description of Query list them
// (a test keeps the three in step).
var Codes = []Code{
	BadUserInput, Unauthenticated, Forbidden, NotFound, Conflict, QueryTooComplex,
	RateLimited, DatabaseUnavailable, Internal,
	GraphQLParseFailed, GraphQLValidationFailed, PersistedQueryNotFound,
}

// Error is a client-facing error.
type Error struct {
	Code    Code
	Field   string // input field at fault, for BAD_USER_INPUT and NOT_FOUND of an input id
	Message string
	// Extensions are extra, client-safe entries for errors[].extensions
	// (e.g. the limit a too-complex query hit).
	Extensions map[string]any
	Err        error // cause, never shown to clients
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// OutOfRange reports a number (a page size, a count, a length) outside
// min..max in field. Like every limit error it carries the limit as
// extensions.max (and min).
func OutOfRange(field string, min, max int, format string, args ...any) *Error {
	e := Invalid(field, format, args...)
	e.Extensions = map[string]any{"min": min, "max": max}
	return e
}

// Missing reports that the object an input field refers to does not exist.
func Missing(field, format string, args ...any) *Error {
	return &Error{Code: NotFound, Field: field, Message: fmt.Sprintf(format, args...)}
}

// StaleVersion reports that a write expected version expected of an object
// whose current version is current; nothing was changed.
func StaleVersion(field string, expected, current int) *Error {
	return &Error{Code: Conflict, Field: field,
		Message:    fmt.Sprintf("expected version %d, but the current version is %d: reload and try again", expected, current),
		Extensions: map[string]any{"currentVersion": current}}
}

// Sentinel errors the store returns and services translate or pass on.
var (
	// ErrNotFound means the addressed object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness or state rule of the graph refused the write.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means Neo4j could not be reached or answered in time.
	ErrUnavailable = errors.New("database unavailable")
)

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf classifies any error into a contract code.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return NotFound
	case errors.Is(err, ErrUnavailable):
		return DatabaseUnavailable
	}
	return Internal
}
