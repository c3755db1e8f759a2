// Shared pieces of the explorer's browser tests: a `page` that records
// console errors and requests to other origins (and fails the test on
// either), the "view has settled" wait, the demo graph's pages, and widths.
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

/** The server under test (playwright.config.ts `baseURL`). */
export const BASE = (process.env.CHAINMATCH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
/** A staff (or admin) key for the sign-in steps. */
export const STAFF_KEY = process.env.CHAINMATCH_E2E_STAFF_KEY ?? '';

/** Desktop and phone widths every page is checked at. */
export const DESKTOP = { width: 1360, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const PHONE_WIDTHS = [360, 390, 430];

/** Everything the explorer did wrong during a test. */
export interface Trouble {
  consoleErrors: string[];
  foreign: string[];
  graphqlLangs: string[];
}

/** Console errors that are not the browser reporting an HTTP status the app handles. */
export const realErrors = (errs: string[]) => errs.filter((e) => !/status of (4\d\d|503)/.test(e));

/** Records trouble on a page. */
export function watch(page: Page, into: Trouble): void {
  const origin = new URL(BASE).origin;
  page.on('console', (m) => m.type() === 'error' && into.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => into.consoleErrors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) into.foreign.push(r.url());
    if (u.pathname === '/graphql') into.graphqlLangs.push(r.headers()['accept-language'] ?? '');
  });
}

/** `test` with `trouble`: every test fails on a console error or a request to another origin. */
export const test = base.extend<{ trouble: Trouble }>({
  trouble: [
    async ({ page }, use) => {
      const t: Trouble = { consoleErrors: [], foreign: [], graphqlLangs: [] };
      watch(page, t);
      await use(t);
      expect(t.foreign, 'requests to other origins').toEqual([]);
      expect(realErrors(t.consoleErrors), 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

/** Waits until the view under `scope` has finished loading (data, empty or error) and fails on an error box. */
export async function settled(page: Page, scope = 'main'): Promise<void> {
  await page.waitForFunction((s) => {
    const root = document.querySelector(s);
    return !!root && !root.querySelector('[data-testid=loading]') && root.children.length > 0;
  }, scope);
  const err = page.locator(`${scope} [data-testid=error]`).first();
  if (await err.count()) throw new Error(`page shows error ${await err.getAttribute('data-code')}: ${await err.innerText()}`);
}

/** Runs one GraphQL operation against the server (to find the demo graph's pages), anonymously or with a key. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'accept-language': 'zh-CN' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Pages of the demo graph (deterministic data, so the same ids every run). */
export interface DemoPages {
  firm: string;
  chain: string;
  gapProduct: string;
  /** The oldest SIGNED lead of the demo pipeline (what-if and settle shown). */
  lead: string;
}

let demo: Promise<DemoPages> | undefined;

/** The USCC of the demo firm the page screenshots show. */
export const DEMO_FIRM_USCC = '91330411004BAW7550';

/** The demo firm, and the first chain with gaps. */
export function demoPages(): Promise<DemoPages> {
  demo ??= (async () => {
    // A fixed local PV firm of the deterministic demo graph (嘉兴临峰光伏科技,
    // with suppliers, customers and supplier matches): a firm picked by a
    // query could change with the tests that write before this one.
    const e = await gql<{ enterprise: { id: string } | null }>(
      'query($u:String!){enterprise(uscc:$u){id}}',
      { u: DEMO_FIRM_USCC },
    );
    if (!e.enterprise) throw new Error(`demo firm ${DEMO_FIRM_USCC} not in the graph`);
    const firm = e.enterprise.id;
    const c = await gql<{ chains: { id: string }[] }>('{chains{id}}');
    for (const ch of c.chains) {
      const g = await gql<{ chainGaps: { product: { id: string } }[] }>(
        'query($c:ID!){chainGaps(chainId:$c,first:1){product{id}}}',
        { c: ch.id },
      );
      if (g.chainGaps.length) return { firm, chain: ch.id, gapProduct: g.chainGaps[0].product.id, lead: await demoLead() };
    }
    throw new Error('no chain with gaps in the demo graph');
  })();
  return demo;
}

/** The oldest SIGNED lead of the demo pipeline (deterministic: fixed clock and ids). */
async function demoLead(): Promise<string> {
  const l = await gql<{ leads: { edges: { node: { id: string } }[] } }>(
    '{leads(filter:{stage:[SIGNED]},first:100){edges{node{id}}}}',
    {},
    STAFF_KEY,
  );
  const edges = l.leads.edges;
  if (!edges.length) throw new Error('no SIGNED lead in the demo pipeline');
  return edges[edges.length - 1].node.id;
}

/** A page of the explorer: its path under /explorer/, what shows it has loaded, and whether it needs a staff key. */
export interface ExplorerPage {
  name: string;
  path: string;
  ready: string;
  staff?: boolean;
}

/** The explorer's pages, each as a path under /explorer/ and what shows it has loaded; the staff-only ones last. */
export async function explorerPages(): Promise<ExplorerPage[]> {
  const d = await demoPages();
  const firm = `/explorer/firm/${encodeURIComponent(d.firm)}`;
  return [
    { name: 'home', path: '/explorer/', ready: '[data-testid=chains] .tile' },
    { name: 'firm', path: firm, ready: '[data-testid=firm-name]' },
    { name: 'matches', path: `${firm}?tab=matches`, ready: '[data-testid=matches]' },
    { name: 'network', path: `${firm}?tab=network`, ready: '[data-testid=network-list]' },
    { name: 'settlement', path: `${firm}?tab=settlement`, ready: '[data-testid=settlement]' },
    { name: 'chain', path: `/explorer/chain/${encodeURIComponent(d.chain)}?product=${encodeURIComponent(d.gapProduct)}`, ready: '[data-testid=gap-panel] [data-testid=match]' },
    { name: 'dashboard', path: '/explorer/dashboard', ready: '[data-testid=district-chart]' },
    { name: 'leads', path: '/explorer/leads', ready: '[data-testid=stage-column] [data-testid=lead-card]', staff: true },
    { name: 'lead', path: `/explorer/lead/${encodeURIComponent(d.lead)}`, ready: '[data-testid=activities]', staff: true },
  ];
}

/**
 * Opens a page in a language (zh or en, stored as the explorer stores it),
 * signed in with the staff key or not, and waits until it has settled.
 */
export async function openPage(page: Page, path: string, ready: string, lang: 'zh' | 'en' = 'zh', staff = false): Promise<void> {
  await page.addInitScript((l) => localStorage.setItem('chainmatch.lang', l), lang);
  // Init scripts add up and run in order: the last one decides whether a key is set.
  await page.addInitScript((k) => (k ? sessionStorage.setItem('chainmatch.apiKey', k) : sessionStorage.removeItem('chainmatch.apiKey')), staff ? STAFF_KEY : '');
  // The dashboard's yearly pace depends on the year: fix the clock so pages look the same every run.
  await page.clock.setFixedTime(new Date('2026-06-01T10:00:00+08:00'));
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  await expect(page.locator(ready).first()).toBeVisible();
  await settled(page);
}
