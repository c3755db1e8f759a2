// Saved searches and alerts: staff save the supplier search of a demo firm
// from the matches view, a new local maker of a product the firm needs is
// written through the API (as a partner platform would), and its alert
// appears in the panel without a reload, pushed by the matchAlerts
// subscription.
import { BASE, STAFF_KEY, expect, settled, test } from './fixtures';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** A valid USCC (GB 32100-2015, both check characters) for a division and a serial, as internal/uscc.Make builds them. */
function makeUSCC(division: string, serial: number): string {
  const body = serial.toString().padStart(8, '0');
  const orgSum = [...body].reduce((s, c, i) => s + Number(c) * ORG_WEIGHTS[i], 0);
  const oc = 11 - (orgSum % 11);
  const first17 = `91${division}${body}${oc === 10 ? 'X' : oc === 11 ? '0' : String(oc)}`;
  const sum = [...first17].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  return first17 + ALPHABET[(31 - (sum % 31)) % 31];
}

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STAFF_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

test('save a search, upsert a matching firm through the API, see the alert appear live', async ({ page }) => {
  expect(STAFF_KEY, 'CHAINMATCH_E2E_STAFF_KEY').toBeTruthy();
  // A local firm that needs something, with a location.
  const firms = await api<{
    enterprises: { edges: { node: { id: string; district: { code: string } | null; location: { latitude: number; longitude: number } | null; needs: { product: { id: string } }[] } }[] };
  }>('{ enterprises(filter: {isLocal: true}, first: 50) { edges { node { id district { code } location { latitude longitude } needs { product { id } } } } } }');
  const asker = firms.enterprises.edges.map((e) => e.node).find((n) => n.needs.length > 0 && n.location && n.district);
  expect(asker, 'a local firm with needs').toBeTruthy();

  await page.addInitScript((k) => sessionStorage.setItem('chainmatch.apiKey', k), STAFF_KEY);
  await page.goto(`/explorer/firm/${encodeURIComponent(asker!.id)}?tab=matches&local=1`, { waitUntil: 'domcontentloaded' });
  await settled(page);
  const panel = page.getByTestId('alerts');
  await expect(panel).toBeVisible();
  await panel.getByTestId('save-search').click();
  await expect(panel.getByTestId('search-saved')).toBeVisible();
  const before = await panel.getByTestId('alert').count();
  // The panel follows the matchAlerts subscription (not the polling fallback).
  await expect(panel).toHaveAttribute('data-live', 'yes', { timeout: 15_000 });

  // The new maker: local, next door, a national little giant, making what the firm needs.
  const uscc = makeUSCC(asker!.district!.code, 70000000 + Math.floor(Math.random() * 9999999));
  const name = `嘉兴提醒测试${uscc.slice(-6)}有限公司`;
  await api(
    `mutation($in: EnterpriseInput!) { upsertEnterprise(input: $in) { id } }`,
    {
      in: {
        uscc, name, isLocal: true, districtCode: asker!.district!.code,
        location: { latitude: asker!.location!.latitude + 0.005, longitude: asker!.location!.longitude },
        designations: [{ designation: 'NATIONAL_LITTLE_GIANT', year: 2025 }],
        products: [{ productId: asker!.needs[0].product.id }],
      },
    },
  );
  // No reload: the alert arrives over the WebSocket.
  await expect(panel.getByTestId('alert').filter({ hasText: name })).toBeVisible({ timeout: 30_000 });
  expect(await panel.getByTestId('alert').count()).toBeGreaterThan(before);
});
