// The type-ahead: one list whose kind badges sit inline, a combobox with a
// listbox that the keyboard drives (arrow keys, Enter, Escape).
import type { Page } from '@playwright/test';
import { PHONE, expect, test } from './fixtures';

async function typeAhead(page: Page, text: string) {
  await page.goto('/explorer/', { waitUntil: 'domcontentloaded' });
  const input = page.getByRole('combobox', { name: /搜索|Search/ });
  await input.fill(text);
  return input;
}

/** Every hit's badge sits on the name's line and is no wider than its word. */
async function expectInlineBadges(page: Page) {
  const rows = await page.getByTestId('search-hit').evaluateAll((els) =>
    els.map((li) => {
      const kind = li.querySelector('.kind')!.getBoundingClientRect();
      const name = li.querySelector('.name')!.getBoundingClientRect();
      return { kind: li.getAttribute('data-kind'), badgeW: kind.width, rowW: li.getBoundingClientRect().width, sameLine: Math.abs(kind.top - name.top) < name.height, leftOfName: kind.right <= name.left + 1 };
    }),
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.sameLine && r.leftOfName, `${r.kind} badge beside the name: ${JSON.stringify(r)}`).toBe(true);
    expect(r.badgeW, `${r.kind} badge as wide as its word`).toBeLessThan(Math.min(80, r.rowW / 3));
  }
}

test('光伏: products, chains and firms in one list, badges inline', async ({ page }) => {
  await typeAhead(page, '光伏');
  await expect(page.getByRole('listbox')).toBeVisible();
  await expect(page.getByTestId('search-hit').first()).toBeVisible();
  const kinds = new Set(await page.getByTestId('search-hit').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))));
  expect([...kinds].sort(), 'every kind of hit for 光伏').toEqual(['Enterprise', 'IndustrialChain', 'Product']);
  await expectInlineBadges(page);
});

test('光伏 at phone width: badges inline, nothing wider than the screen', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await typeAhead(page, '光伏');
  await expect(page.getByTestId('search-hit').first()).toBeVisible();
  await expectInlineBadges(page);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(wide, 'horizontal overflow (px)').toBeLessThanOrEqual(0);
});

test('combobox roles and keyboard: arrows move, Enter opens, Escape closes', async ({ page }) => {
  const input = await typeAhead(page, '光伏');
  const options = page.getByRole('option');
  await expect(options.first()).toBeVisible();
  await expect(input).toHaveAttribute('aria-expanded', 'true');
  await expect(input).toHaveAttribute('aria-controls', 'search-hits');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await expect(input).toHaveAttribute('aria-activedescendant', 'hit-0');

  await input.press('ArrowDown');
  await expect(input).toHaveAttribute('aria-activedescendant', 'hit-1');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(options.first()).toHaveAttribute('aria-selected', 'false');
  await input.press('ArrowUp');
  await input.press('ArrowUp'); // wraps to the last
  const n = await options.count();
  await expect(input).toHaveAttribute('aria-activedescendant', `hit-${n - 1}`);
  await input.press('ArrowDown'); // and back to the first
  await expect(input).toHaveAttribute('aria-activedescendant', 'hit-0');

  await input.press('Escape');
  await expect(page.getByRole('listbox')).toBeHidden();
  await expect(input).toHaveAttribute('aria-expanded', 'false');
  await expect(input).toHaveValue('光伏');
  await input.press('Escape'); // a second Escape clears the box
  await expect(input).toHaveValue('');

  // Enter opens the chosen hit.
  await input.fill('光伏');
  await expect(options.first()).toBeVisible();
  await input.press('ArrowDown');
  const kind = await options.nth(1).getAttribute('data-kind');
  await input.press('Enter');
  const landing = kind === 'Enterprise' ? page.getByTestId('firm-name') : page.getByTestId('chain');
  await expect(landing).toBeVisible();
  await expect(page.getByRole('listbox')).toBeHidden();
});

// One character and pinyin initials (issue 11): "氢" suggests the chain
// 氢能 and "gf" (initials of guang fu) suggests 光伏, with badges inline.
for (const [text, want] of [['氢', '氢能'], ['gf', '光伏']]) {
  test(`${text} suggests ${want}`, async ({ page }) => {
    await typeAhead(page, text);
    await expect(page.getByTestId('search-hit').filter({ hasText: want }).first()).toBeVisible();
    await expect(page.getByTestId('search-error')).toHaveCount(0);
    await expectInlineBadges(page);
  });
}
