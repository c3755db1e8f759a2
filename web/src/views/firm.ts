// The firm page: facts, matches, supply network and settlement options.
import { html, nothing, type TemplateResult } from 'lit-html';
import { chainHref, firmHref, linkClick, navigate, resource, type Route } from '../app';
import { getApiKey } from '../auth';
import { fromGraphQLErrors } from '../errors';
import contactDoc from '../graphql/EnterpriseContact.graphql?raw';
import enterpriseDoc from '../graphql/Enterprise.graphql?raw';
import matchesDoc from '../graphql/Matches.graphql?raw';
import settlementDoc from '../graphql/Settlement.graphql?raw';
import { altNameOf, designationLabel, nameOf, t } from '../i18n';
import { FIT_CHOICES, fitsFromParam, fitsParam } from '../logic/fit';
import type {
  CustomerMatchesQuery,
  EnterpriseContactQuery,
  EnterpriseContactQueryVariables,
  EnterpriseQuery,
  EnterpriseQueryVariables,
  MatchInput,
  PartnerMatchesQuery,
  SavedSearchInput,
  SettlementQuery,
  SettlementQueryVariables,
  SupplierMatchesQuery,
  SupplierMatchesQueryVariables,
} from '../gql/operations';
import { DESIGNATIONS, type Designation, type ProductFit } from '../types';
import { breakdown, designationBadge, emptyBox, errorBox, firmLink, loadingBox, localBadge, matchCard, scoreBar, show } from '../ui';
import { alertsPanel } from './alerts';
import { networkView } from './network';
import { addLeadButton } from './addlead';

type Tab = 'overview' | 'matches' | 'network' | 'settlement';
const TABS: Tab[] = ['overview', 'matches', 'network', 'settlement'];
type Kind = 'supplier' | 'customer' | 'partner';
const KINDS: Kind[] = ['supplier', 'customer', 'partner'];
const OPERATION: Record<Kind, string> = { supplier: 'SupplierMatches', customer: 'CustomerMatches', partner: 'PartnerMatches' };
export const DISTANCES = [10, 25, 50, 100, 200];

type Enterprise = NonNullable<EnterpriseQuery['enterprise']>;
type ProductRef = Enterprise['products'][number]['product'];
/** The three match operations select the same fields (MatchFields) and take a MatchInput. */
type MatchesQuery = SupplierMatchesQuery | CustomerMatchesQuery | PartnerMatchesQuery;

/** The match filters as kept in the URL (?kind=&local=&km=&d=&fit=). */
export interface MatchFilters {
  kind: Kind;
  localOnly: boolean;
  maxDistanceKm?: number;
  designation?: Designation;
  /** Only these fits (MatchInput.fits); undefined = all. */
  fits?: ProductFit[];
}

export function filtersFromParams(p: URLSearchParams): MatchFilters {
  const kind = (KINDS as string[]).includes(p.get('kind') ?? '') ? (p.get('kind') as Kind) : 'supplier';
  const km = Number(p.get('km'));
  const d = p.get('d') as Designation | null;
  return {
    kind,
    localOnly: p.get('local') !== '0',
    maxDistanceKm: Number.isFinite(km) && km > 0 ? km : undefined,
    designation: d && DESIGNATIONS.includes(d) ? d : undefined,
    fits: fitsFromParam(p.get('fit')),
  };
}

/** The MatchInput the filters mean. */
export function matchInput(enterpriseId: string, f: MatchFilters, first = 20): MatchInput {
  const input: MatchInput = { enterpriseId, localOnly: f.localOnly, first };
  if (f.maxDistanceKm) input.maxDistanceKm = f.maxDistanceKm;
  if (f.designation) input.designations = [f.designation];
  if (f.fits?.length) input.fits = f.fits;
  return input;
}

function setParams(route: Route, changes: Record<string, string | undefined>) {
  const p = new URLSearchParams(route.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') p.delete(k);
    else p.set(k, v);
  }
  navigate(firmHref(route.id!, Object.fromEntries(p)), true);
}

function productLink(p: ProductRef): TemplateResult {
  const chain = p.segment?.chain;
  return chain
    ? html`<a href=${chainHref(chain.id, { product: p.id })} @click=${linkClick}>${nameOf(p)}</a>`
    : html`<span>${nameOf(p)}</span>`;
}

