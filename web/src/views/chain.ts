// A chain as columns upstream -> downstream, products coloured by gap severity.
import { html, nothing, type TemplateResult } from 'lit-html';
import { chainHref, linkClick, navigate, resource, type Route } from '../app';
import balanceDoc from '../graphql/ProductBalance.graphql?raw';
import chainDoc from '../graphql/Chain.graphql?raw';
import candidatesDoc from '../graphql/GapCandidates.graphql?raw';
import { altNameOf, nameOf, t, type Key } from '../i18n';
import { SEVERITY_BANDS, SEVERITY_LEGEND_SAMPLE, severityStyle } from '../logic/severity';
import type { ChainQuery, ChainQueryVariables, GapCandidatesQuery, GapCandidatesQueryVariables, ProductBalanceQuery, ProductBalanceQueryVariables } from '../gql/operations';
import { emptyBox, matchCard, show } from '../ui';
import { addLeadButton } from './addlead';

/**
 * Gaps shown per chain. GapCandidates asks for the first rank+1 gaps with
 * their candidates; 50 keeps that within the anonymous cost limit
 * (test/limits.test.ts).
 */
export const MAX_GAPS = 50;

type ChainData = ChainQuery;
type ChainGap = ChainQuery['chainGaps'][number];

/** Gaps keyed by product id, with their rank (0 = most severe). */
export function gapIndex(gaps: ChainGap[]): Map<string, { gap: ChainGap; rank: number }> {
  const m = new Map<string, { gap: ChainGap; rank: number }>();
  gaps.forEach((gap, rank) => {
    if (!m.has(gap.product.id)) m.set(gap.product.id, { gap, rank });
  });
  return m;
}

function select(route: Route, productId: string | undefined) {
  navigate(chainHref(route.id!, productId ? { product: productId } : {}), true);
}

function legend(): TemplateResult {
  return html`<div class="legend" role="group" aria-label=${t('severity')}>
    <span>${t('severity')}:</span>
    ${SEVERITY_BANDS.map((b) => {
      const s = severityStyle(SEVERITY_LEGEND_SAMPLE[b]);
      return html`<span class="swatch" style="background:${s.background};color:${s.foreground}">${t(`severity_${b}` as Key)}</span>`;
    })}
  </div>`;
}

function candidatesPanel(chainId: string, entry: { gap: ChainGap; rank: number }): TemplateResult {
  const r = resource<GapCandidatesQuery, GapCandidatesQueryVariables>(
    candidatesDoc,
    { chainId, gaps: entry.rank + 1, first: 5 },
    'GapCandidates',
  );
  return html`<h3>${t('candidatesTitle')}</h3>
    ${show(r, (d) => {
      const hit = d.chainGaps.find((g) => g.product.id === entry.gap.product.id);
      const list = hit?.candidates ?? [];
      return list.length
        ? html`<ol class="matchlist" data-testid="candidates">
            ${list.map((m, i) => matchCard(m, i + 1, addLeadButton({ enterpriseId: m.candidate.id, productIds: [entry.gap.product.id], chainId })))}
          </ol>`
        : emptyBox(t('candidatesEmpty'));
    })}`;
}

function balancePanel(productId: string): TemplateResult {
  const r = resource<ProductBalanceQuery, ProductBalanceQueryVariables>(balanceDoc, { id: productId }, 'ProductBalance');
  return show(r, (d) => html`<p data-testid="balance">${t('supplyDemand', { s: d.supply.totalCount, d: d.demand.totalCount })}</p>
    <p class="muted">${t('noGapHere')}</p>`);
}

