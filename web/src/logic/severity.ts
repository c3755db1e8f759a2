// Chain-gap severity (0..1, 1 = demand with no local supply) as a colour band.

export type SeverityBand = 'none' | 'low' | 'moderate' | 'high' | 'critical';

export interface SeverityStyle {
  band: SeverityBand;
  /** Background colour of the product card. */
  background: string;
  /** Text colour readable on that background. */
  foreground: string;
}

const STYLES: Record<SeverityBand, Omit<SeverityStyle, 'band'>> = {
  none: { background: '#e6f4ea', foreground: '#1e4620' },
  low: { background: '#fff3bf', foreground: '#5c4400' },
  moderate: { background: '#ffc078', foreground: '#4a2600' },
  high: { background: '#c2410c', foreground: '#ffffff' },
  critical: { background: '#c92a2a', foreground: '#ffffff' },
};

/** The band for a severity; undefined, NaN and values <= 0 mean no gap. */
export function severityBand(severity: number | null | undefined): SeverityBand {
  if (severity == null || Number.isNaN(severity) || severity <= 0) return 'none';
  if (severity >= 0.8) return 'critical';
  if (severity >= 0.5) return 'high';
  if (severity >= 0.2) return 'moderate';
  return 'low';
}

export function severityStyle(severity: number | null | undefined): SeverityStyle {
  const band = severityBand(severity);
  return { band, ...STYLES[band] };
}

/** Bands from mild to severe, for the legend. */
export const SEVERITY_BANDS: SeverityBand[] = ['none', 'low', 'moderate', 'high', 'critical'];
export const SEVERITY_LEGEND_SAMPLE: Record<SeverityBand, number> = {
  none: 0,
  low: 0.1,
  moderate: 0.3,
  high: 0.6,
  critical: 1,
};
