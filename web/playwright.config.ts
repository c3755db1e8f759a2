// Browser tests of the explorer (@playwright/test) in Debian's Chromium
// against a real chainmatch on the demo data; scripts/e2e.sh starts the
// server and runs them (make test).
//
//   CHAINMATCH_URL            server (default http://127.0.0.1:8080)
//   CHAINMATCH_E2E_STAFF_KEY  a staff (or admin) API key; without it the sign-in steps fail
//   E2E_OUTPUT                screenshots, traces and the report (default <repo>/test-output/explorer)
//   CHROMIUM                  browser binary (default /usr/bin/chromium; Playwright's own
//                             browser download is not used)
//
// Screenshot baselines (visual.spec.ts) live in e2e/__screenshots__ and are
// made in Debian's Chromium with fonts-dejavu-core and fonts-noto-cjk
// (scripts/chromium.sh); update them on purpose with
// `scripts/e2e.sh --update-snapshots`.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

const out = process.env.E2E_OUTPUT ?? fileURLToPath(new URL('../test-output/explorer/', import.meta.url));

export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.spec\.ts$/,
  outputDir: `${out}/results`,
  // One server, one demo graph, two shared cores: one worker, files in a fixed order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: {
    // Generous: the machine running the tests may be shared and busy.
    timeout: 45_000,
    toHaveScreenshot: {
      // Tolerance: anti-aliasing differences only. 1% of the pixels may differ, each
      // by a colour distance above 0.2 (0..1, pixelmatch's YIQ threshold).
      maxDiffPixelRatio: 0.01,
      threshold: 0.2,
      animations: 'disabled',
      caret: 'hide',
      scale: 'css',
    },
  },
  snapshotPathTemplate: '{testDir}/__screenshots__/{testFileName}/{arg}{ext}',
  reporter: [['list'], ['html', { outputFolder: `${out}/report`, open: 'never' }]],
  use: {
    baseURL: (process.env.CHAINMATCH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1360, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', deviceScaleFactor: 1 } }],
});
