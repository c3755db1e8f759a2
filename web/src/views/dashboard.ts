// Cultivation dashboard: designations against the 2027 targets, as SVG bars.
import { html, svg, type TemplateResult } from 'lit-html';
import { resource } from '../app';
import cultivationDoc from '../graphql/Cultivation.graphql?raw';
import { nameOf, t } from '../i18n';
import { districtRows, progress, yearlyPace } from '../logic/bars';
import type { CultivationQuery, CultivationQueryVariables } from '../gql/operations';

type CultivationProgress = CultivationQuery['cultivationProgress'];
import { emptyBox, show } from '../ui';

const W = 560;

function progressChart(label: string, current: number, target: number, targetYear: number, colour: string, testid: string): TemplateResult {
  const p = progress(current, target);
  const barW = W - 20;
  return html`<figure class="card chart" data-testid=${testid}>
    <figcaption><strong>${label}</strong> <span class="big">${current.toLocaleString()}</span> / ${target.toLocaleString()} (${p.percent})</figcaption>
    <svg viewBox="0 0 ${W} 46" width="100%" role="img" aria-label="${label} ${current}/${target}">
      ${svg`<rect x="10" y="8" width=${barW} height="22" rx="4" fill="#e9ecef"></rect>
        <rect x="10" y="8" width=${Math.max(p.ratio * barW, current > 0 ? 2 : 0)} height="22" rx="4" fill=${colour}></rect>
        <line x1=${10 + barW} x2=${10 + barW} y1="4" y2="34" stroke="#495057" stroke-dasharray="3 2"></line>
        <text x=${10 + barW} y="44" text-anchor="end" font-size="10" fill="#495057">${t('target')} ${targetYear}: ${target}</text>`}
    </svg>
    <p class="muted">${t('remaining', { n: p.remaining })} · ${t('pace', { n: yearlyPace(current, target, targetYear, new Date().getFullYear()) })}</p>
  </figure>`;
}

function districtChart(c: CultivationProgress): TemplateResult {
  const DW = 760;
  const labelW = 120;
  const maxBar = DW - labelW - 50;
  const names = new Map(c.byDistrict.map((d) => [d.district.code, nameOf(d.district)]));
  const rows = districtRows(c.byDistrict, (code) => names.get(code) ?? code, maxBar);
  if (!rows.length) return emptyBox('—');
  const rowH = 40;
  const h = rows.length * rowH + 30;
  return html`<figure class="card chart" data-testid="district-chart">
    <figcaption><strong>${t('byDistrict')}</strong>
      <span class="legend"><span><i class="dot nat"></i>${t('nationalLittleGiants')}</span><span><i class="dot prov"></i>${t('provincialSRDI')}</span></span>
    </figcaption>
    <svg viewBox="0 0 ${DW} ${h}" width="100%" style="max-width:${DW}px" role="img" aria-label=${t('byDistrict')}>
      ${rows.map(
        (r, i) => svg`<g transform="translate(0, ${i * rowH + 10})">
          <text x=${labelW - 8} y="17" text-anchor="end" font-size="12" fill="#212529">${r.label}</text>
          <rect x=${labelW} y="2" width=${r.nationalWidth} height="14" fill="#e8590c"></rect>
          <text x=${labelW + r.nationalWidth + 4} y="13" font-size="10" fill="#495057">${r.national}</text>
          <rect x=${labelW} y="18" width=${r.provincialWidth} height="14" fill="#1c7ed6"></rect>
          <text x=${labelW + r.provincialWidth + 4} y="29" font-size="10" fill="#495057">${r.provincial}</text>
        </g>`,
      )}
    </svg>
  </figure>`;
}

export function dashboardView(): TemplateResult {
  const r = resource<CultivationQuery, CultivationQueryVariables>(cultivationDoc, {}, 'Cultivation');
  return show(r, (d) => {
    const c = d.cultivationProgress;
    return html`<article class="dashboard" data-testid="dashboard">
      <h1>${t('dashboardTitle')}</h1>
      <p class="muted">${t('dashboardHelp', { year: c.targetYear })}</p>
      <div class="grid2">
        ${progressChart(t('nationalLittleGiants'), c.nationalLittleGiants, c.nationalTarget, c.targetYear, '#e8590c', 'national-progress')}
        ${progressChart(t('provincialSRDI'), c.provincialSRDI, c.provincialTarget, c.targetYear, '#1c7ed6', 'provincial-progress')}
      </div>
      ${districtChart(c)}
    </article>`;
  });
}
