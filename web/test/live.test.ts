import { describe, expect, it } from 'vitest';
import { reconnectDelay, websocketURL } from '../src/live';

describe('websocketURL', () => {
  it.each([
    ['/graphql', 'http://127.0.0.1:8080/explorer/firm/x', 'ws://127.0.0.1:8080/graphql'],
    ['/graphql', 'https://chainmatch.example/explorer/', 'wss://chainmatch.example/graphql'],
    ['https://api.example/graphql', 'http://localhost/explorer/', 'wss://api.example/graphql'],
  ])('%s from %s is %s', (endpoint, page, want) => {
    expect(websocketURL(endpoint, page)).toBe(want);
  });
});

describe('reconnectDelay', () => {
  it('doubles from 1 s to a 30 s ceiling, with jitter in its upper half', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => reconnectDelay(n, () => 1))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect([0, 1, 5].map((n) => reconnectDelay(n, () => 0))).toEqual([500, 1000, 15000]);
  });
});
