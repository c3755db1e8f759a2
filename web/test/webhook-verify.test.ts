// The TypeScript webhook verification example of docs/changes.md
// (examples/webhooks/verify.ts) accepts chainmatch's signatures: the
// Standard Webhooks reference vector, and one made by the Go signer
// (internal/webhook TestSignatureSharedWithTheTypeScriptExample).
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../examples/webhooks/verify';

const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  ts: '1614265330',
  body: '{"test": 2432232314}',
  sig: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const chainmatch = {
  secret: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  id: 'ev-1',
  ts: '1767225600',
  body: '{"type":"ENTERPRISE_CREATED","id":"ev-1","at":"2026-01-01T00:00:00Z","data":{"entityId":"RW50","kind":"ENTERPRISE_CREATED"}}',
  sig: 'v1,El73ImOJ+3cS3WQTEYhTpjC0QBEz14PvEe5//FMpBqc=',
};

describe('webhook signature verification example', () => {
  it('matches the Standard Webhooks vector', () => {
    expect(sign(vector.secret, vector.id, vector.ts, vector.body)).toBe(vector.sig);
    const headers = { 'webhook-id': vector.id, 'webhook-timestamp': vector.ts, 'webhook-signature': vector.sig };
    expect(verify(vector.secret, headers, vector.body, Number(vector.ts))).toBe(true);
  });

  it('accepts what chainmatch signs and refuses tampering, other secrets and stale timestamps', () => {
    const headers = { 'webhook-id': chainmatch.id, 'webhook-timestamp': chainmatch.ts, 'webhook-signature': chainmatch.sig };
    const now = Number(chainmatch.ts) + 10;
    expect(verify(chainmatch.secret, headers, chainmatch.body, now)).toBe(true);
    expect(verify(chainmatch.secret, { ...headers, 'webhook-signature': `v1,bm9wZQ== ${chainmatch.sig}` }, chainmatch.body, now)).toBe(true);
    expect(verify(chainmatch.secret, headers, chainmatch.body.replace('RW50', 'RW51'), now)).toBe(false);
    expect(verify(vector.secret, headers, chainmatch.body, now)).toBe(false);
    expect(verify(chainmatch.secret, headers, chainmatch.body, now + 3600)).toBe(false);
    expect(verify(chainmatch.secret, { ...headers, 'webhook-id': 'ev-2' }, chainmatch.body, now)).toBe(false);
  });
});
