// The supply network two hops out, drawn with Cytoscape.js (loaded on demand).
import { html, type TemplateResult } from 'lit-html';
import { ref } from 'lit-html/directives/ref.js';
import type { Core } from 'cytoscape';
import { firmHref, navigate, resource } from '../app';
import networkDoc from '../graphql/SupplyNetwork.graphql?raw';
import { nameOf, t } from '../i18n';
import { buildSupplyNetwork, type NetGraph } from '../logic/network';
import type { NetFirm } from '../types';
import { emptyBox, show } from '../ui';

let cy: Core | undefined;
let drawn: { key: string; el: Element } | undefined;

async function draw(el: Element, graph: NetGraph, key: string) {
  if (drawn && drawn.key === key && drawn.el === el) return;
  drawn = { key, el };
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
  cy.on('tap', 'node', (ev) => {
    const id = ev.target.id() as string;
    if (!ev.target.hasClass('center')) navigate(firmHref(id, { tab: 'network' }));
  });
  cy.on('mouseover', 'node', () => ((el as HTMLElement).style.cursor = 'pointer'));
  cy.on('mouseout', 'node', () => ((el as HTMLElement).style.cursor = ''));
}

export function networkView(id: string): TemplateResult {
  const r = resource<{ enterprise: NetFirm | null }>(networkDoc, { id }, 'SupplyNetwork');
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
        ${ref((el) => el && void draw(el, graph, key))}></div>`;
  });
}
