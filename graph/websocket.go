package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
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
	// Recheck is how often a connection's credential is verified again
	// (default 10 s): when it no longer verifies (a revoked API key, an
	// expired token) or now gives another caller or role, the server
	// closes the connection with 4403 and its subscriptions end.
	Recheck time.Duration
}

// closeForbidden is graphql-transport-ws's close code for a refused
// connection_init.
const closeForbidden = 4403

// websocketTransport is gqlgen's WebSocket transport (both subprotocols;
// graphql-transport-ws is the one documented) with chainmatch's
// authentication in connection_init, origin check and credential recheck.
func websocketTransport(o WebsocketOptions) wsTransport {
	ping := o.PingInterval
	if ping <= 0 {
		ping = 20 * time.Second
	}
	recheck := o.Recheck
	if recheck <= 0 {
		recheck = 10 * time.Second
	}
	return wsTransport{transport.Websocket{
		Implementation: socketKeeper{transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: originPatterns(o.Origins)},
		}},
		InitTimeout:      10 * time.Second,
		PingPongInterval: ping,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			principal := auth.FromContext(ctx) // from the upgrade request's Authorization header, if any
			conn, _ := ctx.Value(wsConnKey{}).(*wsConn)
			credential := ""
			if conn != nil {
				credential = conn.header
			}
			if h := p.Authorization(); h != "" {
				var err error
				if principal, err = o.Authenticate(ctx, h); err != nil {
					return refuse(ctx, "invalid credential")
				}
				credential = h
			}
			if principal.Role == auth.Anonymous {
				return refuse(ctx, `sign in: send {"authorization": "Bearer <API key or token>"} in connection_init`)
			}
			ctx = context.WithValue(auth.WithPrincipal(ctx, principal), onWebsocketKey{}, true)
			if conn != nil && credential != "" {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				go conn.recheck(ctx, cancel, recheck, o.Authenticate, credential, principal)
			}
			return ctx, nil, nil
		},
	}}
}

// wsTransport is the WebSocket transport; it gives each connection a
// wsConn in its context, so that the credential recheck can close it.
type wsTransport struct{ transport.Websocket }

// Do serves one WebSocket connection.
func (t wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	c := &wsConn{header: r.Header.Get("Authorization")}
	t.Websocket.Do(w, r.WithContext(context.WithValue(r.Context(), wsConnKey{}, c)), exec)
}

type wsConnKey struct{}

// wsConn is what the server knows of one WebSocket connection.
type wsConn struct {
	header string // the upgrade request's Authorization header

	mu     sync.Mutex
	socket transport.WebsocketConn
}

// socketKeeper accepts connections with gqlgen's implementation and keeps
// each socket in its connection's wsConn.
type socketKeeper struct {
	transport.WebsocketImplementation
}

// Accept upgrades the request.
func (k socketKeeper) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	s, err := k.WebsocketImplementation.Accept(w, r, o)
	if c, ok := r.Context().Value(wsConnKey{}).(*wsConn); ok && err == nil {
		c.mu.Lock()
		c.socket = s
		c.mu.Unlock()
	}
	return s, err
}

// recheck verifies credential again every interval while ctx lasts; when
// it no longer verifies as principal, it closes the connection with 4403
// and ends ctx (and so every subscription of the connection). A failure to
// verify that is not a verdict on the credential (the database briefly
// unavailable) keeps the connection.
func (c *wsConn) recheck(ctx context.Context, cancel context.CancelFunc, every time.Duration,
	authenticate func(context.Context, string) (auth.Principal, error), credential string, principal auth.Principal) {
	defer cancel()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p, err := authenticate(ctx, credential)
		if err != nil && !errors.Is(err, auth.ErrInvalidCredential) {
			continue
		}
		if err == nil && p == principal {
			continue
		}
		c.mu.Lock()
		if c.socket != nil {
			_ = c.socket.WriteClose(closeForbidden, "Forbidden: the credential is no longer valid")
		}
		c.mu.Unlock()
		return
	}
}

type onWebsocketKey struct{}

// endSubscription ends a subscription whose stream failed with err (nil:
// it just ended) with an `error` message carrying err as the error
// presenter shows it. Only the WebSocket transport has a way to say so;
// elsewhere the subscription just completes.
func endSubscription(ctx context.Context, err error) {
	if err == nil || ctx.Err() != nil || ctx.Value(onWebsocketKey{}) == nil {
		return
	}
	rc := graphql.WithFreshResponseContext(ctx)
	graphql.AddError(rc, err)
	for _, e := range graphql.GetErrors(rc) {
		transport.AddSubscriptionError(ctx, e)
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
