// The lead pipeline end to end, signed in as staff: a lead from a chain
// gap's candidate -> log a visit -> a stale version answered plainly ->
// through the stages to SIGNED -> the what-if -> settle -> the gap's
// severity drops on the chain page, to what the what-if said. Then "add as
// lead" from a settlement option, and nothing of it for anonymous visitors.
//
// This file settles a firm, which changes the demo graph's gaps: it is named
// to run after every other spec (files run in name order, one worker), and
// scripts/e2e.sh reloads the demo graph before each run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { DESKTOP, STAFF_KEY, expect, gql, openPage, test } from './fixtures';

const OUT = process.env.E2E_OUTPUT ?? fileURLToPath(new URL('../../test-output/explorer/', import.meta.url));
mkdirSync(OUT, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

const OPEN = '[IDENTIFIED,CONTACTED,VISITED,NEGOTIATING,SIGNED]';

interface Pick {
  chain: string;
  product: string;
  firm: string;
  severity: number;
}

/** A chain gap with a non-local candidate that makes the very product and has no open lead yet. */
async function gapCandidate(): Promise<Pick> {
  const { chains } = await gql<{ chains: { id: string }[] }>('{chains{id}}');
  for (const ch of chains) {
    const g = await gql<{ chainGaps: { product: { id: string }; severity: number; candidates: { fit: string; candidate: { id: string; isLocal: boolean } }[] }[] }>(
      'query($c:ID!){chainGaps(chainId:$c,first:50){product{id} severity candidates(first:5){fit candidate{id isLocal}}}}',
      { c: ch.id },
    );
    for (const gap of g.chainGaps) {
      for (const m of gap.candidates) {
        if (m.fit !== 'PRODUCT' || m.candidate.isLocal) continue;
        const l = await gql<{ leads: { totalCount: number } }>(`query($e:ID!){leads(filter:{enterpriseId:$e,stage:${OPEN}}){totalCount}}`, { e: m.candidate.id }, STAFF_KEY);
        if (l.leads.totalCount === 0) return { chain: ch.id, product: gap.product.id, firm: m.candidate.id, severity: gap.severity };
      }
    }
  }
  throw new Error('no gap candidate without an open lead in the demo graph');
}

const gapSeverity = async (page: Page, product: string): Promise<number | undefined> => {
  const row = page.locator(`[data-testid=gap-row][data-product="${product}"]`);
  if (!(await row.count())) return undefined;
  return Number(await row.getAttribute('data-severity-value'));
};

test.use({ viewport: DESKTOP });

test('a lead from a gap candidate, through the stages to settlement, closes the gap as the what-if said', async ({ page }) => {
  const pick = await gapCandidate();
  const chainPath = `/explorer/chain/${encodeURIComponent(pick.chain)}?product=${encodeURIComponent(pick.product)}`;
  await openPage(page, chainPath, '[data-testid=gap-panel] [data-testid=match]', 'zh', true);
  await page.getByTestId('gap-table').locator('summary').click();
  const before = await gapSeverity(page, pick.product);
  expect(before, 'the gap in the table').toBeCloseTo(pick.severity, 9);

  // Add the candidate as a lead: the lead page opens at IDENTIFIED with the gap product.
  const card = page.getByTestId('match').filter({ has: page.locator(`a[href="/explorer/firm/${pick.firm}"]`) });
  await card.getByTestId('add-lead').click();
  const lead = page.getByTestId('lead');
  await expect(lead).toHaveAttribute('data-stage', 'IDENTIFIED');
  await expect(lead).toHaveAttribute('data-version', '1');
  const leadId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

  // Log a visit.
  await page.getByTestId('activity-kind').selectOption('VISIT');
  await page.getByTestId('activity-note').fill('陪同企业高管考察园区标准厂房');
  await page.getByTestId('activity-submit').click();
  await expect(page.getByTestId('activity')).toHaveCount(1);
  await expect(page.getByTestId('activity').first()).toHaveAttribute('data-kind', 'VISIT');
  await expect(lead).toHaveAttribute('data-version', '2');

  // A colleague logs a call meanwhile: the move with the old version is a conflict, said plainly, and the lead reloads.
  await gql('mutation($id:ID!){logLeadActivity(leadId:$id,input:{kind:CALL,note:"同事电话跟进"}){id}}', { id: leadId }, STAFF_KEY);
  await page.locator('[data-testid=move][data-to=CONTACTED]').click();
  await expect(page.getByTestId('lead-notice')).toHaveAttribute('data-kind', 'conflict');
  await expect(page.getByTestId('lead-notice')).toContainText('3');
  await expect(lead).toHaveAttribute('data-version', '3');
  await expect(page.getByTestId('activity')).toHaveCount(2);
  await expect(lead).toHaveAttribute('data-stage', 'IDENTIFIED');

  // Through the stages to SIGNED; only moves the rules allow are offered.
  await expect(page.locator('[data-testid=move][data-to=IDENTIFIED]')).toHaveCount(0);
  for (const to of ['CONTACTED', 'VISITED', 'NEGOTIATING', 'SIGNED']) {
    await page.locator(`[data-testid=move][data-to=${to}]`).click();
    await expect(lead).toHaveAttribute('data-stage', to);
  }
  await expect(page.getByTestId('lead-notice')).toHaveAttribute('data-kind', 'ok');
  await expect(page.locator('[data-testid=move]')).toHaveCount(1); // LOST only; SETTLED is the settle action
  await expect(page.getByTestId('stage-history').locator('li')).toHaveCount(5);

  // The what-if in the park it will settle in.
  const park = await page.getByTestId('whatif-park').inputValue();
  await page.getByTestId('whatif-show').click();
  const change = page.locator(`[data-testid=gap-change][data-product="${pick.product}"]`);
  await expect(change).toBeVisible();
  const wBefore = Number(await change.getAttribute('data-before'));
  const wAfter = Number(await change.getAttribute('data-after'));
  expect(wBefore).toBeCloseTo(before!, 9);
  expect(wAfter, 'the what-if says the gap shrinks').toBeLessThan(wBefore);
  await expect(page.getByTestId('little-giants')).toBeVisible();
  await shot(page, 'leads-whatif');

  // Settle.
  await page.getByTestId('settle-park').selectOption(park);
  await page.getByTestId('settle').click();
  await expect(lead).toHaveAttribute('data-stage', 'SETTLED');
  await expect(page.locator('[data-testid=move]')).toHaveCount(0);
  await expect(page.getByTestId('settle-form')).toHaveCount(0);

  // The chain page: the gap's severity dropped to what the what-if said.
  await page.locator('.leadhead a[href^="/explorer/chain/"]').click();
  await expect(page.getByTestId('gap-table')).toBeVisible();
  await page.getByTestId('gap-table').locator('summary').click();
  const after = await gapSeverity(page, pick.product);
  expect(after ?? 0, 'severity after settling').toBeLessThan(before!);
  if (after !== undefined) expect(after).toBeCloseTo(wAfter, 9);
});

test('add as lead from a settlement option: the park and the gap products come with it', async ({ page }) => {
  // A visiting firm with settlement options that fill a gap, and no open lead.
  const { enterprises } = await gql<{ enterprises: { edges: { node: { id: string } }[] } }>('{enterprises(filter:{isLocal:false},first:50){edges{node{id}}}}');
  let firm: string | undefined;
  for (const { node } of enterprises.edges) {
    const s = await gql<{ settlementOptions: { gapsFilled: { id: string }[] }[] }>('query($e:ID!){settlementOptions(enterpriseId:$e,first:5){gapsFilled{id}}}', { e: node.id });
    if (!s.settlementOptions.length || !s.settlementOptions[0].gapsFilled.length) continue;
    const l = await gql<{ leads: { totalCount: number } }>(`query($e:ID!){leads(filter:{enterpriseId:$e,stage:${OPEN}}){totalCount}}`, { e: node.id }, STAFF_KEY);
    if (l.leads.totalCount === 0) {
      firm = node.id;
      break;
    }
  }
  expect(firm, 'a visiting firm with settlement options and no open lead').toBeTruthy();
  await openPage(page, `/explorer/firm/${firm}?tab=settlement`, '[data-testid=settlement]', 'en', true);
  const option = page.getByTestId('settlement').locator('li.match').first();
  const parkName = (await option.locator('.who').innerText()).trim();
  await option.getByTestId('add-lead').click();
  await expect(page.getByTestId('lead')).toHaveAttribute('data-stage', 'IDENTIFIED');
  await expect(page.locator('.leadhead')).toContainText(parkName);
  await expect(page.locator('.leadhead .badge.gap').first()).toBeVisible();

  // A second "add" for the same firm points to the open lead instead.
  const url = page.url();
  await page.goBack();
  await page.getByTestId('settlement').locator('li.match').first().getByTestId('add-lead').click();
  await expect(page.getByTestId('lead-exists')).toBeVisible();
  await page.getByTestId('lead-exists').locator('a').click();
  await expect(page).toHaveURL(url);
});

test('anonymous visitors see nothing of the pipeline', async ({ page }) => {
  await openPage(page, '/explorer/leads', '[data-testid=staff-only]');
  await expect(page.getByTestId('nav-leads')).toHaveCount(0);
  const chain = await gapCandidate().catch(() => undefined);
  if (chain) {
    await openPage(page, `/explorer/chain/${chain.chain}?product=${chain.product}`, '[data-testid=gap-panel] [data-testid=match]');
    await expect(page.getByTestId('add-lead')).toHaveCount(0);
  }
});
