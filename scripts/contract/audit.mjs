// GraphQL-over-HTTP conformance: graphql-http's own server audit against a
// running chainmatch. Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Exits non-zero unless every audit (MUST, SHOULD and MAY) passes.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
// CHAINMATCH_KEY, when set, signs every request in (production mode keeps
// introspection, which some audits use, from anonymous callers).
const key = process.env.CHAINMATCH_KEY;
const fetchFn = key
  ? (input, init = {}) => fetch(input, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${key}` } })
  : fetch;
const results = await auditServer({ url, fetchFn });
const failed = results.filter((r) => r.status !== 'ok');
for (const r of failed) {
  let body = '';
  try {
    body = r.response ? JSON.stringify({ status: r.response.status, body: await r.response.text() }) : '';
  } catch {
    /* body already read */
  }
  console.error(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${r.reason} ${body}`);
}
console.log(`graphql-http audit: ${results.length - failed.length} of ${results.length} checks pass`);
process.exit(failed.length === 0 ? 0 : 1);