function detailPanel(route: Route, data: ChainData, gaps: Map<string, { gap: ChainGap; rank: number }>): TemplateResult {
  const pid = route.params.get('product');
  const product = pid ? data.chain!.segments.flatMap((s) => s.products).find((p) => p.id === pid) : undefined;
  if (!product) return html`<aside class="panel muted">${t('selectProduct')}</aside>`;
  const entry = gaps.get(product.id);
  const style = severityStyle(entry?.gap.severity);
  return html`<aside class="panel" data-testid="gap-panel">
    <button class="btn small close" @click=${() => select(route, undefined)} aria-label=${t('close')}>×</button>
    <h2>${nameOf(product)}</h2>
    ${altNameOf(product) ? html`<p class="alt">${altNameOf(product)}</p>` : nothing}
    ${entry
      ? html`<p>
            <span class="swatch" style="background:${style.background};color:${style.foreground}">${t(`severity_${style.band}` as Key)}
              ${Math.round(entry.gap.severity * 100)}%</span>
            ${t('supplyDemand', { s: entry.gap.localSupply, d: entry.gap.localDemand })}
          </p>
          ${candidatesPanel(route.id!, entry)}`
      : balancePanel(product.id)}
  </aside>`;
}

/** The gaps as a table: the text alternative to the coloured board. */
function gapTable(route: Route, d: ChainData): TemplateResult | typeof nothing {
  if (!d.chainGaps.length) return nothing;
  const segName = new Map(d.chain!.segments.map((s) => [s.id, nameOf(s)]));
  return html`<details class="textalt" data-testid="gap-table">
    <summary>${t('gapTableTitle')}</summary>
    <div class="tablewrap">
      <table>
        <thead><tr><th scope="col">${t('product')}</th><th scope="col">${t('segment')}</th><th scope="col">${t('severity')}</th><th scope="col">${t('localSupplyDemand')}</th></tr></thead>
        <tbody>
          ${d.chainGaps.map((g) => {
            const st = severityStyle(g.severity);
            return html`<tr data-testid="gap-row" data-product=${g.product.id} data-severity-value=${g.severity}>
              <td><a href=${chainHref(route.id!, { product: g.product.id })} @click=${linkClick}>${nameOf(g.product)}</a></td>
              <td>${segName.get(g.segment.id) ?? ''}</td>
              <td>${t(`severity_${st.band}` as Key)} ${Math.round(g.severity * 100)}%</td>
              <td>${g.localSupply} / ${g.localDemand}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </details>`;
}

export function chainView(route: Route): TemplateResult {
  const r = resource<ChainQuery, ChainQueryVariables>(chainDoc, { id: route.id!, gaps: MAX_GAPS }, 'Chain');
  return show(r, (d) => {
    if (!d.chain) return emptyBox(t('notFound'));
    const gaps = gapIndex(d.chainGaps);
    const selected = route.params.get('product');
    const segments = [...d.chain.segments].sort((a, b) => a.position - b.position);
    return html`<article class="chainpage" data-testid="chain">
      <h1>${nameOf(d.chain)} <small class="alt">${altNameOf(d.chain)}</small></h1>
      <p class="muted">${t('chainHelp')} <strong data-testid="gap-count">${t('gapCount', { n: d.chainGaps.length })}</strong></p>
      ${legend()}
      <div class="chainlayout">
        <div class="columns" style="--cols:${Math.max(segments.length, 1)}">
          ${segments.map(
            (s) => html`<section class="column" data-testid="segment">
              <header>
                <span class="stage ${s.stage.toLowerCase()}">${t(`stage${s.stage}` as Key)}</span>
                <h3>${nameOf(s)}</h3>
              </header>
              <ul>
                ${s.products.map((p) => {
                  const g = gaps.get(p.id)?.gap;
                  const st = severityStyle(g?.severity);
                  return html`<li>
                    <button
                      class="product ${p.id === selected ? 'selected' : ''}"
                      data-testid=${g ? 'gap' : 'product'}
                      data-product=${p.id}
                      data-severity=${st.band}
                      style="background:${st.background};color:${st.foreground}"
                      aria-pressed=${p.id === selected}
                      @click=${() => select(route, p.id)}
                    >
                      <span class="pname">${nameOf(p)}</span>
                      <span class="sr-only">${t('severity')}: ${t(`severity_${st.band}` as Key)}</span>
                      ${g ? html`<span class="sd">${t('supplyDemand', { s: g.localSupply, d: g.localDemand })}</span>` : nothing}
                    </button>
                  </li>`;
                })}
              </ul>
            </section>`,
          )}
        </div>
        ${detailPanel(route, d, gaps)}
      </div>
      ${gapTable(route, d)}
    </article>`;
  });
}
