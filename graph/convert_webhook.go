package graph

import (
	"context"

	"chainmatch/graph/model"
	"chainmatch/internal/changes"
	"chainmatch/internal/webhook"
)

func webhookInput(in model.WebhookInput) webhook.Input {
	out := webhook.Input{URL: in.URL, Kinds: make([]string, len(in.Kinds))}
	for i, k := range in.Kinds {
		out.Kinds[i] = string(k)
	}
	if in.Alerts != nil {
		out.Alerts = *in.Alerts
	}
	return out
}

func changeKindsToGraph(kinds []string) []changes.Kind {
	out := make([]changes.Kind, len(kinds))
	for i, k := range kinds {
		out[i] = changes.Kind(k)
	}
	return out
}

func webhookDeliveryConnection(p webhook.DeliveryPage) *model.WebhookDeliveryConnection {
	c := &model.WebhookDeliveryConnection{Edges: make([]model.WebhookDeliveryEdge, len(p.Deliveries))}
	cursors := make([]string, len(p.Deliveries))
	for i := range p.Deliveries {
		d := &p.Deliveries[i]
		cursors[i] = webhook.EncodeCursor(webhook.Cursor{At: d.At, Key: d.Key})
		c.Edges[i] = model.WebhookDeliveryEdge{Node: d, Cursor: cursors[i]}
	}
	c.PageInfo = pageInfo(cursors, p.HasNextPage, p.HasPreviousPage)
	return c
}

// webhookNode resolves node(id:) for a webhook: only its owner gets it;
// anyone else gets null, as for an id that does not exist.
func (r *Resolver) webhookNode(ctx context.Context, key string) (model.Node, error) {
	return foundNode(r.Webhooks.Get(ctx, key))
}
