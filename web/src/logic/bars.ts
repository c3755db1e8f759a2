// Data for the cultivation charts (hand-made SVG bars).

export interface ProgressBar {
  current: number;
  target: number;
  /** current / target, 0..1 (capped). */
  ratio: number;
  /** Still to go, >= 0. */
  remaining: number;
  /** "52%" */
  percent: string;
}

export function progress(current: number, target: number): ProgressBar {
  const ratio = target > 0 ? Math.min(current / target, 1) : 0;
  return {
    current,
    target,
    ratio,
    remaining: Math.max(target - current, 0),
    percent: `${Math.round(ratio * 100)}%`,
  };
}

export interface DistrictBarRow {
  code: string;
  label: string;
  national: number;
  provincial: number;
  /** Bar lengths in px on a shared scale. */
  nationalWidth: number;
  provincialWidth: number;
}

/**
 * Rows for the per-district grouped bar chart: both series share one scale so
 * bars compare across districts; sorted by national little giants, then
 * provincial, then code.
 */
export function districtRows(
  rows: { district: { code: string }; nationalLittleGiants: number; provincialSRDI: number }[],
  label: (code: string) => string,
  maxWidth: number,
): DistrictBarRow[] {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.nationalLittleGiants, r.provincialSRDI)));
  return rows
    .map((r) => ({
      code: r.district.code,
      label: label(r.district.code),
      national: r.nationalLittleGiants,
      provincial: r.provincialSRDI,
      nationalWidth: Math.round((r.nationalLittleGiants / max) * maxWidth),
      provincialWidth: Math.round((r.provincialSRDI / max) * maxWidth),
    }))
    .sort((a, b) => b.national - a.national || b.provincial - a.provincial || a.code.localeCompare(b.code));
}

/** Required average per year from `now` to reach target by targetYear. */
export function yearlyPace(current: number, target: number, targetYear: number, now: number): number {
  const years = Math.max(targetYear - now, 1);
  return Math.max(Math.ceil((target - current) / years), 0);
}
