// GraphiQL for chainmatch, bundled with everything it needs (React, Monaco
// and its workers, fonts as data: URIs) so the IDE works without internet.
// Served by the Go binary at / (development) and /graphiql; it talks to the
// same origin's /graphql and, when the explorer has stored an API key in
// sessionStorage, sends it as `Authorization: Bearer <key>`.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './page.css';

import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApiKey } from '../auth';
import { DEMO_TABS } from './examples';

/** Overridable with <meta name="chainmatch-graphql" content="...">, like the explorer's. */
const ENDPOINT = document.querySelector<HTMLMetaElement>('meta[name="chainmatch-graphql"]')?.content || '/graphql';

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };
type FetcherOpts = { headers?: Record<string, unknown> };
/** What GraphiQL accepts back from a fetcher (an execution result). */
type FetcherResult = Awaited<ReturnType<GraphiQLProps['fetcher']>>;

/** Posts the operation as JSON; headers typed in the IDE win over the stored key. */
async function fetcher(params: FetcherParams, opts?: FetcherOpts): Promise<FetcherResult> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  const key = getApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  for (const [name, value] of Object.entries(opts?.headers ?? {})) headers[name] = String(value);
  const res = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(params) });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    // Not GraphQL (a proxy's error page, say): show it rather than a blank pane.
    // Plain JSON errors, like the server's (GraphiQL's type says GraphQLError).
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] } as unknown as FetcherResult;
  }
}

// A namespace keeps this IDE's tabs and history apart from any other
// GraphiQL the browser has seen on this origin.
const NAMESPACE = 'chainmatch.graphiql:';
const storage: Storage = {
  get length() {
    return Object.keys(localStorage).filter((k) => k.startsWith(NAMESPACE)).length;
  },
  key: (i) => Object.keys(localStorage).filter((k) => k.startsWith(NAMESPACE))[i]?.slice(NAMESPACE.length) ?? null,
  getItem: (k) => localStorage.getItem(NAMESPACE + k),
  setItem: (k, v) => localStorage.setItem(NAMESPACE + k, v),
  removeItem: (k) => localStorage.removeItem(NAMESPACE + k),
  clear: () => Object.keys(localStorage).filter((k) => k.startsWith(NAMESPACE)).forEach((k) => localStorage.removeItem(k)),
};

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultTabs={DEMO_TABS} storage={storage} shouldPersistHeaders={false} defaultEditorToolsVisibility="variables" />
  </StrictMode>,
);
