// Score bars and the breakdown of a match score into its named components.
import type { ScoreComponent } from '../types';

/** Width of a 0..1 score bar as a CSS percentage; a non-zero score stays visible. */
export function scoreWidth(score: number | null | undefined): string {
  if (score == null || Number.isNaN(score) || score <= 0) return '0%';
  const pct = Math.min(score, 1) * 100;
  return `${Math.max(pct, 2).toFixed(1)}%`;
}

/** 0.8734 -> "87". */
export function scorePercent(score: number): string {
  if (Number.isNaN(score)) return '–';
  return String(Math.round(Math.min(Math.max(score, 0), 1) * 100));
}

export interface ComponentRow {
  name: string;
  weight: number;
  value: number;
  /** weight * value: what the component adds to the score. */
  contribution: number;
  /** Share of the total score, 0..1 (0 when the score is 0). */
  share: number;
  /** "0.40 × 0.90 = 0.36". */
  formula: string;
  /** Bar width of the contribution on the 0..1 score scale. */
  width: string;
}

/** Rows for the breakdown table, biggest contribution first (ties by name). */
export function componentRows(components: ScoreComponent[]): ComponentRow[] {
  const total = components.reduce((s, c) => s + c.weight * c.value, 0);
  return components
    .map((c) => {
      const contribution = c.weight * c.value;
      return {
        name: c.name,
        weight: c.weight,
        value: c.value,
        contribution,
        share: total > 0 ? contribution / total : 0,
        formula: `${c.weight.toFixed(2)} × ${c.value.toFixed(2)} = ${contribution.toFixed(2)}`,
        width: scoreWidth(contribution),
      };
    })
    .sort((a, b) => b.contribution - a.contribution || a.name.localeCompare(b.name));
}

/** sum(weight * value): the score the components add up to. */
export function recomputeScore(components: ScoreComponent[]): number {
  return components.reduce((s, c) => s + c.weight * c.value, 0);
}

/** 12.345 -> "12.3 km"; below 1 km in metres. */
export function formatDistance(km: number | null | undefined): string {
  if (km == null || Number.isNaN(km)) return '';
  if (km < 1) return `${Math.round(km * 1000)} m`;
  return `${km < 100 ? km.toFixed(1) : Math.round(km)} km`;
}
