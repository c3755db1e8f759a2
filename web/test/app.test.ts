// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from '../src/api';
import { BASE, href, parseRoute } from '../src/app';
import { getApiKey, setApiKey } from '../src/auth';
import { ApiError } from '../src/errors';
import { setLang } from '../src/i18n';
import { filtersFromParams, matchInput, savedSearchInput } from '../src/views/firm';
import { hitHref } from '../src/views/search';
import { gapIndex } from '../src/views/chain';

afterEach(() => {
  vi.unstubAllGlobals();
  setApiKey(null);
  setLang('zh');
});

describe('routes', () => {
  it('live under /explorer', () => {
    expect(BASE).toBe('/explorer');
    expect(parseRoute('/explorer/', '').name).toBe('home');
    expect(parseRoute('/explorer', '').name).toBe('home');
    expect(parseRoute('/explorer/dashboard', '').name).toBe('dashboard');
    const r = parseRoute('/explorer/firm/RW50ZXJwcmlzZTox%3D', '?tab=matches');
    expect(r).toMatchObject({ name: 'firm', id: 'RW50ZXJwcmlzZTox=' });
    expect(r.params.get('tab')).toBe('matches');
    expect(parseRoute('/explorer/chain/abc/extra', '').name).toBe('notfound');
    expect(parseRoute('/explorer/leads', '?stage=x').name).toBe('leads');
    expect(parseRoute('/explorer/leads/x', '').name).toBe('notfound');
    expect(parseRoute('/explorer/lead/TGVhZDox', '')).toMatchObject({ name: 'lead', id: 'TGVhZDox' });
    expect(parseRoute('/explorer/lead', '').name).toBe('notfound');
    expect(href('chain/x', { product: 'p', empty: '' })).toBe('/explorer/chain/x?product=p');
  });

  it('search hits lead to firms, chains and products within their chain', () => {
    expect(hitHref({ score: 1, node: { __typename: 'Enterprise', id: 'e1', name: 'a', nameEn: null, isLocal: true, uscc: 'x', homeCity: null, district: null } })).toBe('/explorer/firm/e1');
    expect(hitHref({ score: 1, node: { __typename: 'IndustrialChain', id: 'c1', name: 'pv', nameEn: null, code: 'PV' } })).toBe('/explorer/chain/c1');
    expect(
      hitHref({ score: 1, node: { __typename: 'Product', id: 'p1', name: 'g', nameEn: null, code: 'G', segment: { id: 's', name: 's', nameEn: null, chain: { id: 'c1', name: 'pv', nameEn: null } } } }),
    ).toBe('/explorer/chain/c1?product=p1');
    expect(hitHref({ score: 1, node: { __typename: 'Product', id: 'p1', name: 'g', nameEn: null, code: 'G', segment: null } })).toBeUndefined();
  });
});

describe('match filters', () => {
  it('default to local supplier matches', () => {
    expect(filtersFromParams(new URLSearchParams())).toEqual({ kind: 'supplier', localOnly: true, maxDistanceKm: undefined, designation: undefined });
    expect(matchInput('e1', filtersFromParams(new URLSearchParams()))).toEqual({ enterpriseId: 'e1', localOnly: true, first: 20 });
  });

  it('turn URL parameters into a MatchInput, ignoring junk', () => {
    const f = filtersFromParams(new URLSearchParams('kind=partner&local=0&km=50&d=NATIONAL_LITTLE_GIANT'));
    expect(matchInput('e1', f)).toEqual({ enterpriseId: 'e1', localOnly: false, first: 20, maxDistanceKm: 50, designations: ['NATIONAL_LITTLE_GIANT'] });
    expect(filtersFromParams(new URLSearchParams('kind=evil&km=-3&d=KING'))).toEqual({ kind: 'supplier', localOnly: true, maxDistanceKm: undefined, designation: undefined });
  });
});

describe('save this search', () => {
  it('turns the match filters into a SavedSearchInput named after the firm and kind', () => {
    setLang('zh');
    const f = filtersFromParams(new URLSearchParams('kind=customer&local=0&km=25&d=SINGLE_CHAMPION'));
    expect(savedSearchInput({ id: 'e1', name: '嘉兴示例', nameEn: 'Demo' }, f, '客户匹配')).toEqual({
      name: '嘉兴示例 · 客户匹配', kind: 'CUSTOMER', enterpriseId: 'e1', localOnly: false, maxDistanceKm: 25, designations: ['SINGLE_CHAMPION'],
    });
    expect(savedSearchInput({ id: 'e2', name: '甲' }, filtersFromParams(new URLSearchParams()), 'x').kind).toBe('SUPPLIER');
  });
});

describe('gapIndex', () => {
  it('keeps the rank of the first gap per product', () => {
    const g = (id: string, severity: number) => ({ segment: { id: 's' }, product: { id, name: id, nameEn: null, code: id }, localDemand: 1, localSupply: 0, severity });
    const idx = gapIndex([g('a', 1), g('b', 0.5), g('a', 0.2)]);
    expect(idx.get('a')?.rank).toBe(0);
    expect(idx.get('b')?.rank).toBe(1);
  });
});

describe('request', () => {
  function stubFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
    const fn = vi.fn(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers }));
    vi.stubGlobal('fetch', fn);
    return fn;
  }

  it('sends the language and the key, keeping the key in sessionStorage only', async () => {
    const fn = stubFetch(200, { data: { ok: 1 } });
    setLang('en');
    setApiKey('  secret-key ');
    expect(getApiKey()).toBe('secret-key');
    expect(localStorage.length).toBe(0);
    const res = await request('query { ok }', { a: 1 }, 'Op');
    expect(res).toEqual({ data: { ok: 1 }, errors: [] });
    const [url, init] = fn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    const h = init.headers as Record<string, string>;
    expect(h['Accept-Language']).toMatch(/^en/);
    expect(h.Authorization).toBe('Bearer secret-key');
    expect(JSON.parse(init.body as string)).toEqual({ query: 'query { ok }', variables: { a: 1 }, operationName: 'Op' });
  });

  it('sends no Authorization when signed out', async () => {
    const fn = stubFetch(200, { data: {} });
    await request('query { ok }');
    expect((fn.mock.calls[0] as unknown as [string, RequestInit])[1].headers).not.toHaveProperty('Authorization');
  });

  it('returns partial data with its errors', async () => {
    stubFetch(200, { data: { e: { contact: null } }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] });
    const res = await request('q');
    expect(res.errors[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('throws ApiError with the contract code when there is no data', async () => {
    stubFetch(200, { data: null, errors: [{ message: 'db down', extensions: { code: 'DATABASE_UNAVAILABLE' } }] });
    await expect(request('q')).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    stubFetch(429, 'slow down', { 'Retry-After': '9' });
    await expect(request('q')).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 9 } });
    stubFetch(401, { errors: [{ message: 'bad key', extensions: { code: 'UNAUTHENTICATED' } }] });
    await expect(request('q')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    stubFetch(502, '<html>bad gateway</html>');
    await expect(request('q')).rejects.toMatchObject({ code: 'HTTP', details: { status: 502 } });
  });

  it('reports an unreachable server as NETWORK', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = await request('q').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('NETWORK');
  });
});
