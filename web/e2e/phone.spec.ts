// Phone widths (360, 390, 430 px): every page fits the screen, the firm tabs
// fit, the chain board is a vertical list, match cards and breakdowns stay
// inside their card, and the network answers to touch.
import type { Page } from '@playwright/test';
import { PHONE_WIDTHS, demoPages, expect, explorerPages, openPage, test } from './fixtures';

test.use({ hasTouch: true, isMobile: true });

/** How far the page is wider than the screen (0 when it fits). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

for (const width of PHONE_WIDTHS) {
  test.describe(`${width} px`, () => {
    test.use({ viewport: { width, height: 844 } });

    test('every page fits the width, in both languages', async ({ page }) => {
      for (const p of await explorerPages()) {
        for (const lang of ['zh', 'en'] as const) {
          await openPage(page, p.path, p.ready, lang, p.staff);
          expect(await overflow(page), `${p.name} (${lang}) wider than ${width} px by`).toBeLessThanOrEqual(0);
        }
      }
    });

    test('firm tabs fit without cutting a label, in English too', async ({ page }) => {
      const firm = (await explorerPages()).find((p) => p.name === 'firm')!;
      for (const lang of ['zh', 'en'] as const) {
        await openPage(page, firm.path, firm.ready, lang);
        const tabs = await page.getByRole('tab').evaluateAll((els) =>
          els.filter((e) => e.closest('.tabs')).map((e) => ({ text: (e as HTMLElement).innerText, right: e.getBoundingClientRect().right, cut: e.scrollWidth > e.clientWidth + 1 })),
        );
        expect(tabs).toHaveLength(4);
        for (const tb of tabs) {
          expect(tb.right, `tab "${tb.text}" (${lang}) inside the screen`).toBeLessThanOrEqual(width);
          expect(tb.cut, `tab "${tb.text}" (${lang}) not cut off`).toBe(false);
        }
      }
    });

    test('matches: cards and the opened breakdown stay inside the card', async ({ page }) => {
      const m = (await explorerPages()).find((p) => p.name === 'matches')!;
      await openPage(page, m.path, m.ready);
      const card = page.getByTestId('match').first();
      await card.getByTestId('breakdown').locator('summary').tap();
      const table = card.locator('[data-testid=breakdown] table');
      await expect(table).toBeVisible();
      const [c, t] = [await card.boundingBox(), await table.boundingBox()];
      expect(c!.x + c!.width, 'card inside the screen').toBeLessThanOrEqual(width);
      expect(t!.x + t!.width, 'breakdown inside its card').toBeLessThanOrEqual(c!.x + c!.width);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
    });

    test('chain board is a vertical list of segments; tapping a gap opens its candidates', async ({ page }) => {
      const c = (await explorerPages()).find((p) => p.name === 'chain')!;
      await openPage(page, c.path.replace(/\?.*$/, ''), '[data-testid=segment]');
      const boxes = await page.getByTestId('segment').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, bottom: r.bottom, right: r.right })));
      expect(boxes.length).toBeGreaterThan(1);
      for (let i = 1; i < boxes.length; i++) {
        expect(boxes[i].top, `segment ${i + 1} below segment ${i}`).toBeGreaterThanOrEqual(boxes[i - 1].bottom - 1);
        expect(Math.abs(boxes[i].left - boxes[0].left), 'segments aligned').toBeLessThan(1);
        expect(boxes[i].right).toBeLessThanOrEqual(width);
      }
      await page.locator(`[data-testid=gap][data-product="${(await demoPages()).gapProduct}"]`).tap();
      await expect(page.locator('[data-testid=gap-panel] [data-testid=match]').first()).toBeVisible();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
    });

    test('lead board is a vertical list of stages; a tapped card opens the lead', async ({ page }) => {
      const b = (await explorerPages()).find((p) => p.name === 'leads')!;
      await openPage(page, b.path, b.ready, 'zh', true);
      const boxes = await page.getByTestId('stage-column').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, bottom: r.bottom, right: r.right })));
      expect(boxes).toHaveLength(7);
      for (let i = 1; i < boxes.length; i++) {
        expect(boxes[i].top, `stage ${i + 1} below stage ${i}`).toBeGreaterThanOrEqual(boxes[i - 1].bottom - 1);
        expect(boxes[i].right).toBeLessThanOrEqual(width);
      }
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      const link = page.getByTestId('lead-link').first();
      const name = (await link.innerText()).trim();
      await link.tap();
      await expect(page.getByTestId('lead-firm')).toHaveText(name);
      await expect(page.getByTestId('activity-form')).toBeVisible();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
    });
  });
}

test.describe('network by touch', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('drawn to fit the screen; a tap on the list opens a neighbour', async ({ page }) => {
    const n = (await explorerPages()).find((p) => p.name === 'network')!;
    await openPage(page, n.path, n.ready);
    const net = page.getByTestId('network');
    await expect(net).toHaveAttribute('data-drawn', 'true');
    const box = (await net.boundingBox())!;
    expect(box.width, 'graph as wide as the screen allows').toBeLessThanOrEqual(390);
    expect(box.height, 'graph leaves room to scroll past it').toBeLessThan(844 * 0.7);
    const link = page.locator('[data-testid=network-list] a').first();
    const name = (await link.innerText()).trim();
    await link.tap();
    await expect(page.getByTestId('firm-name')).toHaveText(name);
  });
});