function amount(v: number | null | undefined, unit: string | null | undefined): string {
  if (v == null) return '';
  return `${v.toLocaleString()}${unit ? ` ${unit}` : ''}`;
}

function contactCard(id: string): TemplateResult {
  if (!getApiKey()) return html`<p class="muted" data-testid="contact-signin">${t('contactSignIn')}</p>`;
  const r = resource<EnterpriseContactQuery, EnterpriseContactQueryVariables>(contactDoc, { id }, 'EnterpriseContact');
  if (r.status === 'loading') return loadingBox();
  if (r.status === 'error') return errorBox(r.error);
  if (r.partial?.length) return errorBox(fromGraphQLErrors(r.partial));
  const c = r.data?.enterprise?.contact;
  if (!c || (!c.person && !c.phone && !c.email)) return html`<p class="muted" data-testid="contact">${t('contactNone')}</p>`;
  return html`<dl class="facts" data-testid="contact">
    ${c.person ? html`<dt>${t('contactPerson')}</dt><dd>${c.person}</dd>` : nothing}
    ${c.phone ? html`<dt>${t('contactPhone')}</dt><dd><a href="tel:${c.phone}">${c.phone}</a></dd>` : nothing}
    ${c.email ? html`<dt>${t('contactEmail')}</dt><dd><a href="mailto:${c.email}">${c.email}</a></dd>` : nothing}
  </dl>`;
}

function overview(e: Enterprise): TemplateResult {
  return html`<div class="grid2">
    <section class="card">
      <h3>${t('makes')}</h3>
      ${e.products.length
        ? html`<ul class="plain" data-testid="makes">
            ${e.products.map((o) => html`<li>${productLink(o.product)} <span class="muted">${amount(o.annualCapacity, o.unit)}</span></li>`)}
          </ul>`
        : html`<p class="muted">${t('nothingListed')}</p>`}
      <h3>${t('needs')}</h3>
      ${e.needs.length
        ? html`<ul class="plain" data-testid="needs">
            ${e.needs.map((o) => html`<li>${productLink(o.product)} <span class="muted">${amount(o.annualVolume, o.unit)}</span></li>`)}
          </ul>`
        : html`<p class="muted">${t('nothingListed')}</p>`}
    </section>
    <section class="card">
      <h3>${t('suppliers')} <span class="count">${e.suppliers.totalCount}</span></h3>
      ${e.suppliers.edges.length
        ? html`<ul class="plain" data-testid="suppliers">
            ${e.suppliers.edges.map(
              ({ node: r }) => html`<li>${firmLink(r.supplier)} ${r.product ? html`<span class="muted">· ${nameOf(r.product)}</span>` : nothing}
                ${r.since ? html`<span class="muted">· ${t('since', { year: r.since })}</span>` : nothing}</li>`,
            )}
          </ul>`
        : html`<p class="muted">${t('noRelations')}</p>`}
      <h3>${t('customers')} <span class="count">${e.customers.totalCount}</span></h3>
      ${e.customers.edges.length
        ? html`<ul class="plain" data-testid="customers">
            ${e.customers.edges.map(
              ({ node: r }) => html`<li>${firmLink(r.customer)} ${r.product ? html`<span class="muted">· ${nameOf(r.product)}</span>` : nothing}
                ${r.since ? html`<span class="muted">· ${t('since', { year: r.since })}</span>` : nothing}</li>`,
            )}
          </ul>`
        : html`<p class="muted">${t('noRelations')}</p>`}
    </section>
  </div>`;
}

