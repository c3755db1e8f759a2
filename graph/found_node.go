package graph

import (
	"errors"

	"chainmatch/graph/model"
	"chainmatch/internal/apperr"
)

// foundNode turns a service's lookup by key into node(id:)'s answer: the
// object, or null without an error when the id names nothing the caller
// may see (services answer NOT_FOUND for both, so neither leaks).
func foundNode[T any, P interface {
	*T
	model.Node
}](v T, err error) (model.Node, error) {
	if errors.Is(err, apperr.ErrNotFound) || apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return P(&v), nil
}
