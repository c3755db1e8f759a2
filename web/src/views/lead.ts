// The lead page: the firm and the lead's details, its next action, the stage
// moves the rules allow, the activity log, the stage history, the what-if of
// settling in a park and, for a signed lead, settling it. Every write carries
// the version last read; a stale one (CONFLICT) says so plainly and reloads.
import { html, nothing, type TemplateResult } from 'lit-html';
import { request } from '../api';
import { chainHref, firmHref, href, linkClick, refresh, rerender, resource, type Route } from '../app';
import { ApiError, userMessage } from '../errors';
import type {
  LeadActivityKind,
  LeadQuery,
  LeadQueryVariables,
  LeadStage,
  LogLeadActivityMutation,
  LogLeadActivityMutationVariables,
  MoveLeadMutation,
  MoveLeadMutationVariables,
  SettleLeadMutation,
  SettleLeadMutationVariables,
  SettlementImpactQuery,
  SettlementImpactQueryVariables,
  UpdateLeadNextActionMutation,
  UpdateLeadNextActionMutationVariables,
} from '../gql/operations';
import leadDoc from '../graphql/Lead.graphql?raw';
import mutationsDoc from '../graphql/LeadMutations.graphql?raw';
import impactDoc from '../graphql/SettlementImpact.graphql?raw';
import { altNameOf, getLang, nameOf, t, type Key } from '../i18n';
import { allowedMoves, canSettle, dayToDateTime, formatYuan, isOpen, isOverdue, isoDay, pct } from '../logic/leads';
import { severityStyle } from '../logic/severity';
import { emptyBox, localBadge, show } from '../ui';
import { stageLabel, staffOnly } from './leads';

type Lead = Extract<NonNullable<LeadQuery['node']>, { stage: LeadStage }>;

/** The activity kinds the log form offers, visits first. */
const KINDS: LeadActivityKind[] = ['VISIT', 'CALL', 'MEETING', 'EMAIL', 'NOTE'];

/** The outcome of the last write on the page, shown until the next one. */
let notice: { leadId: string; kind: 'ok' | 'error' | 'conflict'; text: string } | undefined;
let busy = false;
/** The park the what-if is shown for, per lead (set by "show the what-if"). */
const whatIfPark = new Map<string, string>();

/** Runs one write; on CONFLICT reloads the lead and says why. */
async function act(leadId: string, run: () => Promise<unknown>, ok: string): Promise<void> {
  busy = true;
  notice = undefined;
  rerender();
  try {
    await run();
    notice = { leadId, kind: 'ok', text: ok };
  } catch (err) {
    const current = err instanceof ApiError ? err.details.extensions?.currentVersion : undefined;
    if (err instanceof ApiError && err.code === 'CONFLICT' && current != null) notice = { leadId, kind: 'conflict', text: t('conflictReloaded', { n: String(current) }) };
    else notice = { leadId, kind: 'error', text: userMessage(err, true) };
  } finally {
    busy = false;
    // The lead (and everything a settlement changes) loads again.
    refresh(['Lead']);
  }
}

const formValue = (e: Event, name: string) => String(new FormData(e.target as HTMLFormElement).get(name) ?? '').trim();

function noticeBox(leadId: string): TemplateResult | typeof nothing {
  if (!notice || notice.leadId !== leadId) return nothing;
  const cls = notice.kind === 'ok' ? 'ok' : notice.kind === 'conflict' ? 'warning' : 'error';
  return html`<div class="state ${cls}" role=${notice.kind === 'ok' ? 'status' : 'alert'} data-testid="lead-notice" data-kind=${notice.kind}>${notice.text}</div>`;
}

