// Small building blocks shared by the views.
import { html, nothing, type TemplateResult } from 'lit-html';
import { invalidate, linkClick, firmHref, type Resource } from './app';
import { getApiKey } from './auth';
import { ApiError, retryable, userMessage, type GraphQLErrorItem } from './errors';
import { componentLabel, designationLabel, nameOf, t } from './i18n';
import { fitClass } from './logic/fit';
import { componentRows, formatDistance, scorePercent, scoreWidth } from './logic/score';
import type { DesignationGrant, Match, ScoreComponent } from './types';

export function loadingBox(): TemplateResult {
  return html`<div class="state loading" role="status" data-testid="loading"><span class="spinner" aria-hidden="true"></span>${t('loading')}</div>`;
}

export function emptyBox(message: string): TemplateResult {
  return html`<div class="state empty" data-testid="empty">${message}</div>`;
}

export function errorBox(err: unknown): TemplateResult {
  const code = err instanceof ApiError ? err.code : 'UNKNOWN';
  return html`<div class="state error" role="alert" data-testid="error" data-code=${code}>
    <strong>${userMessage(err, !!getApiKey())}</strong>
    ${retryable(err) ? html`<button class="btn small" @click=${() => invalidate()}>${t('retry')}</button>` : nothing}
  </div>`;
}

export function partialBanner(errors: GraphQLErrorItem[] | undefined): TemplateResult | typeof nothing {
  if (!errors?.length) return nothing;
  const first = errors[0];
  const err = new ApiError((first.extensions?.code as never) ?? 'UNKNOWN', first.message, { field: first.extensions?.field });
  return html`<div class="state warning" role="status" data-testid="partial">${t('partialData', { m: userMessage(err, !!getApiKey()) })}</div>`;
}

/** Renders a resource: loading, error, or the view of its data. */
export function show<T>(r: Resource<T>, view: (data: T) => TemplateResult): TemplateResult {
  if (r.status === 'loading') return loadingBox();
  if (r.status === 'error') return errorBox(r.error);
  return html`${partialBanner(r.partial)}${view(r.data as T)}`;
}

export function designationBadge(g: DesignationGrant): TemplateResult {
  return html`<span class="badge desig ${g.designation.toLowerCase()}" data-testid="designation">${designationLabel(g.designation)} <small>${g.year}</small></span>`;
}

export function localBadge(isLocal: boolean): TemplateResult {
  return html`<span class="badge ${isLocal ? 'local' : 'outside'}">${isLocal ? t('local') : t('nonLocal')}</span>`;
}

export function firmLink(f: { id: string; name: string; nameEn?: string | null }): TemplateResult {
  return html`<a href=${firmHref(f.id)} @click=${linkClick}>${nameOf(f)}</a>`;
}

export function scoreBar(score: number, label?: string): TemplateResult {
  return html`<div class="scorewrap">
    <div class="scorebar" role="meter" aria-valuemin="0" aria-valuemax="1" aria-valuenow=${score} aria-label=${label ?? t('score')}>
      <div class="fill" style="width:${scoreWidth(score)}"></div>
    </div>
    <span class="num" title=${t('score')}>${scorePercent(score)}</span>
  </div>`;
}

export function breakdown(components: ScoreComponent[]): TemplateResult {
  const rows = componentRows(components);
  if (!rows.length) return html``;
  return html`<details class="breakdown" data-testid="breakdown">
    <summary>${t('breakdown')}</summary>
    <table>
      <thead><tr><th>${t('component')}</th><th>${t('weight')} × ${t('value')}</th><th>${t('contribution')}</th></tr></thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr>
            <td>${componentLabel(r.name)}</td>
            <td class="mono">${r.formula}</td>
            <td><div class="minibar"><div class="fill" style="width:${r.width}"></div></div></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

function place(f: Match['candidate']): string {
  // Gap candidates carry no district.
  if ('district' in f && f.district) return nameOf(f.district);
  return f.homeCity ?? '';
}

/** One ranked match: who, score bar, distance, reasons and breakdown, and an optional action (e.g. "add as lead"). */
export function matchCard(m: Match, rank: number, action: TemplateResult | typeof nothing = nothing): TemplateResult {
  return html`<li class="match" data-testid="match">
    <div class="rank">${rank}</div>
    <div class="body">
      <div class="head">
        <span class="who">${firmLink(m.candidate)}</span>
        ${localBadge(m.candidate.isLocal)}
        ${(m.candidate.designations ?? []).slice(0, 2).map(designationBadge)}
        ${m.fit ? html`<span class="badge fit ${fitClass(m.fit)}" data-testid="fit" title=${t('filterFit')}>${t(`fit_${m.fit}`)}</span>` : nothing}
        ${'existingRelation' in m && m.existingRelation ? html`<span class="badge existing">${t('existingRelation')}</span>` : nothing}
      </div>
      <div class="meta">
        ${place(m.candidate) ? html`<span>${place(m.candidate)}</span>` : nothing}
        ${'product' in m && m.product ? html`<span>${t('forProduct', { p: nameOf(m.product) })}</span>` : nothing}
        ${m.distanceKm != null ? html`<span>${t('distance')} ${formatDistance(m.distanceKm)}</span>` : nothing}
      </div>
      ${scoreBar(m.score)}
      <ul class="reasons" data-testid="reasons" aria-label=${t('reasons')}>
        ${m.reasons.map((r) => html`<li>${r}</li>`)}
      </ul>
      ${breakdown(m.components)}
      ${action}
    </div>
  </li>`;
}
