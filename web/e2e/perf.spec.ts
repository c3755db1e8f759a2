// What a user feels on first load of /explorer/: JavaScript before the
// network graph is opened stays under 1 MB (Cytoscape comes on demand), and
// the time to first render of the home page is measured (median of 5 cold
// loads) and printed, then written to E2E_OUTPUT/perf.json for
// docs/explorer.md. Only the byte budget is asserted; times are reported.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, explorerPages, test } from './fixtures';

const OUT = process.env.E2E_OUTPUT ?? fileURLToPath(new URL('../../test-output/explorer/', import.meta.url));
const BUDGET = 1024 * 1024;

interface Load {
  js: number;
  jsTransferred: number;
  files: string[];
  fcp: number;
  tiles: number;
}

test('first load: JavaScript under 1 MB before Cytoscape; time to first render', async ({ browser }) => {
  const loads: Load[] = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext(); // cold: empty cache every time
    const page = await context.newPage();
    // Notes the moment the chain tiles (the home page's content) first appear.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid=chains] .tile')) {
          (window as unknown as { __tiles: number }).__tiles = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('/explorer/', { waitUntil: 'load' });
    await expect(page.locator('[data-testid=chains] .tile').first()).toBeVisible();
    const load = await page.evaluate(() => {
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.initiatorType === 'script' || /\.m?js(\?|$)/.test(r.name));
      return {
        js: scripts.reduce((s, r) => s + r.decodedBodySize, 0),
        jsTransferred: scripts.reduce((s, r) => s + r.transferSize, 0),
        files: scripts.map((r) => new URL(r.name).pathname),
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        tiles: (window as unknown as { __tiles: number }).__tiles,
      };
    });
    loads.push(load);
    await context.close();
  }
  const first = loads[0];
  expect(first.files.some((f) => /cytoscape/.test(f)), `Cytoscape not loaded on the home page: ${first.files.join(', ')}`).toBe(false);
  expect(first.js, `JavaScript on first load (bytes): ${first.files.join(', ')}`).toBeLessThan(BUDGET);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const report = {
    jsBytes: first.js,
    jsBytesTransferred: first.jsTransferred,
    jsFiles: first.files,
    firstContentfulPaintMs: Math.round(median(loads.map((l) => l.fcp))),
    chainTilesShownMs: Math.round(median(loads.map((l) => l.tiles))),
    runs: loads.map((l) => ({ fcp: Math.round(l.fcp), tiles: Math.round(l.tiles) })),
  };
  console.log(`perf: ${JSON.stringify(report)}`);
  writeFileSync(join(OUT, 'perf.json'), JSON.stringify(report, null, 2));
});

test('Cytoscape loads on demand when the network tab opens', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
  const net = (await explorerPages()).find((p) => p.name === 'network')!;
  await page.goto(net.path.replace('?tab=network', ''), { waitUntil: 'domcontentloaded' });
  await expect(page.getByTestId('firm-name')).toBeVisible();
  expect(scripts.some((s) => /cytoscape/.test(s)), 'no Cytoscape on the firm overview').toBe(false);
  await page.getByTestId('tab-network').click();
  await expect(page.getByTestId('network')).toHaveAttribute('data-drawn', 'true');
  expect(scripts.some((s) => /cytoscape/.test(s)), 'Cytoscape fetched for the network').toBe(true);
});