function details(l: Lead): TemplateResult {
  const late = isOverdue(l.stage, l.nextActionAt, Date.now());
  const saveNext = (e: Event) => {
    e.preventDefault();
    const at = dayToDateTime(formValue(e, 'next'));
    const input = at ? { nextActionAt: at } : { clear: ['NEXT_ACTION' as const] };
    void act(l.id, () => request<UpdateLeadNextActionMutation, UpdateLeadNextActionMutationVariables>(mutationsDoc, { id: l.id, expectedVersion: l.version, input }, 'UpdateLeadNextAction'), t('saved'));
  };
  return html`<dl class="facts">
      <dt>${t('owner')}</dt><dd data-testid="lead-owner">${l.owner}</dd>
      ${l.chain ? html`<dt>${t('filterChain')}</dt><dd><a href=${chainHref(l.chain.id)} @click=${linkClick}>${nameOf(l.chain)}</a></dd>` : nothing}
      ${l.targetPark ? html`<dt>${t('targetPark')}</dt><dd>${nameOf(l.targetPark)} · ${nameOf(l.targetPark.district)}</dd>` : nothing}
      ${l.products.length ? html`<dt>${t('leadProducts')}</dt><dd>${l.products.map((p) => html`<span class="badge gap">${nameOf(p)}</span>`)}</dd>` : nothing}
      ${l.expectedInvestmentYuan != null ? html`<dt>${t('expectedInvestment')}</dt><dd>${formatYuan(l.expectedInvestmentYuan, getLang())}</dd>` : nothing}
      <dt>${t('nextAction')}</dt>
      <dd>
        <form class="inline" @submit=${saveNext}>
          <input type="date" name="next" aria-label=${t('nextAction')} .value=${isoDay(l.nextActionAt)} data-testid="next-action" />
          <button class="btn small" type="submit" ?disabled=${busy}>${t('save')}</button>
          ${late ? html`<span class="badge overdue">${t('overdue')}</span>` : nothing}
        </form>
      </dd>
    </dl>`;
}

function moves(l: Lead): TemplateResult {
  const targets = allowedMoves(l.stage);
  const move = (to: LeadStage) => {
    const note = (document.querySelector<HTMLInputElement>('[data-testid=move-note]')?.value ?? '').trim();
    void act(
      l.id,
      () => request<MoveLeadMutation, MoveLeadMutationVariables>(mutationsDoc, { id: l.id, stage: to, expectedVersion: l.version, note: note || null }, 'MoveLead'),
      t('moved', { s: stageLabel(to) }),
    );
  };
  return html`<section class="card" aria-labelledby="moves-title">
    <h2 id="moves-title">${t('stageMoves')}</h2>
    ${targets.length
      ? html`<label class="stack">${t('moveNote')} <input data-testid="move-note" maxlength="4000" /></label>
          <div class="movebuttons">
            ${targets.map(
              (to) => html`<button class="btn ${to === 'LOST' ? '' : 'primary'}" data-testid="move" data-to=${to} ?disabled=${busy} @click=${() => move(to)}>${t('moveTo', { s: stageLabel(to) })}</button>`,
            )}
          </div>
          ${canSettle(l.stage) ? html`<p class="muted">${t('settleHelp')}</p>` : nothing}`
      : html`<p class="muted">${t('noMoves')}</p>`}
  </section>`;
}

