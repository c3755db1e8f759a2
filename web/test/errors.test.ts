import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, fromGraphQLErrors, parseRetryAfter, retryable, userMessage } from '../src/errors';
import { setLang } from '../src/i18n';

afterEach(() => setLang('zh'));

describe('fromGraphQLErrors', () => {
  it('prefers the first error with a contract code', () => {
    const e = fromGraphQLErrors([
      { message: 'odd' },
      { message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 7 } },
    ]);
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details.retryAfter).toBe(7);
  });

  it('keeps the offending field of bad input', () => {
    const e = fromGraphQLErrors([{ message: 'must be > 0', extensions: { code: 'BAD_USER_INPUT', field: 'input.maxDistanceKm' } }]);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details.field).toBe('input.maxDistanceKm');
  });

  it('falls back to HTTP for error statuses and UNKNOWN otherwise', () => {
    expect(fromGraphQLErrors([{ message: 'x' }], 500).code).toBe('HTTP');
    expect(fromGraphQLErrors([{ message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }], 200).code).toBe('UNKNOWN');
  });

  it('uses the Retry-After header when the error has none', () => {
    expect(fromGraphQLErrors([{ message: 'x', extensions: { code: 'RATE_LIMITED' } }], 429, 12).details.retryAfter).toBe(12);
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('userMessage', () => {
  it('maps every contract code to a distinct message in both languages', () => {
    const codes = ['DATABASE_UNAVAILABLE', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED', 'BAD_USER_INPUT', 'NOT_FOUND', 'QUERY_TOO_COMPLEX'] as const;
    for (const lang of ['zh', 'en'] as const) {
      setLang(lang);
      const msgs = codes.map((c) => userMessage(new ApiError(c, 'raw server text'), false));
      expect(new Set(msgs).size).toBe(codes.length);
      for (const m of msgs) expect(m).not.toMatch(/\{\w+\}/);
    }
  });

  it('tells a missing key from a rejected one', () => {
    setLang('en');
    const e = new ApiError('UNAUTHENTICATED', 'x');
    expect(userMessage(e, false)).toMatch(/paste a staff API key/);
    expect(userMessage(e, true)).toMatch(/not accepted/);
  });

  it('includes details where they help', () => {
    setLang('en');
    expect(userMessage(new ApiError('RATE_LIMITED', 'x', { retryAfter: 5 }), false)).toBe('Too many requests. Please try again in 5 s.');
    expect(userMessage(new ApiError('BAD_USER_INPUT', 'must be > 0', { field: 'maxDistanceKm' }), false)).toBe('Invalid input: maxDistanceKm: must be > 0');
    expect(userMessage(new ApiError('HTTP', 'Bad Gateway', { status: 502 }), false)).toContain('502');
    expect(userMessage(new Error('boom'), false)).toContain('boom');
  });

  it('offers retry only where it can help', () => {
    expect(retryable(new ApiError('DATABASE_UNAVAILABLE', 'x'))).toBe(true);
    expect(retryable(new ApiError('RATE_LIMITED', 'x'))).toBe(true);
    expect(retryable(new ApiError('FORBIDDEN', 'x'))).toBe(false);
    expect(retryable(new ApiError('BAD_USER_INPUT', 'x'))).toBe(false);
  });
});
