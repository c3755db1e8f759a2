// The explorer's main story and the bundled GraphiQL, against a real
// chainmatch on the demo data: search 光伏 -> a firm -> ranked supplier
// matches -> supply network -> its chain, a gap and its candidates ->
// English -> settlement options -> dashboard -> staff sign-in; error states;
// GraphiQL. Steps run in order (later ones use what earlier ones found) and
// each gets a fresh page; screenshots of every step go to E2E_OUTPUT.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { BASE, STAFF_KEY, demoPages, expect, realErrors, settled, test, watch, type Trouble } from './fixtures';

const OUT = process.env.E2E_OUTPUT ?? fileURLToPath(new URL('../../test-output/explorer/', import.meta.url));
mkdirSync(OUT, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });

const state: { firmUrl?: string; chainUrl?: string; visitorUrl?: string | null; firmName?: string } = {};
/** Trouble over the whole story, checked by the last step. */
const story: Trouble = { consoleErrors: [], foreign: [], graphqlLangs: [] };

test.beforeEach(({ page }) => watch(page, story));

// The story: each step uses what the ones before it found, so a failure skips the rest of it.
test.describe.serial('story', () => {
  test('home page loads with chains', async ({ page }) => {
    await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
    await expect(page.getByTestId('search-input')).toBeVisible();
    await settled(page);
    await expect(page.locator('[data-testid=chains] .tile').first()).toBeVisible();
    await shot(page, '01-home');
    test.info().annotations.push({ type: 'tiles', description: String(await page.locator('[data-testid=chains] .tile').count()) });
  });

  test('search "光伏" shows type-ahead hits', async ({ page }) => {
    await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
    await page.getByTestId('search-input').fill('光伏');
    await expect(page.getByTestId('search-hit').first()).toBeVisible();
    const kinds = await page.getByTestId('search-hit').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds, 'a firm among the hits').toContain('Enterprise');
    await shot(page, '02-search');
  });

  test('open a firm and see ranked supplier matches with reasons', async ({ page }) => {
    await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
    const input = page.getByTestId('search-input');
    // Try the firm hits in order until one has supplier matches.
    for (let i = 0; i < 6; i++) {
      if (i > 0) await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
      await input.fill('光伏');
      const hits = page.locator('[data-testid=search-hit][data-kind=Enterprise]');
      await expect(hits.first()).toBeVisible();
      if (i >= Math.min(await hits.count(), 6)) break;
      await hits.nth(i).dispatchEvent('mousedown');
      await expect(page.getByTestId('firm-name')).toBeVisible();
      await settled(page);
      if (i === 0) await shot(page, '03-firm');
      state.firmUrl = page.url();
      await page.getByTestId('tab-matches').click();
      await expect(page.locator('main').locator('[data-testid=matches], [data-testid=empty], [data-testid=error]').first()).toBeVisible();
      await settled(page);
      if (await page.getByTestId('match').count()) break;
    }
    const matches = page.getByTestId('match');
    const count = await matches.count();
    expect(count, 'a firm with supplier matches').toBeGreaterThan(0);
    const reasons = await matches.first().locator('[data-testid=reasons] li').allInnerTexts();
    expect(reasons.length > 0 && reasons.every((r) => r.trim()), 'first match has reasons').toBe(true);
    // Ordered by fit tier (makers of the very product first), then score
    // (docs/matching.md): within a tier the score bars descend.
    const ranked = await matches.evaluateAll((els) =>
      els.map((e) => ({
        tier: e.querySelector('[data-testid=fit]')?.classList.contains('exact') ? 0 : 1,
        width: parseFloat((e.querySelector('.scorebar .fill') as HTMLElement).style.width),
      })),
    );
    const inOrder = ranked.every((m, i) => i === 0 || m.tier > ranked[i - 1].tier || (m.tier === ranked[i - 1].tier && m.width <= ranked[i - 1].width + 1e-9));
    expect(inOrder, `fit tier, then score bars descending: ${JSON.stringify(ranked)}`).toBe(true);
    await matches.first().locator('[data-testid=breakdown] summary').click();
    await expect(page.locator('[data-testid=breakdown] table').first()).toBeVisible();
    state.firmName = await page.getByTestId('firm-name').innerText();
    await shot(page, '04-supplier-matches');
  });

  test('supply network graph draws and a node opens that firm', async ({ page }) => {
    expect(state.firmUrl, 'a firm from the previous step').toBeTruthy();
    await page.goto(state.firmUrl!, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('tab-network').click();
    await expect(page.locator('main').locator('[data-testid=network] canvas, [data-testid=empty]').first()).toBeVisible();
    await settled(page);
    test.skip(await page.getByTestId('empty').count() > 0, 'firm has no recorded relations (empty state shown)');
    const nodes = Number(await page.getByTestId('network').getAttribute('data-nodes'));
    expect(nodes, 'the graph has neighbours').toBeGreaterThan(1);
    await expect(page.getByTestId('network')).toHaveAttribute('data-drawn', 'true');
    await shot(page, '05-network');
    // The list beside the graph opens a neighbour, as tapping its node does.
    const first = page.locator('[data-testid=network-list] a').first();
    const name = (await first.innerText()).trim();
    await first.click();
    await expect(page.getByTestId('firm-name')).toHaveText(name);
  });

  test("open the firm's chain, see gaps and a gap's candidates", async ({ page }) => {
    await page.goto(state.firmUrl!, { waitUntil: 'domcontentloaded' });
    await expect(page.getByTestId('firm-name')).toBeVisible();
    const chains = await page.getByTestId('firm-chain').evaluateAll((els) => els.map((a) => (a as HTMLAnchorElement).href));
    expect(chains.length, 'firm lists chains').toBeGreaterThan(0);
    let found = false;
    const tryChains = async (hrefs: string[]) => {
      for (const href of hrefs) {
        await page.goto(href, { waitUntil: 'domcontentloaded' });
        await expect(page.getByTestId('chain')).toBeVisible();
        await settled(page);
        if (await page.getByTestId('gap').count()) return true;
      }
      return false;
    };
    found = await tryChains(chains);
    if (!found) {
      // Fall back to any chain on the start page.
      await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
      await expect(page.locator('[data-testid=chains] .tile').first()).toBeVisible();
      const all = await page.locator('[data-testid=chains] .tile').evaluateAll((els) => els.map((a) => (a as HTMLAnchorElement).href).filter((h) => h.includes('/chain/')));
      found = await tryChains(all);
    }
    expect(found, 'a chain with gaps').toBe(true);
    const segments = await page.getByTestId('segment').count();
    expect(segments).toBeGreaterThan(0);
    const gap = page.getByTestId('gap').first();
    await gap.click();
    await expect(page.getByTestId('gap-panel')).toBeVisible();
    await settled(page, '[data-testid=gap-panel]');
    const cands = page.locator('[data-testid=gap-panel] [data-testid=match]');
    expect(await cands.count(), 'the most severe gap has candidates').toBeGreaterThan(0);
    state.chainUrl = page.url();
    state.visitorUrl = await cands.first().locator('.who a').getAttribute('href');
    await shot(page, '06-chain-gap-candidates');
  });

  test('switch the interface to English (Accept-Language follows)', async ({ page, trouble }) => {
    await page.goto(state.chainUrl!, { waitUntil: 'domcontentloaded' });
    await expect(page.locator('[data-testid=gap-panel] [data-testid=match]').first()).toBeVisible();
    const before = trouble.graphqlLangs.length;
    await page.getByTestId('lang-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('[data-testid=gap-panel] [data-testid=match]').first()).toBeVisible();
    await settled(page);
    const sent = trouble.graphqlLangs.slice(before);
    expect(sent.length > 0 && sent.every((l) => l.startsWith('en')), `Accept-Language after switch: ${sent.join(' | ')}`).toBe(true);
    await expect(page.locator('.legend').first()).toContainText('Gap severity');
    await shot(page, '07-english');
    // Reasons come from the server in the requested language: English ones start with a Latin letter or digit.
    const reasons = await page.locator('[data-testid=gap-panel] [data-testid=reasons] li').allInnerTexts();
    const chinese = reasons.filter((r) => /^[\u3400-\u9fff]/.test(r.trim()));
    expect(chinese, 'server reasons in English after Accept-Language: en').toEqual([]);
  });

  test('settlement options for a visiting firm', async ({ page }) => {
    expect(state.visitorUrl, 'a visiting firm from the gap candidates').toBeTruthy();
    await page.goto(`${BASE}${state.visitorUrl}?tab=settlement`, { waitUntil: 'domcontentloaded' });
    await expect(page.getByTestId('firm-name')).toBeVisible();
    await expect(page.locator('main').locator('[data-testid=settlement], [data-testid=empty], [data-testid=error]').first()).toBeVisible();
    await settled(page);
    expect(await page.locator('[data-testid=settlement] > li').count(), 'settlement options').toBeGreaterThan(0);
    expect(await page.locator('[data-testid=settlement] [data-testid=reasons] li').count(), 'settlement options with reasons').toBeGreaterThan(0);
    await shot(page, '08-settlement');
  });

  test('cultivation dashboard against the 2027 targets', async ({ page }) => {
    await page.goto(state.visitorUrl ? `${BASE}${state.visitorUrl}` : '/explorer/', { waitUntil: 'domcontentloaded' });
    await page.getByTestId('nav-dashboard').click();
    await expect(page.getByTestId('national-progress')).toBeVisible();
    await settled(page);
    expect(await page.locator('[data-testid=district-chart] rect').count(), 'district bars').toBeGreaterThan(0);
    await shot(page, '09-dashboard');
  });

  test('sign in as staff and see contact details', async ({ page }) => {
    expect(STAFF_KEY, 'CHAINMATCH_E2E_STAFF_KEY').toBeTruthy();
    await page.goto(state.firmUrl!, { waitUntil: 'domcontentloaded' });
    await expect(page.getByTestId('contact-signin')).toBeVisible();
    await page.getByTestId('signin').click();
    await page.getByTestId('signin-key').fill(STAFF_KEY);
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signed-in')).toBeVisible();
    await expect(page.getByTestId('contact')).toBeVisible();
    await settled(page);
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('chainmatch.apiKey') !== null, local: Object.keys(localStorage).filter((k) => k.includes('apiKey')).length }));
    expect(stored, 'key kept in sessionStorage only').toEqual({ session: true, local: 0 });
    await shot(page, '10-staff-contact');
  });
});