function activityLog(l: Lead): TemplateResult {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const kind = formValue(e, 'kind') as LeadActivityKind;
    const note = formValue(e, 'note');
    void act(
      l.id,
      async () => {
        await request<LogLeadActivityMutation, LogLeadActivityMutationVariables>(mutationsDoc, { leadId: l.id, input: { kind, note } }, 'LogLeadActivity');
        form.reset();
      },
      t('activityLogged'),
    );
  };
  const acts = l.activities.edges.map((e) => e.node);
  return html`<section class="card" aria-labelledby="acts-title">
    <h2 id="acts-title">${t('activitiesTitle')}</h2>
    <form class="logform" data-testid="activity-form" @submit=${submit}>
      <label>${t('activityKind')}
        <select name="kind" data-testid="activity-kind">${KINDS.map((k) => html`<option value=${k}>${t(`act_${k}` as Key)}</option>`)}</select></label>
      <label class="grow">${t('activityNote')}
        <textarea name="note" rows="2" required maxlength="4000" data-testid="activity-note"></textarea></label>
      <button class="btn primary" type="submit" data-testid="activity-submit" ?disabled=${busy}>${t('logActivity')}</button>
    </form>
    ${acts.length
      ? html`<ol class="timeline" data-testid="activities">
          ${acts.map(
            (a) => html`<li data-testid="activity" data-kind=${a.kind}>
              <span class="badge">${t(`act_${a.kind}` as Key)}</span> <time datetime=${a.at}>${isoDay(a.at)}</time> · ${a.author}
              <div>${a.note}</div>
            </li>`,
          )}
        </ol>`
      : emptyBox(t('activitiesEmpty'))}
  </section>`;
}

function history(l: Lead): TemplateResult {
  return html`<section class="card" aria-labelledby="hist-title">
    <h2 id="hist-title">${t('historyTitle')}</h2>
    <ol class="timeline" data-testid="stage-history">
      ${l.stageHistory.map(
        (h) => html`<li>
          <strong>${h.from ? html`${stageLabel(h.from)} → ` : nothing}${stageLabel(h.to)}</strong>
          <time datetime=${h.at}>${isoDay(h.at)}</time> · ${h.by}${h.from ? nothing : html` · ${t('historyCreated')}`}
          ${h.note ? html`<div class="muted">${h.note}</div>` : nothing}
        </li>`,
      )}
    </ol>
  </section>`;
}

function parkSelect(name: string, testid: string, parks: LeadQuery['parks'], selected: string | undefined): TemplateResult {
  return html`<select name=${name} data-testid=${testid} required>
    ${parks.map((p) => html`<option value=${p.id} ?selected=${p.id === selected}>${nameOf(p)}</option>`)}
  </select>`;
}

function impactView(d: SettlementImpactQuery): TemplateResult {
  const s = d.settlementImpact;
  const eligible = s.incentives.filter((x) => x.eligible);
  return html`<div data-testid="whatif">
    <h3>${t('whatIfGaps')}</h3>
    ${s.gaps.length
      ? html`<div class="tablewrap"><table class="impact" data-testid="whatif-gaps">
          <thead><tr><th scope="col">${t('product')}</th><th scope="col">${t('severity')} (${t('beforeAfter')})</th><th scope="col">${t('localSupplyDemand').split('/')[0].trim()} (${t('beforeAfter')})</th></tr></thead>
          <tbody>
            ${s.gaps.map((g) => {
              const [b, a] = [severityStyle(g.severityBefore), severityStyle(g.severityAfter)];
              return html`<tr data-testid="gap-change" data-product=${g.product.id} data-before=${g.severityBefore} data-after=${g.severityAfter}>
                <td>${nameOf(g.product)}</td>
                <td><span class="swatch" style="background:${b.background};color:${b.foreground}">${pct(g.severityBefore)}</span> →
                  <span class="swatch" style="background:${a.background};color:${a.foreground}">${pct(g.severityAfter)}</span></td>
                <td data-testid="supply-change">${g.localSupplyBefore} → ${g.localSupplyAfter}</td>
              </tr>`;
            })}
          </tbody>
        </table></div>`
      : emptyBox(t('whatIfNoGaps'))}
    <ul class="plain whatif-figures" data-testid="whatif-figures">
      <li data-testid="little-giants">${t('littleGiantsChange', { a: d.cultivationProgress.nationalLittleGiants, b: s.nationalLittleGiantsAfter })}</li>
      <li>${t('srdiChange', { a: d.cultivationProgress.provincialSRDI, b: s.provincialSRDIAfter })}</li>
      <li>${t('newSupplierFor', { n: s.newSupplierFor.length })}</li>
      <li>${t('newCustomerFor', { n: s.newCustomerFor.length })}</li>
      <li>${t('incentivesEligible', { n: eligible.length })}${eligible.length ? `: ${eligible.map((x) => nameOf(x.incentive)).join('、')}` : ''}</li>
    </ul>
  </div>`;
}

