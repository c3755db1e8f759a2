// End-to-end test of the explorer and the bundled GraphiQL in Debian's
// Chromium (playwright-core) against a real chainmatch on the demo data.
//
//   CHAINMATCH_URL            server (default http://127.0.0.1:8080)
//   CHAINMATCH_E2E_STAFF_KEY  a staff (or admin) API key; without it the sign-in step is skipped
//   E2E_OUTPUT                screenshot folder (default <repo>/test-output/explorer)
//   CHROMIUM                  browser binary (default /usr/bin/chromium)
//
// Prints one line per step and ends with "N passed, N failed"; exits 1 on any failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.CHAINMATCH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const STAFF_KEY = process.env.CHAINMATCH_E2E_STAFF_KEY ?? '';
const OUT = process.env.E2E_OUTPUT ?? fileURLToPath(new URL('../../test-output/explorer/', import.meta.url));
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 20000);
mkdirSync(OUT, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const state = {};

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    if (note === 'skip') {
      skipped++;
      console.log(`SKIP ${name}`);
      return;
    }
    passed++;
    console.log(`PASS ${name} (${Date.now() - t0} ms)${note ? ` — ${note}` : ''}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err?.message?.split('\n')[0] ?? err}`);
    await shot(`fail-${name.replace(/\W+/g, '-')}`).catch(() => {});
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

let page;
const shot = (name) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
const visible = (sel) => page.locator(sel).first().waitFor({ state: 'visible', timeout: TIMEOUT });

/** Waits until the view under `scope` has finished loading: data, empty or error. */
async function settled(scope = 'main') {
  await page.waitForFunction((s) => {
    const root = document.querySelector(s);
    return root && !root.querySelector('[data-testid=loading]') && root.children.length > 0;
  }, scope, { timeout: TIMEOUT });
  const err = await page.locator(`${scope} [data-testid=error]`).first();
  if (await err.count()) throw new Error(`page shows error ${await err.getAttribute('data-code')}: ${await err.innerText()}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'chainmatch-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1360, height: 900 },
  locale: 'zh-CN',
});
page = context.pages()[0] ?? (await context.newPage());

const consoleErrors = [];
const foreign = [];
const graphqlLangs = [];
page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
page.on('pageerror', (e) => consoleErrors.push(e.message));
page.on('request', (r) => {
  const u = new URL(r.url());
  if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(BASE).origin) foreign.push(r.url());
  if (u.pathname === '/graphql') graphqlLangs.push(r.headers()['accept-language'] ?? '');
});

try {
  await step('home page loads with chains', async () => {
    await page.goto(`${BASE}/explorer/`, { waitUntil: 'domcontentloaded' });
    await visible('[data-testid=search-input]');
    await settled();
    await visible('[data-testid=chains] .tile');
    await shot('01-home');
    return `${await page.locator('[data-testid=chains] .tile').count()} tiles`;
  });

  await step('search "光伏" shows type-ahead hits', async () => {
    await page.fill('[data-testid=search-input]', '光伏');
    await visible('[data-testid=search-hit]');
    const kinds = await page.locator('[data-testid=search-hit]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert(kinds.includes('Enterprise'), `no firm among hits: ${kinds.join(',')}`);
    await shot('02-search');
    return kinds.join(',');
  });

  // ---- issue 11 (search): pinyin initials and one Chinese character in the
  // type-ahead. A separate step so that it can be ported on its own.
  await step('type-ahead: "gf" suggests 光伏 and "氢" suggests 氢能 (issue 11)', async () => {
    const suggestions = async (text, want) => {
      await page.fill('[data-testid=search-input]', '');
      await page.fill('[data-testid=search-input]', text);
      await page.waitForFunction(
        (w) => [...document.querySelectorAll('[data-testid=search-hit]')].some((e) => e.textContent.includes(w)),
        want,
        { timeout: TIMEOUT },
      );
      return page.locator('[data-testid=search-hit]').evaluateAll((els) => els.map((e) => e.textContent.trim().split(/\s+/)[0]));
    };
    const gf = await suggestions('gf', '光伏');
    const h2 = await suggestions('氢', '氢能');
    await shot('02b-search-pinyin');
    await page.fill('[data-testid=search-input]', '');
    return `gf: ${gf.slice(0, 3).join(' ')}; 氢: ${h2.slice(0, 3).join(' ')}`;
  });
  // ---- end of issue 11's step

  await step('open a firm and see ranked supplier matches with reasons', async () => {
    // Try the firm hits in order until one has supplier matches. Local
    // firms: 嘉兴 starts their names (since issue 11 hits of one tier go by
    // name, and 光伏's first firm hits are visiting firms from 上海, 北京…).
    await page.fill('[data-testid=search-input]', '');
    await page.fill('[data-testid=search-input]', '嘉兴');
    await visible('[data-testid=search-hit][data-kind=Enterprise]');
    const hits = page.locator('[data-testid=search-hit][data-kind=Enterprise]');
    // PV firms first (the chain steps below expect a chain with gaps).
    const names = await hits.evaluateAll((els) => els.map((e) => e.textContent));
    const order = [...names.keys()].sort((a, b) => Number(!names[a].includes('光伏')) - Number(!names[b].includes('光伏')));
    const n = Math.min(order.length, 6);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (k > 0) {
        await page.fill('[data-testid=search-input]', '');
        await page.fill('[data-testid=search-input]', '嘉兴');
        await visible('[data-testid=search-hit]');
      }
      await page.locator('[data-testid=search-hit][data-kind=Enterprise]').nth(i).dispatchEvent('mousedown');
      await visible('[data-testid=firm-name]');
      await settled();
      if (k === 0) await shot('03-firm');
      state.firmUrl = page.url();
      await page.click('[data-testid=tab-matches]');
      await page.waitForFunction(() => document.querySelector('[data-testid=matches], [data-testid=empty], [data-testid=error]'), null, { timeout: TIMEOUT });
      await settled();
      if (await page.locator('[data-testid=match]').count()) break;
    }
    const matches = page.locator('[data-testid=match]');
    const count = await matches.count();
    assert(count > 0, 'no firm found with supplier matches');
    const reasons = await matches.first().locator('[data-testid=reasons] li').allInnerTexts();
    assert(reasons.length > 0 && reasons.every((r) => r.trim()), 'first match has no reasons');
    const widths = await page.locator('[data-testid=match] .scorebar .fill').evaluateAll((els) => els.map((e) => parseFloat(e.style.width)));
    assert(widths.every((w, i) => i === 0 || w <= widths[i - 1] + 1e-9), `score bars not in descending order: ${widths}`);
    await matches.first().locator('[data-testid=breakdown] summary').click();
    await visible('[data-testid=breakdown] table');
    state.firmName = await page.locator('[data-testid=firm-name]').innerText();
    await shot('04-supplier-matches');
    return `${state.firmName}: ${count} matches; first: ${reasons[0]}`;
  });

  await step('supply network graph draws and a node opens that firm', async () => {
    await page.click('[data-testid=tab-network]');
    await page.waitForFunction(() => document.querySelector('[data-testid=network] canvas, [data-testid=empty]'), null, { timeout: TIMEOUT });
    await settled();
    if (await page.locator('[data-testid=empty]').count()) return 'firm has no recorded relations (empty state shown)';
    const nodes = Number(await page.locator('[data-testid=network]').getAttribute('data-nodes'));
    await page.waitForTimeout(500);
    await shot('05-network');
    assert(nodes > 1, 'graph has no neighbours');
    return `${nodes} nodes`;
  });

  await step("open the firm's chain, see gaps and a gap's candidates", async () => {
    await page.goto(state.firmUrl, { waitUntil: 'domcontentloaded' });
    await visible('[data-testid=firm-name]');
    const chains = await page.locator('[data-testid=firm-chain]').evaluateAll((els) => els.map((a) => a.href));
    assert(chains.length > 0, 'firm lists no chains');
    let found = false;
    for (const href of chains) {
      await page.goto(href, { waitUntil: 'domcontentloaded' });
      await visible('[data-testid=chain]');
      await settled();
      if (await page.locator('[data-testid=gap]').count()) {
        found = true;
        break;
      }
    }
    if (!found) {
      // Fall back to any chain on the start page.
      await page.goto(`${BASE}/explorer/`, { waitUntil: 'domcontentloaded' });
      await visible('[data-testid=chains] .tile');
      const all = await page.locator('[data-testid=chains] .tile').evaluateAll((els) => els.map((a) => a.href).filter((h) => h.includes('/chain/')));
      for (const href of all) {
        await page.goto(href, { waitUntil: 'domcontentloaded' });
        await visible('[data-testid=chain]');
        await settled();
        if (await page.locator('[data-testid=gap]').count()) {
          found = true;
          break;
        }
      }
    }
    assert(found, 'no chain with gaps');
    const segments = await page.locator('[data-testid=segment]').count();
    const gap = page.locator('[data-testid=gap]').first();
    const severity = await gap.getAttribute('data-severity');
    await gap.click();
    await visible('[data-testid=gap-panel]');
    await settled('[data-testid=gap-panel]');
    const cands = page.locator('[data-testid=gap-panel] [data-testid=match]');
    assert((await cands.count()) > 0, 'the most severe gap has no candidates');
    state.chainUrl = page.url();
    state.visitorUrl = await cands.first().locator('.who a').getAttribute('href');
    await shot('06-chain-gap-candidates');
    return `${segments} segments, gap severity ${severity}, ${await cands.count()} candidates`;
  });

  await step('switch the interface to English (Accept-Language follows)', async () => {
    const before = graphqlLangs.length;
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: TIMEOUT });
    await visible('[data-testid=gap-panel] [data-testid=match]');
    await settled();
    const sent = graphqlLangs.slice(before);
    assert(sent.length > 0 && sent.every((l) => l.startsWith('en')), `Accept-Language after switch: ${sent.join(' | ')}`);
    const legend = await page.locator('.legend').first().innerText();
    assert(/Gap severity/.test(legend), `legend not in English: ${legend}`);
    await shot('07-english');
    // Reasons come from the server in the requested language: English ones start with a Latin letter or digit.
    const reasons = await page.locator('[data-testid=gap-panel] [data-testid=reasons] li').allInnerTexts();
    const chinese = reasons.filter((r) => /^[\u3400-\u9fff]/.test(r.trim()));
    assert(chinese.length === 0, `server reasons still in Chinese after Accept-Language: en (${chinese[0]})`);
    return `reasons: ${reasons[0]?.slice(0, 80)}`;
  });

  await step('settlement options for a visiting firm', async () => {
    assert(state.visitorUrl, 'no visiting firm from the gap candidates');
    await page.goto(`${BASE}${state.visitorUrl}?tab=settlement`, { waitUntil: 'domcontentloaded' });
    await visible('[data-testid=firm-name]');
    await page.waitForFunction(() => document.querySelector('[data-testid=settlement], [data-testid=empty], [data-testid=error]'), null, { timeout: TIMEOUT });
    await settled();
    const options = await page.locator('[data-testid=settlement] > li').count();
    assert(options > 0, 'no settlement options');
    const reasons = await page.locator('[data-testid=settlement] [data-testid=reasons] li').count();
    assert(reasons > 0, 'settlement options without reasons');
    await shot('08-settlement');
    return `${options} parks`;
  });

  await step('cultivation dashboard against the 2027 targets', async () => {
    await page.click('[data-testid=nav-dashboard]');
    await visible('[data-testid=national-progress]');
    await settled();
    const bars = await page.locator('[data-testid=district-chart] rect').count();
    assert(bars > 0, 'no district bars');
    await shot('09-dashboard');
    return `${bars} district bars`;
  });

  await step('sign in as staff and see contact details', async () => {
    if (!STAFF_KEY) return 'skip';
    await page.goto(state.firmUrl, { waitUntil: 'domcontentloaded' });
    await visible('[data-testid=contact-signin]');
    await page.click('[data-testid=signin]');
    await page.fill('[data-testid=signin-key]', STAFF_KEY);
    await page.click('[data-testid=signin-submit]');
    await visible('[data-testid=signed-in]');
    await visible('[data-testid=contact]');
    await settled();
    const contact = await page.locator('[data-testid=contact]').innerText();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('chainmatch.apiKey') !== null, local: Object.keys(localStorage).filter((k) => k.includes('apiKey')).length }));
    assert(stored.session && stored.local === 0, 'key not kept in sessionStorage only');
    await shot('10-staff-contact');
    return contact.replace(/\s+/g, ' ').slice(0, 80);
  });

  await step('a rejected key is reported and not kept', async () => {
    await page.click('[data-testid=signout]').catch(() => {});
    await page.click('[data-testid=signin]');
    await page.fill('[data-testid=signin-key]', 'cm_not_a_real_key_000000');
    await page.click('[data-testid=signin-submit]');
    await visible('[data-testid=signin-error]');
    const kept = await page.evaluate(() => sessionStorage.getItem('chainmatch.apiKey'));
    assert(kept === null, 'rejected key was kept');
    await page.keyboard.press('Escape');
    await page.goto(state.firmUrl, { waitUntil: 'domcontentloaded' });
  });

  await step('errors from the server are shown: DATABASE_UNAVAILABLE', async () => {
    await page.route('**/graphql', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: null, errors: [{ message: 'database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }] }) }),
    );
    await page.goto(`${BASE}/explorer/dashboard`, { waitUntil: 'domcontentloaded' });
    await visible('[data-testid=error][data-code=DATABASE_UNAVAILABLE]');
    await shot('11-error-state');
    await page.unroute('**/graphql');
    await page.click('[data-testid=error] button');
    await visible('[data-testid=national-progress]');
  });

  await step('deep link to an unknown firm shows a clear state, not a blank page', async () => {
    await page.goto(`${BASE}/explorer/firm/does-not-exist`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.querySelector('main [data-testid=empty], main [data-testid=error]'), null, { timeout: TIMEOUT });
    const text = await page.locator('main').innerText();
    assert(text.trim().length > 0, 'blank page');
    return text.trim().slice(0, 60);
  });

  // GraphiQL is bundled into the same build and served at / and /graphiql.
  /** Clicks GraphiQL's run button and returns the visible response text once it holds data. */
  async function runInGraphiQL(expect) {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && r.request().postData()?.includes(expect.operation), { timeout: TIMEOUT });
    await page.click('.graphiql-execute-button');
    const res = await answered;
    assert(res.status() === 200, `POST /graphql answered ${res.status()}`);
    await page.waitForFunction((want) => document.querySelector('.graphiql-response')?.innerText.includes(want), expect.text, { timeout: TIMEOUT });
    // Monaco draws spaces as no-break spaces.
    return { request: res.request(), text: (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ') };
  }

  await step('GraphiQL at /graphiql runs the default search and shows data', async () => {
    await page.goto(`${BASE}/graphiql`, { waitUntil: 'domcontentloaded' });
    await visible('.graphiql-query-editor .monaco-editor');
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor')?.innerText.includes('search('), null, { timeout: TIMEOUT });
    const { request, text } = await runInGraphiQL({ operation: 'query Search', text: '"data"' });
    assert(!request.headers().authorization, 'an Authorization header was sent without a stored key');
    const names = [...text.matchAll(/"name": "([^"]*光伏[^"]*)"/g)].map((m) => m[1]);
    assert(names.length > 0, `no 光伏 name in the response pane: ${text.slice(0, 200)}`);
    assert(!/"errors"/.test(text), `response has errors: ${text.slice(0, 200)}`);
    await page.waitForTimeout(300);
    await shot('13-graphiql-search');
    const root = await (await fetch(`${BASE}/`)).text();
    assert(root.includes('<title>chainmatch GraphiQL</title>'), 'GET / does not serve GraphiQL');
    return names.slice(0, 3).join(', ');
  });

  await step('GraphiQL sends the stored key and runs the supplierMatches example', async () => {
    if (!STAFF_KEY) return 'skip';
    await page.evaluate((k) => sessionStorage.setItem('chainmatch.apiKey', k), STAFF_KEY);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await visible('.graphiql-query-editor .monaco-editor');
    await page.locator('.graphiql-tab-button', { hasText: 'SupplierMatches' }).click();
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor')?.innerText.includes('supplierMatches'), null, { timeout: TIMEOUT });
    // GraphiQL picks up the new tab's operation name 100 ms after the editor
    // changes (debounced); a click before that would send the old name.
    await page.waitForTimeout(400);
    const { request, text } = await runInGraphiQL({ operation: 'query SupplierMatches', text: '"candidate"' });
    assert(request.headers().authorization === `Bearer ${STAFF_KEY}`, 'stored key not sent as Authorization: Bearer');
    const firms = [...text.matchAll(/"name": "([^"]*有限公司)"/g)].map((m) => m[1]);
    assert(firms.length > 0, `no candidate firm in the response pane: ${text.slice(0, 200)}`);
    await page.waitForTimeout(300);
    await shot('14-graphiql-supplier-matches');
    await page.evaluate(() => sessionStorage.removeItem('chainmatch.apiKey'));
    return firms.slice(0, 2).join(', ');
  });

  await step('no request left the server, no script errors', async () => {
    assert(foreign.length === 0, `requests to other origins: ${foreign.slice(0, 3).join(', ')}`);
    const real = consoleErrors.filter((e) => !/status of (4\d\d|503)/.test(e));
    assert(real.length === 0, `console errors: ${real.slice(0, 3).join(' | ')}`);
  });
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
