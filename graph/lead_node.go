package graph

import (
	"context"

	"chainmatch/graph/model"
	"chainmatch/internal/gid"
)

// leadNode resolves node(id:) for leads and their activities through the
// lead service, which refuses partners and anonymous callers before it
// looks anything up; ok is false for other types.
func (r *Resolver) leadNode(ctx context.Context, t gid.Type, key string) (n model.Node, ok bool, err error) {
	switch t {
	case gid.Lead:
		n, err := foundNode(r.Leads.Get(ctx, key))
		return n, true, err
	case gid.LeadActivity:
		n, err := foundNode(r.Leads.GetActivity(ctx, key))
		return n, true, err
	}
	return nil, false, nil
}
