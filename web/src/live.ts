// Live updates: GraphQL subscriptions over WebSocket on the same endpoint
// (graphql-transport-ws, the protocol of the graphql-ws client), signed in
// with the API key in connection_init. The client reconnects by itself
// with capped exponential back-off and jitter, except when the server
// refuses the key (close 4403): callers fall back to polling while the
// connection is down (see views/alerts.ts).
import { createClient, type Client } from 'graphql-ws';
import { endpoint } from './api';

/** The WebSocket URL of a GraphQL endpoint given as a path or an http(s) URL. */
export function websocketURL(graphql: string, base: string): string {
  const u = new URL(graphql, base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/** The delay before reconnect attempt `retries` (0, 1, ...): 1 s doubling to 30 s, with full jitter. */
export function reconnectDelay(retries: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1000 * 2 ** retries);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** graphql-transport-ws close codes after which reconnecting cannot help. */
const FATAL_CLOSE = new Set([4400, 4401, 4403, 4406, 4409]);

export interface LiveHandlers<T> {
  /** One result of the subscription. */
  next(data: T): void;
  /** The connection is (again) up: anything missed while it was down must be read again. */
  connected(): void;
  /** The connection is down (it is being retried unless the key was refused). */
  disconnected(): void;
}

/**
 * Subscribes with the API key until the returned function is called. The
 * handlers say when the connection goes up and down so that the caller can
 * poll in between.
 */
export function subscribe<T>(query: string, operationName: string, apiKey: string, h: LiveHandlers<T>): () => void {
  let client: Client | undefined;
  try {
    client = createClient({
      url: websocketURL(endpoint(), location.href),
      connectionParams: { authorization: `Bearer ${apiKey}` },
      lazy: true,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) => new Promise<void>((resolve) => setTimeout(resolve, reconnectDelay(retries))),
      shouldRetry: (e) => !(typeof e === 'object' && e !== null && 'code' in e && FATAL_CLOSE.has((e as CloseEvent).code)),
      on: {
        connected: () => h.connected(),
        closed: () => h.disconnected(),
      },
    });
  } catch {
    h.disconnected(); // no WebSocket in this browser: the caller polls
    return () => {};
  }
  const stop = client.subscribe<T>(
    { query, operationName },
    {
      next: (r) => {
        if (r.data) h.next(r.data);
      },
      error: () => h.disconnected(),
      complete: () => {},
    },
  );
  return () => {
    stop();
    void client?.dispose();
  };
}
