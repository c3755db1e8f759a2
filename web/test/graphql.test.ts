// Every document the explorer sends must be valid against the server's schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isEnumType, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEMO_TABS } from '../src/graphiql/examples';
import { DESIGNATIONS, FITS } from '../src/types';

const root = join(__dirname, '..', '..');
const sdl = readdirSync(join(root, 'graph'))
  .filter((f) => f.endsWith('.graphqls'))
  .sort((a, b) => (a === 'schema.graphqls' ? -1 : b === 'schema.graphqls' ? 1 : a.localeCompare(b)))
  .map((f) => readFileSync(join(root, 'graph', f), 'utf8'))
  .join('\n');
const schema = buildSchema(sdl);
const dir = join(__dirname, '..', 'src', 'graphql');
const docs = readdirSync(dir).filter((f) => f.endsWith('.graphql'));

describe('GraphQL documents', () => {
  it('exist', () => expect(docs.length).toBeGreaterThanOrEqual(10));

  it.each(docs)('%s validates against graph/*.graphqls', (file) => {
    const errors = validate(schema, parse(readFileSync(join(dir, file), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('never asks for contact details outside the staff-only document', () => {
    for (const file of docs.filter((f) => f !== 'EnterpriseContact.graphql')) {
      expect(print(parse(readFileSync(join(dir, file), 'utf8'))), file).not.toMatch(/\bcontact\b/);
    }
  });
});

describe("GraphiQL's default tabs", () => {
  it.each(DEMO_TABS.map((tab, i) => [i, tab] as const))('tab %i validates and its variables are JSON', (_, tab) => {
    const errors = validate(schema, parse(tab.query));
    expect(errors.map((e) => e.message)).toEqual([]);
    if ('variables' in tab) expect(() => JSON.parse(tab.variables ?? '')).not.toThrow();
  });
});

// The operation types are generated from the schema (src/gql); the value
// lists the UI offers as choices are the one hand-kept copy of its enums.
describe('enum values the UI lists', () => {
  it.each([
    ['Designation', DESIGNATIONS],
    ['ProductFit', FITS],
  ] as const)('%s: every value of the schema, once', (name, listed) => {
    const type = schema.getType(name);
    if (!isEnumType(type)) throw new Error(`${name} is not an enum`);
    expect([...listed].sort()).toEqual(type.getValues().map((v) => v.name).sort());
  });
});