function matchesTab(route: Route, e: Enterprise): TemplateResult {
  const f = filtersFromParams(route.params);
  const r = resource<MatchesQuery, SupplierMatchesQueryVariables>(matchesDoc, { input: matchInput(e.id, f) }, OPERATION[f.kind]);
  const kindLabel: Record<Kind, string> = { supplier: t('matchSuppliers'), customer: t('matchCustomers'), partner: t('matchPartners') };
  return html`<div class="matches">
    <div class="segmented" role="tablist">
      ${KINDS.map(
        (k) => html`<button role="tab" aria-selected=${k === f.kind} class=${k === f.kind ? 'on' : ''} data-testid="kind-${k}"
          @click=${() => setParams(route, { kind: k })}>${kindLabel[k]}</button>`,
      )}
    </div>
    <form class="filters" @submit=${(ev: Event) => ev.preventDefault()}>
      <label><input type="checkbox" data-testid="filter-local" .checked=${f.localOnly}
        @change=${(ev: Event) => setParams(route, { local: (ev.target as HTMLInputElement).checked ? undefined : '0' })} /> ${t('filterLocalOnly')}</label>
      <label>${t('filterDistance')}
        <select data-testid="filter-distance" @change=${(ev: Event) => setParams(route, { km: (ev.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!f.maxDistanceKm}>${t('filterAnyDistance')}</option>
          ${DISTANCES.map((km) => html`<option value=${km} ?selected=${f.maxDistanceKm === km}>${t('filterWithinKm', { n: km })}</option>`)}
        </select>
      </label>
      <label>${t('filterDesignation')}
        <select data-testid="filter-designation" @change=${(ev: Event) => setParams(route, { d: (ev.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!f.designation}>${t('filterAnyDesignation')}</option>
          ${DESIGNATIONS.map((d) => html`<option value=${d} ?selected=${f.designation === d}>${designationLabel(d)}</option>`)}
        </select>
      </label>
      <label>${t('filterFit')}
        <select data-testid="filter-fit" @change=${(ev: Event) => setParams(route, { fit: (ev.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!f.fits}>${t('filterAnyFit')}</option>
          ${FIT_CHOICES.map(
            (c) => html`<option value=${c.value} ?selected=${fitsParam(f.fits) === c.value}>${c.fits.length > 1 ? t('filterNearFits') : t(`fit_${c.fits[0]}`)}</option>`,
          )}
        </select>
      </label>
    </form>
    ${show(r, (d) =>
      d.matches.length
        ? html`<ol class="matchlist" data-testid="matches">${d.matches.map((m, i) => matchCard(m, i + 1))}</ol>`
        : emptyBox(t('matchesEmpty')),
    )}
    ${alertsPanel(savedSearchInput(e, f, kindLabel[f.kind]))}
  </div>`;
}

/** The current filters as a search to save: named after the firm and the kind of match. */
export function savedSearchInput(e: { id: string; name: string; nameEn?: string | null }, f: MatchFilters, kindLabel: string): SavedSearchInput {
  return {
    name: `${nameOf(e)} · ${kindLabel}`,
    kind: f.kind === 'supplier' ? 'SUPPLIER' : f.kind === 'customer' ? 'CUSTOMER' : 'PARTNER',
    enterpriseId: e.id,
    localOnly: f.localOnly,
    maxDistanceKm: f.maxDistanceKm,
    designations: f.designation ? [f.designation] : undefined,
  };
}

function settlementTab(e: Enterprise): TemplateResult {
  const r = resource<SettlementQuery, SettlementQueryVariables>(settlementDoc, { id: e.id, first: 5 }, 'Settlement');
  return html`<p class="muted">${t('settlementHelp')}</p>
    ${show(r, (d) => html`
      ${d.settlementOptions.length
        ? html`<ol class="matchlist" data-testid="settlement">
            ${d.settlementOptions.map(
              (o, i) => html`<li class="match">
                <div class="rank">${i + 1}</div>
                <div class="body">
                  <div class="head"><strong class="who">${nameOf(o.park)}</strong> <span class="badge">${nameOf(o.park.district)}</span></div>
                  <div class="meta">
                    <span>${t('localSuppliers', { n: o.localSuppliers })}</span>
                    <span>${t('localCustomers', { n: o.localCustomers })}</span>
                    ${o.park.focusChains.length ? html`<span>${t('focusChains')}: ${o.park.focusChains.map((c) => nameOf(c)).join('、')}</span>` : nothing}
                  </div>
                  ${scoreBar(o.score)}
                  <ul class="reasons" data-testid="reasons">${o.reasons.map((x) => html`<li>${x}</li>`)}</ul>
                  ${o.gapsFilled.length ? html`<p><strong>${t('gapsFilled')}:</strong> ${o.gapsFilled.map((p) => html`<span class="badge gap">${nameOf(p)}</span>`)}</p>` : nothing}
                  ${breakdown(o.components ?? [])}
                  ${addLeadButton({
                    enterpriseId: e.id,
                    targetParkId: o.park.id,
                    productIds: o.gapsFilled.map((p) => p.id),
                    chainId: (e.chains.find((c) => o.park.focusChains.some((f) => f.id === c.id)) ?? e.chains[0])?.id,
                  })}
                </div>
              </li>`,
            )}
          </ol>`
        : emptyBox(t('settlementEmpty'))}
      ${d.incentivesFor.length
        ? html`<h3>${t('incentivesTitle')}</h3>
            <ul class="plain incentives" data-testid="incentives">
              ${d.incentivesFor.map(
                (x) => html`<li class=${x.eligible ? 'ok' : 'no'}>
                  <span class="badge ${x.eligible ? 'local' : 'outside'}">${x.eligible ? t('eligible') : t('notEligible')}</span>
                  <strong>${nameOf(x.incentive)}</strong> · ${t('yuan', { n: x.incentive.amountYuan.toLocaleString() })}
                  <div class="muted">${x.reason}</div>
                </li>`,
              )}
            </ul>`
        : nothing}
    `)}`;
}

