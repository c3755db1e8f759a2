// App state: the current route, a cache of loaded resources, and re-rendering.
import { request, type Result } from './api';
import { getApiKey } from './auth';
import type { GraphQLErrorItem } from './errors';
import { getLang } from './i18n';

/** Where chainmatch mounts the explorer (vite.config.ts `base` must agree). */
export const BASE = '/explorer';

export interface Route {
  name: 'home' | 'firm' | 'chain' | 'dashboard' | 'leads' | 'lead' | 'notfound';
  id?: string;
  params: URLSearchParams;
}

/** Parses /explorer/firm/<id>?tab=... into a route. */
export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  let rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  rest = rest.replace(/^\/+|\/+$/g, '');
  if (rest === '') return { name: 'home', params };
  const [head, id, ...more] = rest.split('/');
  if (head === 'dashboard' && !id) return { name: 'dashboard', params };
  if (head === 'leads' && !id) return { name: 'leads', params };
  if ((head === 'firm' || head === 'chain' || head === 'lead') && id && more.length === 0) {
    return { name: head, id: decodeURIComponent(id), params };
  }
  return { name: 'notfound', params };
}

export function href(path: string, params?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v != null && v !== '') q.set(k, v);
  const qs = q.toString();
  return `${BASE}/${path}${qs ? `?${qs}` : ''}`;
}

export const firmHref = (id: string, params?: Record<string, string | undefined>) => href(`firm/${encodeURIComponent(id)}`, params);
export const chainHref = (id: string, params?: Record<string, string | undefined>) => href(`chain/${encodeURIComponent(id)}`, params);
export const leadHref = (id: string) => href(`lead/${encodeURIComponent(id)}`);

let renderer: () => void = () => {};
let scheduled = false;

export function setRenderer(fn: () => void): void {
  renderer = fn;
}

/** Re-renders on the next microtask; many calls collapse into one. */
export function rerender(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    renderer();
  });
}

export function currentRoute(): Route {
  return parseRoute(location.pathname, location.search);
}

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  if (!replace) window.scrollTo(0, 0);
  rerender();
}

/** Click handler for in-app links: no page load for plain left clicks. */
export function linkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLElement).closest('a');
  if (!a || !a.href || a.target) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}

export interface Resource<T> {
  status: 'loading' | 'ok' | 'error';
  data?: T;
  error?: unknown;
  partial?: GraphQLErrorItem[];
}

interface Entry {
  r: Resource<unknown>;
  document: string;
  variables: object;
  operationName?: string;
}

const cache = new Map<string, Entry>();

function load<T>(r: Resource<T>, document: string, variables: object, operationName?: string): void {
  request<T, object>(document, variables, operationName).then(
    (res: Result<T>) => {
      r.status = 'ok';
      r.data = res.data;
      r.error = undefined;
      r.partial = res.errors.length ? res.errors : undefined;
      rerender();
    },
    (err: unknown) => {
      r.status = 'error';
      r.error = err;
      rerender();
    },
  );
}

/**
 * The resource for one operation and its variables, fetched on first use.
 * The cache key includes the language (reasons are localised) and whether
 * a key is set (contact details depend on it). T and V are the operation's
 * generated types (./gql/operations.ts).
 */
export function resource<T, V extends object = Record<string, never>>(document: string, variables: V = {} as V, operationName?: string): Resource<T> {
  const key = JSON.stringify([operationName ?? document.slice(0, 80), variables, getLang(), getApiKey() ?? '']);
  const hit = cache.get(key);
  if (hit) return hit.r as Resource<T>;
  const r: Resource<T> = { status: 'loading' };
  cache.set(key, { r, document, variables, operationName });
  load(r, document, variables, operationName);
  return r;
}

/** Forgets failed resources (retry) or everything (sign-in, language). */
export function invalidate(all = false): void {
  for (const [k, e] of cache) if (all || e.r.status === 'error') cache.delete(k);
  rerender();
}

/**
 * After a write: loads the named operations again in place. Their views keep
 * showing the old data (and keep the focus) until the new answer arrives.
 * Any other resource that may show what changed is forgotten, so it loads
 * afresh when it is next shown.
 */
export function refresh(operationNames: string[]): void {
  for (const [k, e] of cache) {
    if (e.operationName && operationNames.includes(e.operationName) && e.r.status === 'ok') load(e.r, e.document, e.variables, e.operationName);
    else if (e.operationName !== 'Viewer') cache.delete(k);
  }
  rerender();
}
