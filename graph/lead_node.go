package graph

import (
	"context"
	"errors"

	"chainmatch/graph/model"
	"chainmatch/internal/apperr"
	"chainmatch/internal/gid"
)

// leadNode resolves node(id:) for leads and their activities through the
// lead service, which refuses partners and anonymous callers before it
// looks anything up; ok is false for other types.
func (r *Resolver) leadNode(ctx context.Context, t gid.Type, key string) (n model.Node, ok bool, err error) {
	switch t {
	case gid.Lead:
		l, err := r.Leads.Get(ctx, key)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, true, nil
		}
		if err != nil {
			return nil, true, err
		}
		return &l, true, nil
	case gid.LeadActivity:
		a, err := r.Leads.GetActivity(ctx, key)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, true, nil
		}
		if err != nil {
			return nil, true, err
		}
		return &a, true, nil
	}
	return nil, false, nil
}
