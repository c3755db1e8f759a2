import { describe, expect, it } from 'vitest';
import { SEVERITY_BANDS, SEVERITY_LEGEND_SAMPLE, severityBand, severityStyle } from '../src/logic/severity';

describe('severityBand', () => {
  it.each([
    [undefined, 'none'],
    [null, 'none'],
    [Number.NaN, 'none'],
    [-0.2, 'none'],
    [0, 'none'],
    [0.01, 'low'],
    [0.19, 'low'],
    [0.2, 'moderate'],
    [0.49, 'moderate'],
    [0.5, 'high'],
    [0.79, 'high'],
    [0.8, 'critical'],
    [1, 'critical'],
    [1.3, 'critical'],
  ])('%s -> %s', (sev, band) => {
    expect(severityBand(sev as number)).toBe(band);
  });

  it('gets redder as severity grows, with readable text', () => {
    const styles = SEVERITY_BANDS.map((b) => severityStyle(SEVERITY_LEGEND_SAMPLE[b]));
    expect(styles.map((s) => s.band)).toEqual(SEVERITY_BANDS);
    expect(new Set(styles.map((s) => s.background)).size).toBe(SEVERITY_BANDS.length);
    expect(severityStyle(1)).toEqual({ band: 'critical', background: '#c92a2a', foreground: '#ffffff' });
    expect(severityStyle(0).foreground).not.toBe('#ffffff');
  });
});
