import { describe, expect, it } from 'vitest';
import { componentRows, formatDistance, recomputeScore, scorePercent, scoreWidth } from '../src/logic/score';

describe('scoreWidth', () => {
  it.each([
    [0, '0%'],
    [-1, '0%'],
    [null, '0%'],
    [Number.NaN, '0%'],
    [0.001, '2.0%'],
    [0.5, '50.0%'],
    [0.8734, '87.3%'],
    [1, '100.0%'],
    [1.7, '100.0%'],
  ])('%s -> %s', (score, width) => {
    expect(scoreWidth(score as number)).toBe(width);
  });

  it('scorePercent rounds and clamps', () => {
    expect(scorePercent(0.8734)).toBe('87');
    expect(scorePercent(1.2)).toBe('100');
    expect(scorePercent(-0.1)).toBe('0');
  });
});

describe('componentRows', () => {
  const components = [
    { name: 'proximity', weight: 0.2, value: 0.5 },
    { name: 'productFit', weight: 0.4, value: 1 },
    { name: 'qualification', weight: 0.15, value: 0 },
    { name: 'network', weight: 0.25, value: 0.3 },
  ];

  it('orders by contribution and explains each as weight × value', () => {
    const rows = componentRows(components);
    expect(rows.map((r) => r.name)).toEqual(['productFit', 'proximity', 'network', 'qualification']);
    expect(rows[0].formula).toBe('0.40 × 1.00 = 0.40');
    expect(rows[1].formula).toBe('0.20 × 0.50 = 0.10');
    expect(rows[3].width).toBe('0%');
    expect(rows[0].width).toBe('40.0%');
  });

  it('shares add up to one and contributions to the score', () => {
    const rows = componentRows(components);
    const score = recomputeScore(components);
    expect(score).toBeCloseTo(0.575, 10);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 10);
    expect(rows.reduce((s, r) => s + r.contribution, 0)).toBeCloseTo(score, 10);
  });

  it('handles an all-zero score and no components', () => {
    expect(componentRows([{ name: 'a', weight: 1, value: 0 }])[0].share).toBe(0);
    expect(componentRows([])).toEqual([]);
  });
});

describe('formatDistance', () => {
  it.each([
    [null, ''],
    [0.4, '400 m'],
    [12.345, '12.3 km'],
    [250.6, '251 km'],
  ])('%s -> %s', (km, s) => {
    expect(formatDistance(km as number)).toBe(s);
  });
});
