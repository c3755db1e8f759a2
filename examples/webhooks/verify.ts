// Verifying a chainmatch webhook delivery in TypeScript (Node.js 18+).
// A delivery carries the headers webhook-id, webhook-timestamp (Unix
// seconds) and webhook-signature ("v1," + base64 HMAC-SHA256 over
// `${id}.${timestamp}.${body}`, keyed by the base64-decoded part of the
// "whsec_" secret). Verify the raw body bytes, before any JSON parsing.
// See docs/webhooks.md. web/test/webhook-verify.test.ts
// checks this module against chainmatch's own signatures.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a timestamp may be from now before the delivery is refused (replays). */
export const toleranceSeconds = 5 * 60;

export interface WebhookHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

/** The v1 signature chainmatch sends for this message. */
export function sign(secret: string, id: string, timestamp: string, body: string | Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key);
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/**
 * verify returns true when the delivery is signed with secret and its
 * timestamp is within toleranceSeconds of now (Unix seconds).
 */
export function verify(secret: string, headers: WebhookHeaders, body: string | Buffer, now = Date.now() / 1000): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (!id || !ts || !sigs || !/^\d+$/.test(ts)) return false;
  if (Math.abs(now - Number(ts)) > toleranceSeconds) return false;
  const want = Buffer.from(sign(secret, id, ts, body));
  // The header may list several signatures, separated by spaces (secret rotation).
  return sigs.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === want.length && timingSafeEqual(got, want);
  });
}
