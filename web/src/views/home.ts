// Start page: what the explorer is for, and the chains as tiles.
import { html, type TemplateResult } from 'lit-html';
import { chainHref, href, linkClick, resource } from '../app';
import type { HomeQuery, HomeQueryVariables } from '../gql/operations';
import homeDoc from '../graphql/Home.graphql?raw';
import { altNameOf, nameOf, t } from '../i18n';
import { emptyBox, show } from '../ui';


export function homeView(): TemplateResult {
  const r = resource<HomeQuery, HomeQueryVariables>(homeDoc, {}, 'Home');
  return html`<section class="home">
    <h1>${t('appTitle')}</h1>
    <p class="lead">${t('chainHelp')}</p>
    <h2>${t('chainsTitle')}</h2>
    ${show(r, (d) =>
      d.chains.length
        ? html`<ul class="tiles" data-testid="chains">
            ${d.chains.map(
              (c) => html`<li>
                <a class="tile" href=${chainHref(c.id)} @click=${linkClick}>
                  <strong>${nameOf(c)}</strong>
                  <span class="alt">${altNameOf(c)}</span>
                  <small>${t('segmentsCount', { n: c.segments.length })}</small>
                </a>
              </li>`,
            )}
            <li>
              <a class="tile accent" href=${href('dashboard')} @click=${linkClick}>
                <strong>${t('navDashboard')}</strong><small>${t('dashboardTitle')}</small>
              </a>
            </li>
          </ul>`
        : emptyBox(t('chainsEmpty')),
    )}
  </section>`;
}
