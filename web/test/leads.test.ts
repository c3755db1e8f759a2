import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_STAGES, STAGES, allowedMoves, boardFilter, boardParams, canSettle, columnFilter, dayToDateTime, formatYuan, isOverdue, isoDay } from '../src/logic/leads';

describe('stage rules (as graph/lead.graphqls states them)', () => {
  it('lists every LeadStage of the schema, in funnel order', () => {
    const sdl = readFileSync(join(__dirname, '..', '..', 'graph', 'lead.graphqls'), 'utf8');
    const body = /enum LeadStage \{([^}]*)\}/.exec(sdl)![1];
    const values = body.split('\n').map((l) => l.trim()).filter((l) => /^[A-Z_]+$/.test(l));
    expect(STAGES).toEqual(values);
  });

  it.each([
    ['IDENTIFIED', ['CONTACTED', 'VISITED', 'NEGOTIATING', 'SIGNED', 'LOST']],
    ['VISITED', ['NEGOTIATING', 'SIGNED', 'LOST']],
    ['SIGNED', ['LOST']],
    ['SETTLED', []],
    ['LOST', ['IDENTIFIED']],
  ] as const)('from %s', (from, want) => {
    expect(allowedMoves(from)).toEqual(want);
  });

  it('never offers SETTLED, the same stage or a step back', () => {
    for (const from of STAGES) {
      const moves = allowedMoves(from);
      expect(moves).not.toContain('SETTLED');
      expect(moves).not.toContain(from);
      if (from !== 'LOST') for (const to of moves) if (to !== 'LOST') expect(OPEN_STAGES.indexOf(to)).toBeGreaterThan(OPEN_STAGES.indexOf(from));
    }
  });

  it('settles from SIGNED only', () => {
    expect(STAGES.filter(canSettle)).toEqual(['SIGNED']);
  });
});

describe('board filter', () => {
  it('reads the URL and writes it back', () => {
    const f = boardFilter(new URLSearchParams('owner=%E5%BC%A0%E4%BC%9F&chain=c1&district=330402&park=p1&overdue=1'));
    expect(f).toEqual({ owner: '张伟', chainId: 'c1', districtCode: '330402', parkId: 'p1', overdue: true });
    expect(boardParams(f)).toEqual({ owner: '张伟', chain: 'c1', district: '330402', park: 'p1', overdue: '1' });
  });

  it('leaves out empty choices', () => {
    const f = boardFilter(new URLSearchParams('owner=+&overdue=0'));
    expect(f).toEqual({ owner: undefined, chainId: undefined, districtCode: undefined, parkId: undefined, overdue: false });
    expect(columnFilter(f, 'SIGNED')).toEqual({ stage: ['SIGNED'] });
  });

  it('gives each column the board filter and its stage', () => {
    const f = boardFilter(new URLSearchParams('chain=c1&overdue=1'));
    expect(columnFilter(f, 'VISITED')).toEqual({ stage: ['VISITED'], chainId: 'c1', nextActionOverdue: true });
  });
});

describe('overdue, dates and amounts', () => {
  const now = Date.parse('2026-10-01T00:00:00Z');
  it('is overdue only when open and past', () => {
    expect(isOverdue('CONTACTED', '2026-09-30T00:00:00Z', now)).toBe(true);
    expect(isOverdue('CONTACTED', '2026-10-02T00:00:00Z', now)).toBe(false);
    expect(isOverdue('LOST', '2026-09-30T00:00:00Z', now)).toBe(false);
    expect(isOverdue('SETTLED', '2026-09-30T00:00:00Z', now)).toBe(false);
    expect(isOverdue('IDENTIFIED', null, now)).toBe(false);
  });

  it('turns a date input into 09:00 local time and back', () => {
    const at = dayToDateTime('2026-11-05')!;
    expect(new Date(at).getHours()).toBe(9);
    expect(isoDay(at)).toBe('2026-11-05');
    expect(dayToDateTime('')).toBeUndefined();
    expect(dayToDateTime('5.11.2026')).toBeUndefined();
    expect(isoDay(null)).toBe('');
  });

  it('says amounts the way staff do', () => {
    expect(formatYuan(350_000_000, 'zh')).toBe('3.5 亿元');
    expect(formatYuan(50_000, 'zh')).toBe('5 万元');
    expect(formatYuan(350_000_000, 'en')).toBe('CNY 350 m');
    expect(formatYuan(1_200_000_000, 'en')).toBe('CNY 1.2 bn');
  });
});
