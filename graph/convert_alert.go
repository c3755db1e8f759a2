package graph

import (
	"context"

	"chainmatch/graph/model"
	"chainmatch/internal/alert"
	"chainmatch/internal/changes"
	"chainmatch/internal/gid"
)

func saveInput(in model.SavedSearchInput) alert.SaveInput {
	return alert.SaveInput{
		Name: in.Name, Kind: in.Kind, EnterpriseID: in.EnterpriseID, ProductIDs: in.ProductIds,
		LocalOnly: in.LocalOnly, MaxDistanceKm: in.MaxDistanceKm, Designations: in.Designations, MinScore: in.MinScore,
	}
}

func savedSearchConnection(p alert.SearchPage) *model.SavedSearchConnection {
	c := &model.SavedSearchConnection{Edges: make([]model.SavedSearchEdge, len(p.Searches))}
	cursors := make([]string, len(p.Searches))
	for i := range p.Searches {
		s := &p.Searches[i]
		cursors[i] = alert.EncodeCursor(alert.Cursor{At: s.CreatedAt, ID: s.ID})
		c.Edges[i] = model.SavedSearchEdge{Node: s, Cursor: cursors[i]}
	}
	c.PageInfo = pageInfo(cursors, p.HasNextPage, p.HasPreviousPage)
	return c
}

func matchAlertConnection(p alert.AlertPage) *model.MatchAlertConnection {
	c := &model.MatchAlertConnection{Edges: make([]model.MatchAlertEdge, len(p.Alerts))}
	cursors := make([]string, len(p.Alerts))
	for i := range p.Alerts {
		a := &p.Alerts[i]
		cursors[i] = alert.EncodeCursor(alert.Cursor{At: a.CreatedAt, ID: a.ID})
		c.Edges[i] = model.MatchAlertEdge{Node: a, Cursor: cursors[i]}
	}
	c.PageInfo = pageInfo(cursors, p.HasNextPage, p.HasPreviousPage)
	return c
}

// alertNode resolves node(id:) for saved searches and match alerts through
// the alert service (partners their own, staff and admins all; anything
// else is null, as an unknown id); ok is false for other types.
func (r *Resolver) alertNode(ctx context.Context, t gid.Type, key string) (n model.Node, ok bool, err error) {
	switch t {
	case gid.SavedSearch:
		n, err := foundNode(r.Searches.Get(ctx, key))
		return n, true, err
	case gid.MatchAlert:
		n, err := foundNode(r.Searches.GetAlert(ctx, key))
		return n, true, err
	}
	return nil, false, nil
}

// causeEvent is the change an alert keeps as the ChangeEvent it renders.
func causeEvent(c alert.Change) *changes.Event {
	return &changes.Event{ID: c.ID, Seq: c.Seq, Kind: changes.Kind(c.Kind), EntityID: c.EntityID,
		RelatedID: c.RelatedID, ProductID: c.ProductID, At: c.At}
}

// alertStream hands the service's alerts to gqlgen until ctx ends.
func alertStream(ctx context.Context, in <-chan alert.Alert) <-chan *alert.Alert {
	out := make(chan *alert.Alert)
	go func() {
		defer close(out)
		for a := range in {
			select {
			case out <- &a:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
