// The explorer's documents must fit the server's query limits for anonymous
// callers (graph/limits.go: depth 10, cost 5000, 15 aliases, 1000 tokens,
// 10 KiB). This re-implements the server's measure on graphql-js.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  buildSchema,
  getNamedType,
  isInputObjectType,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';

export const ANONYMOUS = { depth: 10, cost: 5000, aliases: 15, tokens: 1000, bytes: 10 << 10 };

const root = join(__dirname, '..', '..');
const schema = buildSchema(
  readdirSync(join(root, 'graph'))
    .filter((f) => f.endsWith('.graphqls'))
    .sort((a, b) => (a === 'schema.graphqls' ? -1 : b === 'schema.graphqls' ? 1 : a.localeCompare(b)))
    .map((f) => readFileSync(join(root, 'graph', f), 'utf8'))
    .join('\n'),
);
const dir = join(__dirname, '..', 'src', 'graphql');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

function tokens(doc: string): number {
  const lx = new Lexer(new Source(doc));
  let n = 0;
  while (lx.advance().kind !== TokenKind.EOF) n++;
  return n;
}

interface M {
  depth: number;
  cost: number;
  aliases: number;
}

/** depth, cost and aliases of one operation, as graph/limits.go measures them. */
export function measure(s: GraphQLSchema, doc: string, operationName: string, vars: Record<string, unknown>): M {
  const ast = parse(doc);
  const frags = new Map(ast.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const op = ast.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === operationName);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) throw new Error(`no operation ${operationName}`);
  // Field definitions by node, via TypeInfo.
  const defs = new Map<FieldNode, GraphQLField<unknown, unknown>>();
  const ti = new TypeInfo(s);
  visit(ast, visitWithTypeInfo(ti, { Field: (node) => void (ti.getFieldDef() && defs.set(node, ti.getFieldDef()!)) }));
  // Variable defaults.
  const values: Record<string, unknown> = {};
  for (const v of op.variableDefinitions ?? []) {
    if (v.defaultValue?.kind === Kind.INT) values[v.variable.name.value] = Number(v.defaultValue.value);
  }
  Object.assign(values, vars);

  const argValue = (node: FieldNode, name: string): unknown => {
    const a = node.arguments?.find((x) => x.name.value === name);
    if (!a) return undefined;
    const toJs = (v: typeof a.value): unknown => {
      switch (v.kind) {
        case Kind.VARIABLE:
          return values[v.name.value];
        case Kind.INT:
          return Number(v.value);
        case Kind.OBJECT:
          return Object.fromEntries(v.fields.map((f) => [f.name.value, toJs(f.value)]));
        default:
          return undefined;
      }
    };
    return toJs(a.value);
  };

  const pageSize = (node: FieldNode): number => {
    let size = 0;
    let paged = false;
    const check = (v: unknown) => {
      if (typeof v === 'number') {
        size = Math.max(size, v);
        paged = true;
      }
    };
    for (const a of node.arguments ?? []) {
      const v = argValue(node, a.name.value);
      if (a.name.value === 'first' || a.name.value === 'last') check(v);
      else if (v && typeof v === 'object') for (const k of ['first', 'last']) check((v as Record<string, unknown>)[k]);
    }
    if (paged) return Math.max(size, 1);
    const def = defs.get(node);
    const hasPageArg = def?.args.some((a) => a.name === 'first' || a.name === 'last' || (isInputObjectType(getNamedType(a.type)) && 'first' in (getNamedType(a.type) as { getFields(): object }).getFields()));
    return hasPageArg ? 20 : 1;
  };

  const memo = new Map<string, M>();
  const selections = (set: SelectionSetNode | undefined): M => {
    const out = { depth: 0, cost: 0, aliases: 0 };
    for (const sel of set?.selections ?? []) {
      let x: M;
      if (sel.kind === Kind.FIELD) x = field(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) x = selections(sel.selectionSet);
      else {
        const name = sel.name.value;
        if (!memo.has(name)) memo.set(name, selections(frags.get(name)?.selectionSet));
        x = memo.get(name)!;
      }
      out.depth = Math.max(out.depth, x.depth);
      out.cost += x.cost;
      out.aliases += x.aliases;
    }
    return out;
  };
  const field = (f: FieldNode): M => {
    const aliased = f.alias && f.alias.value !== f.name.value ? 1 : 0;
    if (f.name.value.startsWith('__')) return { depth: 0, cost: 0, aliases: aliased };
    const child = selections(f.selectionSet);
    return { depth: 1 + child.depth, cost: 1 + pageSize(f) * child.cost, aliases: aliased + child.aliases };
  };
  return selections(op.selectionSet);
}

