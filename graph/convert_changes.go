package graph

import (
	"context"

	"chainmatch/graph/model"
	"chainmatch/internal/changes"
)

// changeConnection turns a page of the change log into its connection.
func changeConnection(p changes.Page) *model.ChangeEventConnection {
	c := &model.ChangeEventConnection{
		Edges:    make([]model.ChangeEventEdge, len(p.Events)),
		PageInfo: &model.PageInfo{HasNextPage: p.HasMore},
	}
	for i := range p.Events {
		cur := changes.Cursor(p.Events[i].Seq).String()
		c.Edges[i] = model.ChangeEventEdge{Cursor: cur, Node: &p.Events[i]}
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
	}
	return c
}

// eventPointers forwards a stream of events as gqlgen's subscription
// channel wants them; a stream that fails ends the subscription with its
// error.
func eventPointers(ctx context.Context, feed *changes.Feed) <-chan *changes.Event {
	out := make(chan *changes.Event)
	go func() {
		defer close(out)
		for e := range feed.C {
			select {
			case out <- &e:
			case <-ctx.Done():
				return
			}
		}
		endSubscription(ctx, feed.Err())
	}()
	return out
}

// changeNode resolves node(id:) for change events through the change
// service, which applies its access rules; nil when the caller may not
// see the event or it is gone.
func (r *Resolver) changeNode(ctx context.Context, key string) (model.Node, error) {
	return foundNode(r.Changes.Event(ctx, key))
}

// optID is nil for "" (an absent id).
func optID(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

// deref is "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
