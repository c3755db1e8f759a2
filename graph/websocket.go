package graph

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"chainmatch/internal/auth"
)

// WebsocketOptions turn on subscriptions over WebSocket
// (graphql-transport-ws) on the GraphQL endpoint.
type WebsocketOptions struct {
	// Authenticate turns the `authorization` entry of connection_init's
	// payload ("Bearer ...") into a principal, as the HTTP layer does
	// with the Authorization header.
	Authenticate func(ctx context.Context, header string) (auth.Principal, error)
	// Origins are the browser origins allowed to connect: the CORS
	// allow-list (entries such as https://example.org; "*" for any).
	// Requests without an Origin header (non-browser clients) and
	// same-host origins are always allowed.
	Origins []string
	// PingInterval is how often the server pings (default 20 s); a client
	// that does not answer within twice that is disconnected.
	PingInterval time.Duration
}

// closeForbidden is graphql-transport-ws's close code for a refused
// connection_init.
const closeForbidden = 4403

// websocketTransport is gqlgen's WebSocket transport (both subprotocols;
// graphql-transport-ws is the one documented) with chainmatch's
// authentication in connection_init and origin check.
func websocketTransport(o WebsocketOptions) transport.Websocket {
	ping := o.PingInterval
	if ping <= 0 {
		ping = 20 * time.Second
	}
	return transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: originPatterns(o.Origins)},
		},
		InitTimeout:      10 * time.Second,
		PingPongInterval: ping,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			principal := auth.FromContext(ctx) // from the upgrade request's Authorization header, if any
			if h := p.Authorization(); h != "" {
				var err error
				if principal, err = o.Authenticate(ctx, h); err != nil {
					return refuse(ctx, "invalid credential")
				}
			}
			if principal.Role == auth.Anonymous {
				return refuse(ctx, `sign in: send {"authorization": "Bearer <API key or token>"} in connection_init`)
			}
			return auth.WithPrincipal(ctx, principal), nil, nil
		},
	}
}

func refuse(ctx context.Context, msg string) (context.Context, *transport.InitPayload, error) {
	ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
	ctx = transport.AppendCloseReason(ctx, "Forbidden")
	return ctx, nil, errors.New(msg)
}

// originPatterns turns the CORS allow-list into coder/websocket's host
// patterns.
func originPatterns(origins []string) []string {
	var out []string
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		} else if o != "" {
			out = append(out, o)
		}
	}
	return out
}