function whatIf(l: Lead, parks: LeadQuery['parks']): TemplateResult {
  const chosen = whatIfPark.get(l.id);
  const show_ = (e: Event) => {
    e.preventDefault();
    whatIfPark.set(l.id, formValue(e, 'park'));
    rerender();
  };
  const settle = (e: Event) => {
    e.preventDefault();
    const parkId = formValue(e, 'park');
    void act(l.id, () => request<SettleLeadMutation, SettleLeadMutationVariables>(mutationsDoc, { id: l.id, expectedVersion: l.version, parkId }, 'SettleLead'), t('settledDone'));
  };
  const r = chosen ? resource<SettlementImpactQuery, SettlementImpactQueryVariables>(impactDoc, { enterpriseId: l.enterprise.id, parkId: chosen }, 'SettlementImpact') : undefined;
  return html`<section class="card" aria-labelledby="whatif-title">
    <h2 id="whatif-title">${t('whatIfTitle')}</h2>
    <p class="muted">${t('whatIfHelp')}</p>
    <form class="inline" @submit=${show_}>
      <label>${t('whatIfPark')} ${parkSelect('park', 'whatif-park', parks, chosen ?? l.targetPark?.id)}</label>
      <button class="btn" type="submit" data-testid="whatif-show">${t('whatIfShow')}</button>
    </form>
    ${r ? show(r, impactView) : nothing}
    ${l.stage === 'SETTLED'
      ? nothing
      : canSettle(l.stage)
        ? html`<form class="inline settle" data-testid="settle-form" @submit=${settle}>
            <label>${t('whatIfPark')} ${parkSelect('park', 'settle-park', parks, chosen ?? l.targetPark?.id)}</label>
            <button class="btn primary" type="submit" data-testid="settle" ?disabled=${busy}>${t('settleAction')}</button>
          </form>`
        : isOpen(l.stage)
          ? html`<p class="muted">${t('settleOnlySigned')}</p>`
          : nothing}
  </section>`;
}

/** /explorer/lead/<id>: one lead. */
export function leadView(route: Route): TemplateResult {
  const gate = staffOnly();
  if (gate) return gate;
  const r = resource<LeadQuery, LeadQueryVariables>(leadDoc, { id: route.id! }, 'Lead');
  return show(r, (d) => {
    const l = d.node as Lead | null;
    if (!l || !('stage' in l)) return emptyBox(t('notFound'));
    return html`<article class="leadpage" data-testid="lead" data-stage=${l.stage} data-version=${l.version}>
      <p><a href=${href('leads')} @click=${linkClick}>← ${t('leadsTitle')}</a></p>
      <header class="card leadhead">
        <div class="titleline">
          <h1 data-testid="lead-firm"><a href=${firmHref(l.enterprise.id)} @click=${linkClick}>${nameOf(l.enterprise)}</a></h1>
          ${localBadge(l.enterprise.isLocal)}
          <span class="badge leadstage stage-${l.stage.toLowerCase()}" data-testid="lead-stage">${stageLabel(l.stage)}</span>
          <span class="muted" data-testid="lead-version">${t('leadVersion', { n: l.version })}</span>
        </div>
        ${altNameOf(l.enterprise) ? html`<p class="alt">${altNameOf(l.enterprise)}</p>` : nothing}
        ${details(l)}
      </header>
      ${noticeBox(l.id)}
      <div class="grid2 leadgrid">
        ${moves(l)}
        ${whatIf(l, d.parks)}
        ${activityLog(l)}
        ${history(l)}
      </div>
    </article>`;
  });
}