function header(e: Enterprise): TemplateResult {
  return html`<header class="firmhead card">
    <div class="titleline">
      <h1 data-testid="firm-name">${nameOf(e)}</h1>
      ${localBadge(e.isLocal)}
    </div>
    ${altNameOf(e) ? html`<p class="alt">${altNameOf(e)}</p>` : nothing}
    <div class="badges" data-testid="designations">
      ${e.designations.length ? e.designations.map(designationBadge) : html`<span class="muted">${t('noDesignations')}</span>`}
    </div>
    <div class="grid2">
      <dl class="facts">
        <dt>${t('uscc')}</dt><dd class="mono" data-testid="uscc">${e.uscc}</dd>
        ${e.district ? html`<dt>${t('district')}</dt><dd>${nameOf(e.district)}</dd>` : nothing}
        ${e.park ? html`<dt>${t('park')}</dt><dd>${nameOf(e.park)}</dd>` : nothing}
        ${e.homeCity ? html`<dt>${t('homeCity')}</dt><dd>${e.homeCity}</dd>` : nothing}
        ${e.founded ? html`<dt>${t('founded')}</dt><dd>${e.founded}</dd>` : nothing}
        ${e.chains.length
          ? html`<dt>${t('chains')}</dt><dd>${e.chains.map((c) => html`<a class="chip" data-testid="firm-chain" href=${chainHref(c.id)} @click=${linkClick}>${nameOf(c)}</a>`)}</dd>`
          : nothing}
      </dl>
      <div class="contact">
        <h3>${t('contact')}</h3>
        ${contactCard(e.id)}
      </div>
    </div>
  </header>`;
}

export function firmView(route: Route): TemplateResult {
  const id = route.id!;
  const r = resource<EnterpriseQuery, EnterpriseQueryVariables>(enterpriseDoc, { id }, 'Enterprise');
  const tab = (TABS as string[]).includes(route.params.get('tab') ?? '') ? (route.params.get('tab') as Tab) : 'overview';
  const labels: Record<Tab, string> = { overview: t('tabOverview'), matches: t('tabMatches'), network: t('tabNetwork'), settlement: t('tabSettlement') };
  return show(r, (d) => {
    const e = d.enterprise;
    if (!e) return emptyBox(t('notFound'));
    let body: TemplateResult;
    if (tab === 'matches') body = matchesTab(route, e);
    else if (tab === 'network') body = networkView(e.id);
    else if (tab === 'settlement') body = settlementTab(e);
    else body = overview(e);
    return html`<article class="firm" data-testid="firm">
      ${header(e)}
      <nav class="tabs" role="tablist">
        ${TABS.map(
          (tb) => html`<a role="tab" data-testid="tab-${tb}" aria-selected=${tb === tab} class=${tb === tab ? 'on' : ''}
            href=${firmHref(id, tb === 'overview' ? {} : { tab: tb })} @click=${linkClick}>${labels[tb]}</a>`,
        )}
      </nav>
      <div class="tabbody">${body}</div>
    </article>`;
  });
}
