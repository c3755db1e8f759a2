// Pure logic of the lead pipeline's views: the stage rules as the API
// states them (graph/lead.graphqls), the board's filter from the URL, and
// what counts as overdue.
import type { LeadFilter, LeadStage } from '../gql/operations';

/** Every stage, in the order of the funnel (the board's columns). */
export const STAGES: LeadStage[] = ['IDENTIFIED', 'CONTACTED', 'VISITED', 'NEGOTIATING', 'SIGNED', 'SETTLED', 'LOST'];

/** The open stages, in order. */
export const OPEN_STAGES: LeadStage[] = ['IDENTIFIED', 'CONTACTED', 'VISITED', 'NEGOTIATING', 'SIGNED'];

/** Whether a lead in this stage is still being worked on. */
export const isOpen = (s: LeadStage) => OPEN_STAGES.includes(s);

/**
 * The stages `moveLead` accepts from `from`: any later open stage, LOST from
 * an open stage, IDENTIFIED from LOST (reopen). SETTLED is `settleLead`'s,
 * and nothing leaves SETTLED.
 */
export function allowedMoves(from: LeadStage): LeadStage[] {
  if (from === 'LOST') return ['IDENTIFIED'];
  const i = OPEN_STAGES.indexOf(from);
  if (i < 0) return [];
  return [...OPEN_STAGES.slice(i + 1), 'LOST'];
}

/** Whether `settleLead` applies: only from SIGNED. */
export const canSettle = (s: LeadStage) => s === 'SIGNED';

/** The board's filter choices, as kept in the URL. */
export interface BoardFilter {
  owner?: string;
  chainId?: string;
  districtCode?: string;
  parkId?: string;
  overdue: boolean;
}

/** Reads the board's filter from the URL's query (owner, chain, district, park, overdue=1). */
export function boardFilter(params: URLSearchParams): BoardFilter {
  const get = (k: string) => params.get(k)?.trim() || undefined;
  return { owner: get('owner'), chainId: get('chain'), districtCode: get('district'), parkId: get('park'), overdue: params.get('overdue') === '1' };
}

/** The URL query of a board filter (empty choices left out). */
export function boardParams(f: BoardFilter): Record<string, string | undefined> {
  return { owner: f.owner, chain: f.chainId, district: f.districtCode, park: f.parkId, overdue: f.overdue ? '1' : undefined };
}

/** The `leads` filter of one column: the board's filter and the column's stage. */
export function columnFilter(f: BoardFilter, stage: LeadStage): LeadFilter {
  const out: LeadFilter = { stage: [stage] };
  if (f.owner) out.owner = f.owner;
  if (f.chainId) out.chainId = f.chainId;
  if (f.districtCode) out.districtCode = f.districtCode;
  if (f.parkId) out.parkId = f.parkId;
  if (f.overdue) out.nextActionOverdue = true;
  return out;
}

/** Whether an open lead's next action is past due at `now` (the API's `nextActionOverdue`). */
export function isOverdue(stage: LeadStage, nextActionAt: string | null | undefined, now: number): boolean {
  return isOpen(stage) && !!nextActionAt && Date.parse(nextActionAt) < now;
}

/** An amount of yuan the way staff say it: 亿 / 万 in Chinese, million / billion in English. */
export function formatYuan(n: number, lang: 'zh' | 'en'): string {
  const trim = (x: number) => (Math.round(x * 100) / 100).toString();
  if (lang === 'zh') {
    if (n >= 1e8) return `${trim(n / 1e8)} 亿元`;
    if (n >= 1e4) return `${trim(n / 1e4)} 万元`;
    return `${trim(n)} 元`;
  }
  if (n >= 1e9) return `CNY ${trim(n / 1e9)} bn`;
  if (n >= 1e6) return `CNY ${trim(n / 1e6)} m`;
  return `CNY ${trim(n)}`;
}

/** A date-time as a local calendar date (YYYY-MM-DD), for date inputs and cards. */
export function isoDay(at: string | null | undefined): string {
  if (!at) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A date input's value (YYYY-MM-DD) as the DateTime of 09:00 local time that day; undefined when empty or invalid. */
export function dayToDateTime(day: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 9, 0, 0);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A severity 0..1 as a whole percentage. */
export const pct = (x: number) => `${Math.round(x * 100)}%`;
