// The supply network two hops out, drawn with Cytoscape.js (loaded on demand).
import { html, type TemplateResult } from 'lit-html';
import { ref } from 'lit-html/directives/ref.js';
import type { Core } from 'cytoscape';
import { firmHref, linkClick, navigate, resource } from '../app';
import networkDoc from '../graphql/SupplyNetwork.graphql?raw';
import { nameOf, t, type Key } from '../i18n';
import { buildSupplyNetwork, type NetGraph, type NetNode } from '../logic/network';
import type { SupplyNetworkQuery, SupplyNetworkQueryVariables } from '../gql/operations';
import { emptyBox, localBadge, show } from '../ui';

const COLUMN_KEY: Record<number, Key> = { [-2]: 'netCol_m2', [-1]: 'netCol_m1', 0: 'netCol_0', 1: 'netCol_1', 2: 'netCol_2' };

/** The graph's firms as a table: the text alternative to the drawing, and the way in without a pointer. */
function networkTable(nodes: NetNode[]): TemplateResult {
  const rows = nodes.filter((n) => !n.center).sort((a, b) => a.column - b.column || a.row - b.row);
  return html`<details class="textalt" data-testid="network-list" open>
    <summary>${t('networkListTitle')}</summary>
    <div class="tablewrap">
      <table>
        <thead><tr><th scope="col">${t('firm')}</th><th scope="col">${t('networkColumn')}</th><th scope="col">${t('where')}</th></tr></thead>
        <tbody>
          ${rows.map(
            (n) => html`<tr>
              <td><a href=${firmHref(n.id, { tab: 'network' })} @click=${linkClick}>${n.label}</a></td>
              <td>${t(COLUMN_KEY[n.column] ?? 'netCol_0')}</td>
              <td>${localBadge(n.isLocal)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </details>`;
}

let cy: Core | undefined;
let drawn: { key: string; el: Element } | undefined;

async function draw(el: Element, graph: NetGraph, key: string) {
  if (drawn && drawn.key === key && drawn.el === el) return;
  drawn = { key, el };
  (el as HTMLElement).dataset.drawn = 'false';
  const { default: cytoscape } = await import('cytoscape');
  if (drawn.key !== key || drawn.el !== el) return; // navigated away meanwhile
  cy?.destroy();
  cy = cytoscape({
    container: el as HTMLElement,
    elements: [
      ...graph.nodes.map((n) => ({
        data: { id: n.id, label: n.label },
        position: { x: n.x, y: n.y },
        classes: [n.center ? 'center' : '', n.isLocal ? 'local' : 'outside'].join(' '),
      })),
      ...graph.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, label: e.label } })),
    ],
    layout: { name: 'preset', fit: true, padding: 30 },
    minZoom: 0.3,
    maxZoom: 2.5,
    wheelSensitivity: 0.3,
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'text-wrap': 'wrap',
          'text-max-width': '150px',
          'font-size': 12,
          'font-family': 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
          'text-valign': 'bottom',
          'text-margin-y': 4,
          width: 22,
          height: 22,
          'background-color': '#1c7ed6',
          'border-width': 2,
          'border-color': '#ffffff',
        },
      },
      { selector: 'node.outside', style: { 'background-color': '#868e96', shape: 'round-rectangle' } },
      { selector: 'node.center', style: { width: 34, height: 34, 'background-color': '#e8590c', 'font-weight': 'bold', 'font-size': 14 } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': '#adb5bd',
          'target-arrow-color': '#adb5bd',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
          label: 'data(label)',
          'font-size': 9,
          color: '#495057',
          'text-rotation': 'autorotate',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.8,
        },
      },
      { selector: 'node:active, node:selected', style: { 'overlay-opacity': 0.15 } },
    ],
  });
  // A small network fitted to the box would be drawn huge: cap the zoom.
  if (cy.zoom() > 1.1) {
    cy.zoom(1.1);
    cy.center();
  }
  (el as HTMLElement).dataset.drawn = 'true';
  // 'tap' is a click or a touch; pinch zooms and one finger pans (Cytoscape's defaults).
  cy.on('tap', 'node', (ev) => {
    const id = ev.target.id() as string;
    if (!ev.target.hasClass('center')) navigate(firmHref(id, { tab: 'network' }));
  });
  cy.on('mouseover', 'node', () => ((el as HTMLElement).style.cursor = 'pointer'));
  cy.on('mouseout', 'node', () => ((el as HTMLElement).style.cursor = ''));
}

export function networkView(id: string): TemplateResult {
  const r = resource<SupplyNetworkQuery, SupplyNetworkQueryVariables>(networkDoc, { id }, 'SupplyNetwork');
  return show(r, (d) => {
    if (!d.enterprise) return emptyBox(t('notFound'));
    const graph = buildSupplyNetwork(d.enterprise, (n) => nameOf(n));
    if (graph.nodes.length <= 1) return emptyBox(t('networkEmpty'));
    const key = `${id}|${graph.nodes.length}|${graph.edges.length}|${graph.nodes[0]?.label}`;
    return html`<p class="muted">${t('networkHelp')}</p>
      <div class="legend">
        <span><i class="dot center"></i>${nameOf(d.enterprise)}</span>
        <span><i class="dot local"></i>${t('networkLegendLocal')}</span>
        <span><i class="dot outside"></i>${t('networkLegendOther')}</span>
        ${graph.hidden ? html`<span class="muted">${t('networkHidden', { n: graph.hidden })}</span>` : ''}
      </div>
      <div class="network" data-testid="network" data-nodes=${graph.nodes.length} data-edges=${graph.edges.length}
        role="img" aria-label=${`${t('tabNetwork')}: ${nameOf(d.enterprise)}`}
        ${ref((el) => el && void draw(el, graph, key))}></div>
      ${networkTable(graph.nodes)}`;
  });
}
