// Accessibility: axe-core on every page in Chinese and English at desktop
// and phone widths (0 serious or critical violations), the interface
// language on <html>, and the keyboard alone getting through the main path
// with a visible focus.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DESKTOP, PHONE, expect, explorerPages, openPage, test } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Serious and critical axe violations on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
  for (const lang of ['zh', 'en'] as const) {
    test(`axe: every page, ${lang}, ${label}`, async ({ page }) => {
      await page.setViewportSize(viewport);
      const found: string[] = [];
      for (const p of await explorerPages()) {
        await openPage(page, p.path, p.ready, lang, p.staff);
        await expect(page.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
        if (p.name === 'matches') await page.locator('[data-testid=breakdown] summary').first().click();
        if (p.name === 'chain') await page.locator('[data-testid=gap-table] summary').click();
        found.push(...(await seriousViolations(page)).map((v) => `${p.name}: ${v}`));
      }
      // The type-ahead open, and the sign-in dialog (signed out again after the staff pages).
      await openPage(page, '/explorer/', '[data-testid=chains] .tile', lang);
      await page.getByTestId('search-input').fill('光伏');
      await expect(page.getByTestId('search-hit').first()).toBeVisible();
      found.push(...(await seriousViolations(page)).map((v) => `type-ahead: ${v}`));
      await page.getByTestId('search-input').press('Escape');
      await page.getByTestId('signin').click();
      await expect(page.getByTestId('signin-key')).toBeFocused();
      found.push(...(await seriousViolations(page)).map((v) => `sign-in: ${v}`));
      expect(found, 'serious or critical axe violations').toEqual([]);
    });
  }
}

/** The focused element, and whether it shows a focus ring (outline or box-shadow). */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { testid: '', text: '', ring: false };
    const cs = getComputedStyle(el);
    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none';
    return { testid: el.getAttribute('data-testid') ?? el.tagName.toLowerCase(), text: el.innerText?.trim().slice(0, 30) ?? '', ring };
  });
}

/** Presses Tab until `want` has the focus (at most `max` times), checking every stop shows a focus ring. */
async function tabTo(page: Page, want: (f: { testid: string; text: string }) => boolean, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.ring, `visible focus on ${f.testid} "${f.text}"`).toBe(true);
    if (want(f)) return f;
  }
  throw new Error('not reached by Tab');
}

test('keyboard only: search, open a firm, its tabs, a chain gap, the skip link', async ({ page }) => {
  const pages = await explorerPages();
  await openPage(page, '/explorer/', pages[0].ready);
  // The first stop is the skip link; it moves the focus to the content.
  await page.keyboard.press('Tab');
  expect((await focused(page)).testid).toBe('a');
  await expect(page.locator(':focus')).toHaveClass(/skip/);
  await expect(page.locator(':focus')).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  await openPage(page, '/explorer/', pages[0].ready);
  await tabTo(page, (f) => f.testid === 'search-input');
  await page.keyboard.type('光伏');
  await expect(page.getByTestId('search-hit').first()).toBeVisible();
  // Down to the first firm, then open it.
  const kinds = await page.getByTestId('search-hit').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  for (let i = 0; i < kinds.indexOf('Enterprise'); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('firm-name')).toBeVisible();

  await tabTo(page, (f) => f.testid === 'tab-matches');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid=matches], [data-testid=empty]').first()).toBeVisible();
  await expect(page).toHaveURL(/tab=matches/);

  const chain = pages.find((p) => p.name === 'chain')!;
  await openPage(page, chain.path.replace(/\?.*$/, ''), '[data-testid=gap]');
  await tabTo(page, (f) => f.testid === 'gap', 80);
  const product = await page.locator(':focus').getAttribute('data-product');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('gap-panel')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`product=${encodeURIComponent(product!)}`));
});

test('keyboard only: the lead board, a lead, log an activity', async ({ page }) => {
  const board = (await explorerPages()).find((p) => p.name === 'leads')!;
  await openPage(page, board.path, board.ready, 'zh', true);
  await tabTo(page, (f) => f.testid === 'lead-link', 80);
  const firm = (await page.locator(':focus').innerText()).trim();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lead-firm')).toHaveText(firm);
  const before = await page.getByTestId('activity').count();
  await tabTo(page, (f) => f.testid === 'activity-kind', 80);
  await page.keyboard.press('ArrowDown'); // the second kind: a call
  await tabTo(page, (f) => f.testid === 'activity-note');
  await page.keyboard.type('键盘记录的电话跟进');
  await tabTo(page, (f) => f.testid === 'activity-submit');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('activity')).toHaveCount(before + 1);
  await expect(page.getByTestId('activity').first()).toContainText('键盘记录的电话跟进');
});