// Independent of the story.
test('a rejected key is reported and not kept', async ({ page }) => {
  await page.goto(`/explorer/firm/${encodeURIComponent((await demoPages()).firm)}`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('signin').click();
  await page.getByTestId('signin-key').fill('cm_not_a_real_key_000000');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('chainmatch.apiKey')), 'rejected key not kept').toBeNull();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('signin-dialog')).toBeHidden();
});

test('errors from the server are shown: DATABASE_UNAVAILABLE', async ({ page }) => {
  await page.route('**/graphql', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: null, errors: [{ message: 'database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }] }) }),
  );
  await page.goto('/explorer/dashboard', { waitUntil: 'domcontentloaded' });
  await expect(page.locator('[data-testid=error][data-code=DATABASE_UNAVAILABLE]')).toBeVisible();
  await shot(page, '11-error-state');
  await page.unroute('**/graphql');
  await page.locator('[data-testid=error] button').click();
  await expect(page.getByTestId('national-progress')).toBeVisible();
});

test('deep link to an unknown firm shows a clear state, not a blank page', async ({ page }) => {
  await page.goto('/explorer/firm/does-not-exist', { waitUntil: 'domcontentloaded' });
  await expect(page.locator('main').locator('[data-testid=empty], [data-testid=error]').first()).toBeVisible();
  expect((await page.locator('main').innerText()).trim().length, 'not a blank page').toBeGreaterThan(0);
});

// GraphiQL is bundled into the same build and served at / and /graphiql.
/** Clicks GraphiQL's run button until the request carries `operation`, and returns the visible response once it holds `text`. */
async function runInGraphiQL(page: Page, operation: string, text: string) {
  let request: import('@playwright/test').Request | undefined;
  // GraphiQL picks up a new tab's operation name 100 ms after the editor
  // changes (debounced): run again until the request names the operation.
  await expect(async () => {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && r.request().method() === 'POST' && !r.request().postData()?.includes('IntrospectionQuery'), { timeout: 5000 });
    await page.locator('.graphiql-execute-button').click();
    const res = await answered;
    expect(res.status(), 'POST /graphql status').toBe(200);
    expect(res.request().postData(), 'the operation sent').toContain(operation);
    request = res.request();
  }).toPass({ timeout: 20_000 });
  await expect(page.locator('.graphiql-response')).toContainText(text);
  // Monaco draws spaces as no-break spaces.
  return { request: request!, text: (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ') };
}

test('GraphiQL at /graphiql runs the default search and shows data', async ({ page }) => {
  await page.goto('/graphiql', { waitUntil: 'domcontentloaded' });
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toBeVisible();
  await expect(page.locator('.graphiql-query-editor')).toContainText('search(');
  const { request, text } = await runInGraphiQL(page, 'query Search', '"data"');
  expect(request.headers().authorization, 'no Authorization header without a stored key').toBeUndefined();
  const names = [...text.matchAll(/"name": "([^"]*光伏[^"]*)"/g)].map((m) => m[1]);
  expect(names.length, `光伏 names in the response pane: ${text.slice(0, 200)}`).toBeGreaterThan(0);
  expect(text).not.toMatch(/"errors"/);
  await shot(page, '13-graphiql-search');
  const root = await (await fetch(`${BASE}/`)).text();
  expect(root, 'GET / serves GraphiQL').toContain('<title>chainmatch GraphiQL</title>');
});

test('GraphiQL sends the stored key and runs the supplierMatches example', async ({ page }) => {
  expect(STAFF_KEY, 'CHAINMATCH_E2E_STAFF_KEY').toBeTruthy();
  await page.goto('/graphiql', { waitUntil: 'domcontentloaded' });
  await page.evaluate((k) => sessionStorage.setItem('chainmatch.apiKey', k), STAFF_KEY);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toBeVisible();
  await page.locator('.graphiql-tab-button', { hasText: 'SupplierMatches' }).click();
  await expect(page.locator('.graphiql-query-editor')).toContainText('supplierMatches');
  const { request, text } = await runInGraphiQL(page, 'query SupplierMatches', '"candidate"');
  expect(request.headers().authorization, 'stored key sent as Authorization: Bearer').toBe(`Bearer ${STAFF_KEY}`);
  const firms = [...text.matchAll(/"name": "([^"]*有限公司)"/g)].map((m) => m[1]);
  expect(firms.length, `candidate firms in the response pane: ${text.slice(0, 200)}`).toBeGreaterThan(0);
  await shot(page, '14-graphiql-supplier-matches');
});

test('no request left the server, no script errors', async () => {
  expect(story.foreign, 'requests to other origins').toEqual([]);
  expect(realErrors(story.consoleErrors), 'console errors').toEqual([]);
});
