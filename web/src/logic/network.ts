// Turns a SupplyNetwork response into graph elements with a fixed layout:
// upstream on the left, the firm in the middle, downstream on the right.
import type { NetFirmFragment, SupplyNetworkQuery } from '../gql/operations';

/** The SupplyNetwork response's firm, with its two hops. */
export type NetRoot = NonNullable<SupplyNetworkQuery['enterprise']>;
/** A direct supplier or customer, with its own suppliers and customers. */
type HopFirm = NetRoot['suppliers']['edges'][number]['node']['supplier'] | NetRoot['customers']['edges'][number]['node']['customer'];

export interface NetNode {
  id: string;
  label: string;
  isLocal: boolean;
  /** -2 suppliers' suppliers, -1 suppliers, 0 the firm and its peers, 1 customers, 2 customers' customers. */
  column: number;
  /** Slot within the column, 0-based. */
  row: number;
  x: number;
  y: number;
  center: boolean;
}

export interface NetEdge {
  id: string;
  source: string;
  target: string;
  label: string;
}

export interface NetGraph {
  nodes: NetNode[];
  edges: NetEdge[];
  /** Firms left out because their column was full. */
  hidden: number;
}

/** Most firms drawn per column, so that the picture stays readable. */
export const MAX_PER_COLUMN = 9;

export const COLUMN_GAP = 230;
export const ROW_GAP = 70;

type Labeller = (n: { name: string; nameEn?: string | null }) => string;

/**
 * Builds the two-hop network around `root`. A firm reached along several
 * paths sits where its shortest path puts it (direct suppliers and customers
 * before second-hop firms; among equals the column nearest the centre);
 * edges are deduplicated by supplier, customer and product.
 */
export function buildSupplyNetwork(root: NetRoot, label: Labeller, maxPerColumn = MAX_PER_COLUMN): NetGraph {
  const nodes = new Map<string, Omit<NetNode, 'row' | 'x' | 'y'> & { hop: number }>();
  const edges = new Map<string, NetEdge>();

  const addNode = (f: NetFirmFragment, column: number, hop: number) => {
    const prev = nodes.get(f.id);
    if (prev && (prev.hop < hop || (prev.hop === hop && Math.abs(prev.column) <= Math.abs(column)))) return;
    nodes.set(f.id, { id: f.id, label: label(f), isLocal: f.isLocal, column, center: f.id === root.id, hop });
  };
  const addEdge = (supplier: NetFirmFragment, customer: NetFirmFragment, product: { id: string; name: string; nameEn: string | null } | null) => {
    if (supplier.id === customer.id) return;
    const id = `${supplier.id}>${customer.id}>${product?.id ?? ''}`;
    if (!edges.has(id)) edges.set(id, { id, source: supplier.id, target: customer.id, label: product ? label(product) : '' });
  };

  addNode(root, 0, 0);
  const hop1 = (firm: HopFirm, column: number) => {
    for (const e of firm.suppliers?.edges ?? []) {
      const s = e.node.supplier;
      // Suppliers of a customer are the firm's peers (column 0).
      addNode(s, column === 1 ? 0 : column - 1, 2);
      addEdge(s, firm, e.node.product);
    }
    for (const e of firm.customers?.edges ?? []) {
      const c = e.node.customer;
      addNode(c, column === -1 ? 0 : column + 1, 2);
      addEdge(firm, c, e.node.product);
    }
  };
  for (const e of root.suppliers?.edges ?? []) {
    addNode(e.node.supplier, -1, 1);
    addEdge(e.node.supplier, root, e.node.product);
  }
  for (const e of root.customers?.edges ?? []) {
    addNode(e.node.customer, 1, 1);
    addEdge(root, e.node.customer, e.node.product);
  }
  for (const e of root.suppliers?.edges ?? []) hop1(e.node.supplier, -1);
  for (const e of root.customers?.edges ?? []) hop1(e.node.customer, 1);
  // Rows: centre firm first in column 0, others by label for a stable picture,
  // each column centred vertically on y = 0.
  // A full column keeps the centre, then direct partners, then by label.
  const byColumn = new Map<number, (Omit<NetNode, 'row' | 'x' | 'y'> & { hop: number })[]>();
  for (const n of nodes.values()) {
    const list = byColumn.get(n.column) ?? [];
    list.push(n);
    byColumn.set(n.column, list);
  }
  const out: NetNode[] = [];
  let hidden = 0;
  for (const [column, all] of [...byColumn.entries()].sort((a, b) => a[0] - b[0])) {
    all.sort((a, b) => a.hop - b.hop || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
    hidden += Math.max(all.length - maxPerColumn, 0);
    const list: Omit<NetNode, 'row' | 'x' | 'y'>[] = all.slice(0, maxPerColumn).map(({ hop: _hop, ...n }) => n);
    list.sort((a, b) => Number(b.center) - Number(a.center) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
    if (column === 0 && list.length > 1) {
      // Keep the firm in the middle of its peers.
      const [c, ...rest] = list;
      const half = Math.floor(rest.length / 2);
      list.splice(0, list.length, ...rest.slice(0, half), c, ...rest.slice(half));
    }
    list.forEach((n, row) => {
      out.push({ ...n, row, x: column * COLUMN_GAP, y: (row - (list.length - 1) / 2) * ROW_GAP });
    });
  }
  const shown = new Set(out.map((n) => n.id));
  return { nodes: out, edges: [...edges.values()].filter((e) => shown.has(e.source) && shown.has(e.target)), hidden };
}