// Each operation with the variables the explorer sends (worst case).
const cases: [string, string, Record<string, unknown>][] = [
  ['Search.graphql', 'Search', { text: '光伏', first: 20 }],
  ['Home.graphql', 'Home', {}],
  ['Enterprise.graphql', 'Enterprise', { id: 'x' }],
  ['EnterpriseContact.graphql', 'EnterpriseContact', { id: 'x' }],
  ['Matches.graphql', 'SupplierMatches', { input: { enterpriseId: 'x', first: 20 } }],
  ['Matches.graphql', 'CustomerMatches', { input: { enterpriseId: 'x', first: 20 } }],
  ['Matches.graphql', 'PartnerMatches', { input: { enterpriseId: 'x', first: 20 } }],
  ['SupplyNetwork.graphql', 'SupplyNetwork', { id: 'x' }],
  ['Chain.graphql', 'Chain', { id: 'x', gaps: 50 }],
  ['GapCandidates.graphql', 'GapCandidates', { chainId: 'x', gaps: 50, first: 5 }],
  ['ProductBalance.graphql', 'ProductBalance', { id: 'x' }],
  ['Settlement.graphql', 'Settlement', { id: 'x', first: 5 }],
  ['Cultivation.graphql', 'Cultivation', {}],
  ['Viewer.graphql', 'Viewer', {}],
  ['Pipeline.graphql', 'Pipeline', { chainId: 'x', districtCode: '330402' }],
  ['Leads.graphql', 'Leads', { filter: { stage: ['IDENTIFIED'] }, first: 10 }],
  ['Lead.graphql', 'Lead', { id: 'x' }],
  ['SettlementImpact.graphql', 'SettlementImpact', { enterpriseId: 'x', parkId: 'y' }],
  ['LeadMutations.graphql', 'CreateLead', { input: { enterpriseId: 'x' } }],
  ['LeadMutations.graphql', 'MoveLead', { id: 'x', stage: 'CONTACTED', expectedVersion: 1 }],
  ['LeadMutations.graphql', 'LogLeadActivity', { leadId: 'x', input: { kind: 'VISIT', note: 'n' } }],
  ['LeadMutations.graphql', 'UpdateLeadNextAction', { id: 'x', expectedVersion: 1, input: {} }],
  ['LeadMutations.graphql', 'SettleLead', { id: 'x', expectedVersion: 1, parkId: 'y' }],
  ['Alerts.graphql', 'SaveSearch', { input: { name: 'n', kind: 'SUPPLIER', enterpriseId: 'x', productIds: ['p'] } }],
  ['Alerts.graphql', 'Alerts', { first: 20 }],
  ['MatchAlerts.graphql', 'MatchAlerts', {}],
];

describe('documents fit the anonymous query limits', () => {
  it('covers every document', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(readdirSync(dir).filter((f) => f.endsWith('.graphql'))));
  });

  it.each(cases)('%s %s', (file, op, vars) => {
    const doc = read(file);
    expect(new TextEncoder().encode(doc).length).toBeLessThanOrEqual(ANONYMOUS.bytes);
    expect(tokens(doc)).toBeLessThanOrEqual(ANONYMOUS.tokens);
    const m = measure(schema, doc, op, vars);
    expect(m.depth, 'depth').toBeLessThanOrEqual(ANONYMOUS.depth);
    expect(m.cost, 'cost').toBeLessThanOrEqual(ANONYMOUS.cost);
    expect(m.aliases, 'aliases').toBeLessThanOrEqual(ANONYMOUS.aliases);
  });

  it('measures like the server on a known case', () => {
    // enterprise(1 + 20 * (edges: 1 + 1 * (node: 1 + 1 * id 1)))
    const m = measure(schema, 'query Q { enterprise(id: "x") { suppliers { edges { node { since } } } } }', 'Q', {});
    expect(m).toEqual({ depth: 5, cost: 1 + (1 + 20 * (1 + (1 + 1))), aliases: 0 });
  });
});
