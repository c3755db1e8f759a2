// Visual regression: each page at desktop and phone width, and the
// type-ahead open on 光伏, compared with the committed baselines in
// e2e/__screenshots__/visual.spec.ts/ (tolerance in playwright.config.ts:
// at most 1% of the pixels may differ, each by more than 0.2 YIQ distance).
// Deterministic on the demo graph: fixed data, fixed clock, fixed fonts
// (scripts/chromium.sh), no animations, hidden caret. A changed layout fails
// until the baselines are updated on purpose: scripts/e2e.sh --update-snapshots.
import { DESKTOP, PHONE, expect, explorerPages, openPage, test } from './fixtures';

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
  test.describe(label, () => {
    test.use({ viewport });

    test(`every page (${label})`, async ({ page }) => {
      for (const p of await explorerPages()) {
        await openPage(page, p.path, p.ready, 'zh', p.staff);
        if (p.name === 'network') await expect(page.getByTestId('network')).toHaveAttribute('data-drawn', 'true');
        await expect(page, `${p.name} at ${label} width`).toHaveScreenshot(`${p.name}-${label}.png`);
      }
    });

    test(`type-ahead open on 光伏 (${label})`, async ({ page }) => {
      await openPage(page, '/explorer/', '[data-testid=chains] .tile');
      await page.getByTestId('search-input').fill('光伏');
      await expect(page.getByTestId('search-hit').first()).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: /\d/ })).toHaveCount(1);
      await expect(page).toHaveScreenshot(`typeahead-${label}.png`);
    });
  });
}
