import { describe, expect, it } from 'vitest';
import { COLUMN_GAP, ROW_GAP, buildSupplyNetwork, type NetRoot } from '../src/logic/network';

// A firm as SupplyNetwork returns it one hop out (the root's shape differs
// only in what its own suppliers and customers carry).
type Hop = NetRoot['suppliers']['edges'][number]['node']['supplier'];
const f = (id: string, extra: Partial<Hop> = {}): Hop => ({ id, name: id, nameEn: `${id}-en`, isLocal: true, suppliers: { edges: [] }, customers: { edges: [] }, ...extra });
const root = (id: string, extra: Partial<NetRoot> = {}): NetRoot => ({ ...f(id), suppliers: { edges: [] }, customers: { edges: [] }, ...extra });
const glass = { id: 'p-glass', name: '光伏玻璃', nameEn: 'PV glass' };

// Root R buys glass from S1 and S2, sells modules to C1.
// S1 buys from SS (hop 2 upstream) and also sells to P (a peer of R).
// C1 sells on to CC (hop 2 downstream) and also buys from S2 (already at -1).
const response: NetRoot = root('R', {
  suppliers: {
    edges: [
      {
        node: {
          product: glass,
          supplier: f('S1', {
            suppliers: { edges: [{ node: { product: null, supplier: f('SS', { isLocal: false }) } }] },
            customers: { edges: [{ node: { product: glass, customer: f('P') } }, { node: { product: glass, customer: f('R') } }] },
          }),
        },
      },
      { node: { product: glass, supplier: f('S2') } },
    ],
  },
  customers: {
    edges: [
      {
        node: {
          product: { id: 'p-mod', name: '组件', nameEn: 'module' },
          customer: f('C1', {
            customers: { edges: [{ node: { product: null, customer: f('CC') } }] },
            suppliers: { edges: [{ node: { product: null, supplier: f('S2') } }] },
          }),
        },
      },
    ],
  },
});

describe('buildSupplyNetwork', () => {
  const g = buildSupplyNetwork(response, (n) => n.name);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));

  it('places firms in columns upstream -> downstream', () => {
    expect(byId.get('SS')?.column).toBe(-2);
    expect(byId.get('S1')?.column).toBe(-1);
    expect(byId.get('S2')?.column).toBe(-1); // reached as hop 1 and hop 2: the closer one wins
    expect(byId.get('R')?.column).toBe(0);
    expect(byId.get('P')?.column).toBe(0);
    expect(byId.get('C1')?.column).toBe(1);
    expect(byId.get('CC')?.column).toBe(2);
    expect(g.nodes).toHaveLength(7);
  });

  it('marks the centre and keeps it in the middle of its peers', () => {
    const r = byId.get('R')!;
    expect(r.center).toBe(true);
    expect(g.nodes.filter((n) => n.center)).toHaveLength(1);
    expect(r.x).toBe(0);
    expect(byId.get('CC')!.x).toBe(2 * COLUMN_GAP);
    const col0 = g.nodes.filter((n) => n.column === 0).map((n) => n.y);
    expect(Math.abs(col0[0] - col0[1])).toBe(ROW_GAP);
  });

  it('builds supplier -> customer edges, deduplicated, labelled by product', () => {
    const ids = g.edges.map((e) => `${e.source}>${e.target}`).sort();
    expect(ids).toEqual(['C1>CC', 'R>C1', 'S1>P', 'S1>R', 'S2>C1', 'S2>R', 'SS>S1']);
    expect(g.edges.find((e) => e.source === 'S1' && e.target === 'R')?.label).toBe('光伏玻璃');
    for (const e of g.edges) {
      expect(byId.has(e.source)).toBe(true);
      expect(byId.has(e.target)).toBe(true);
    }
  });

  it('keeps local flags and uses the labeller', () => {
    expect(byId.get('SS')?.isLocal).toBe(false);
    const en = buildSupplyNetwork(response, (n) => n.nameEn ?? n.name);
    expect(en.nodes.find((n) => n.id === 'R')?.label).toBe('R-en');
  });

  it('gives a lone node for a firm without relations', () => {
    expect(buildSupplyNetwork(root('X'), (n) => n.name)).toEqual({
      nodes: [{ id: 'X', label: 'X', isLocal: true, column: 0, row: 0, x: 0, y: 0, center: true }],
      edges: [],
      hidden: 0,
    });
  });

  it('caps each column, keeping the centre and direct partners, dropping their edges', () => {
    const g2 = buildSupplyNetwork(response, (n) => n.name, 1);
    const ids = g2.nodes.map((n) => n.id).sort();
    // column 0 keeps R (not P); column -1 keeps S1 (hop 1, first by label).
    expect(ids).toEqual(['C1', 'CC', 'R', 'S1', 'SS']);
    expect(g2.hidden).toBe(2);
    for (const e of g2.edges) expect(ids).toContain(e.source);
    for (const e of g2.edges) expect(ids).toContain(e.target);
  });
});
