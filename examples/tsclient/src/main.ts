// The TypeScript example of docs/integrating.md: typed documents generated
// by graphql-codegen from the published schema.graphql, sent with plain
// fetch. Pages through enterprises, reads supplier matches, and handles a
// refused request by its extensions.code. make test runs it against a real
// server (scripts/contract.sh):
//   CHAINMATCH_URL=http://localhost:8080/graphql CHAINMATCH_KEY=cm_... node dist/main.js
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { graphql } from './gql/index.js';

const url = process.env.CHAINMATCH_URL ?? 'http://localhost:8080/graphql';
const key = process.env.CHAINMATCH_KEY ?? '';

const EnterprisePage = graphql(`
  query EnterprisePageTS($first: Int!, $after: String) {
    enterprises(first: $first, after: $after, filter: { isLocal: true }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id uscc name needs { product { name } } } }
    }
  }
`);

const SupplierMatches = graphql(`
  query SupplierMatchesTS($enterpriseId: ID!, $first: Int!) {
    supplierMatches(input: { enterpriseId: $enterpriseId, first: $first }) {
      score
      reasons
      candidate { id name }
      product { name }
    }
  }
`);

/** A GraphQL error as the server sends it (docs/errors.md). */
interface GraphQLError {
  message: string;
  extensions?: { code?: string; field?: string; max?: number };
}

class RequestFailed extends Error {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
  }
}

async function request<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: GraphQLError[] };
  if (body.errors?.length) throw new RequestFailed(body.errors);
  if (!body.data) throw new Error(`HTTP ${res.status} without data`);
  return body.data;
}

let after: string | null = null;
let seen = 0;
let asker: string | undefined;
for (let page = 1; page <= 3; page++) {
  const { enterprises }: ResultOf<typeof EnterprisePage> = await request(EnterprisePage, { first: 20, after });
  seen += enterprises.edges.length;
  asker ??= enterprises.edges.find((e) => e.node.needs.length > 0)?.node.id;
  console.log(`page ${page}: ${enterprises.edges.length} enterprises (${seen} seen of ${enterprises.totalCount})`);
  if (!enterprises.pageInfo.hasNextPage) break;
  after = enterprises.pageInfo.endCursor ?? null;
}
if (!asker) throw new Error('no local enterprise with needs found');

const { supplierMatches } = await request(SupplierMatches, { enterpriseId: asker, first: 5 });
if (supplierMatches.length === 0) throw new Error('no supplier matches');
for (const m of supplierMatches) {
  console.log(`supplier ${m.score.toFixed(3)} ${m.candidate.name} (${m.product?.name ?? ''}): ${m.reasons.join(', ')}`);
}

// Refused before execution: BAD_USER_INPUT naming the argument and the limit.
try {
  await request(EnterprisePage, { first: 500, after: null });
  throw new Error('first: 500 was accepted');
} catch (e) {
  const err = e instanceof RequestFailed ? e.errors[0] : undefined;
  if (err?.extensions?.code !== 'BAD_USER_INPUT' || err.extensions.field !== 'first') throw e;
  console.log(`first: 500 refused: ${err.message} (max ${err.extensions.max})`);
}
