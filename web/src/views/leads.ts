// The lead pipeline board: a column per stage (a vertical list of stages on
// phones) with its count and median days, the conversion rate, filters kept
// in the URL, and cards that open the lead page. Staff and admins only.
import { html, nothing, type TemplateResult } from 'lit-html';
import { href, leadHref, linkClick, navigate, rerender, resource, type Route } from '../app';
import type { LeadsQuery, LeadsQueryVariables, LeadStage, PipelineQuery, PipelineQueryVariables } from '../gql/operations';
import leadsDoc from '../graphql/Leads.graphql?raw';
import pipelineDoc from '../graphql/Pipeline.graphql?raw';
import { getLang, nameOf, t, type Key } from '../i18n';
import { STAGES, boardFilter, boardParams, columnFilter, formatYuan, isOverdue, isoDay, pct, type BoardFilter } from '../logic/leads';
import { emptyBox, errorBox, loadingBox, show } from '../ui';
import { staffState } from '../viewer';

/** Leads per column page. */
export const COLUMN_PAGE = 10;

/** The cursors of the pages shown per column ("load more"), by filter and stage. */
const pages = new Map<string, (string | null)[]>();

type Card = LeadsQuery['leads']['edges'][number]['node'];

export const stageLabel = (s: LeadStage) => t(`leadStage_${s}` as Key);

/** Shown instead of a staff-only page to anyone else. */
export function staffOnly(): TemplateResult | null {
  const s = staffState();
  if (s === 'checking') return loadingBox();
  if (s === 'no') return html`<div class="state empty" role="status" data-testid="staff-only">${t('leadsStaffOnly')}</div>`;
  return null;
}

function card(n: Card): TemplateResult {
  const late = isOverdue(n.stage, n.nextActionAt, Date.now());
  return html`<li class="leadcard" data-testid="lead-card" data-lead=${n.id}>
    <a class="who" data-testid="lead-link" href=${leadHref(n.id)} @click=${linkClick}>${nameOf(n.enterprise)}</a>
    ${n.chain || n.targetPark ? html`<div class="meta">${[n.chain, n.targetPark].filter(Boolean).map((x) => nameOf(x)).join(' · ')}</div>` : nothing}
    <div class="meta">${t('owner')}: ${n.owner}</div>
    ${n.expectedInvestmentYuan != null ? html`<div class="meta">${t('expectedInvestment')}: ${formatYuan(n.expectedInvestmentYuan, getLang())}</div>` : nothing}
    ${n.nextActionAt
      ? html`<div class="meta ${late ? 'late' : ''}">${t('nextAction')}: ${isoDay(n.nextActionAt)}${late ? html` <span class="badge overdue">${t('overdue')}</span>` : nothing}</div>`
      : nothing}
  </li>`;
}

function column(stage: LeadStage, f: BoardFilter, days: number | null | undefined): TemplateResult {
  const key = JSON.stringify([f, stage]);
  const cursors = pages.get(key) ?? [null];
  const rs = cursors.map((after) =>
    resource<LeadsQuery, LeadsQueryVariables>(leadsDoc, { filter: columnFilter(f, stage), first: COLUMN_PAGE, after }, 'Leads'),
  );
  const count = rs[0].status === 'ok' ? rs[0].data!.leads.totalCount : undefined;
  const last = rs[rs.length - 1];
  const next = last.status === 'ok' && last.data!.leads.pageInfo.hasNextPage ? last.data!.leads.pageInfo.endCursor : null;
  return html`<section class="stagecol stage-${stage.toLowerCase()}" data-testid="stage-column" data-stage=${stage} aria-labelledby="col-${stage}">
    <header>
      <h2 id="col-${stage}">${stageLabel(stage)} <span class="count" data-testid="stage-count">${count ?? '…'}</span></h2>
      ${days != null ? html`<small class="muted">${t('medianDays', { n: days.toFixed(1) })}</small>` : nothing}
    </header>
    ${rs.map((r) => {
      if (r.status === 'loading') return loadingBox();
      if (r.status === 'error') return errorBox(r.error);
      const edges = r.data!.leads.edges;
      return edges.length ? html`<ul class="leadcards">${edges.map((e) => card(e.node))}</ul>` : nothing;
    })}
    ${count === 0 ? emptyBox(t('columnEmpty')) : nothing}
    ${next
      ? html`<button class="btn small more" data-testid="load-more" @click=${() => {
          pages.set(key, [...cursors, next]);
          rerender();
        }}>${t('loadMore')}</button>`
      : nothing}
  </section>`;
}

function filterForm(f: BoardFilter, d: PipelineQuery): TemplateResult {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const v = (k: string) => String(form.get(k) ?? '').trim() || undefined;
    navigate(href('leads', boardParams({ owner: v('owner'), chainId: v('chain'), districtCode: v('district'), parkId: v('park'), overdue: form.get('overdue') === '1' })), true);
  };
  const opt = (value: string, label: string, selected: boolean) => html`<option value=${value} ?selected=${selected}>${label}</option>`;
  return html`<form class="filters leadfilters" data-testid="lead-filters" @submit=${submit}>
    <label>${t('filterOwner')} <input name="owner" .value=${f.owner ?? ''} data-testid="filter-owner" /></label>
    <label>${t('filterChain')}
      <select name="chain" data-testid="filter-chain">${opt('', t('filterAny'), !f.chainId)}${d.chains.map((c) => opt(c.id, nameOf(c), c.id === f.chainId))}</select></label>
    <label>${t('filterDistrict')}
      <select name="district" data-testid="filter-district">${opt('', t('filterAny'), !f.districtCode)}${d.districts.map((x) => opt(x.code, nameOf(x), x.code === f.districtCode))}</select></label>
    <label>${t('filterPark')}
      <select name="park" data-testid="filter-park">${opt('', t('filterAny'), !f.parkId)}${d.parks.map((p) => opt(p.id, nameOf(p), p.id === f.parkId))}</select></label>
    <label class="check"><input type="checkbox" name="overdue" value="1" ?checked=${f.overdue} data-testid="filter-overdue" /> ${t('filterOverdue')}</label>
    <button class="btn primary" type="submit" data-testid="filter-apply">${t('applyFilter')}</button>
    <a href=${href('leads')} @click=${linkClick}>${t('clearFilter')}</a>
  </form>`;
}

/** /explorer/leads: the board. */
export function leadsView(route: Route): TemplateResult {
  const gate = staffOnly();
  if (gate) return gate;
  const f = boardFilter(route.params);
  const p = resource<PipelineQuery, PipelineQueryVariables>(pipelineDoc, { chainId: f.chainId ?? null, districtCode: f.districtCode ?? null }, 'Pipeline');
  return show(p, (d) => {
    const days = new Map(d.pipeline.medianDaysInStage.map((x) => [x.stage, x.days]));
    return html`<article class="leadspage" data-testid="leads">
      <h1>${t('leadsTitle')}</h1>
      <p class="muted">${t('leadsHelp')}</p>
      ${filterForm(f, d)}
      <p class="pipefigures"><strong data-testid="conversion">${t('conversionRate', { p: pct(d.pipeline.conversionRate) })}</strong>
        <span class="muted">${t('pipelineScope')}</span></p>
      <div class="board" data-testid="board">${STAGES.map((s) => column(s, f, days.get(s)))}</div>
    </article>`;
  });
}
