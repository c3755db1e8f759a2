import { describe, expect, it } from 'vitest';
import { districtRows, progress, yearlyPace } from '../src/logic/bars';

describe('cultivation bars', () => {
  it('progress against a target', () => {
    expect(progress(104, 200)).toEqual({ current: 104, target: 200, ratio: 0.52, remaining: 96, percent: '52%' });
    expect(progress(250, 200).ratio).toBe(1);
    expect(progress(250, 200).remaining).toBe(0);
    expect(progress(5, 0).ratio).toBe(0);
  });

  it('district rows share one scale and sort by national count', () => {
    const rows = districtRows(
      [
        { district: { code: '330402' }, nationalLittleGiants: 10, provincialSRDI: 40 },
        { district: { code: '330411' }, nationalLittleGiants: 20, provincialSRDI: 20 },
        { district: { code: '330421' }, nationalLittleGiants: 10, provincialSRDI: 50 },
      ],
      (c) => `d${c}`,
      200,
    );
    expect(rows.map((r) => r.code)).toEqual(['330411', '330421', '330402']);
    expect(rows[1]).toMatchObject({ label: 'd330421', provincialWidth: 200, nationalWidth: 40 });
    expect(rows[0].nationalWidth).toBe(80);
  });

  it('copes with no data', () => {
    expect(districtRows([{ district: { code: 'x' }, nationalLittleGiants: 0, provincialSRDI: 0 }], (c) => c, 100)[0].nationalWidth).toBe(0);
  });

  it('yearly pace to the target', () => {
    expect(yearlyPace(104, 200, 2027, 2025)).toBe(48);
    expect(yearlyPace(104, 200, 2027, 2030)).toBe(96);
    expect(yearlyPace(300, 200, 2027, 2025)).toBe(0);
  });
});
