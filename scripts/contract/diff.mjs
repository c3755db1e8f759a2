// Breaking-change check: graphql-inspector's diff of the published schema
// against the last released one. Every breaking change must be named in
// docs/CHANGELOG-API.md (its schema coordinate, e.g. `ApiKey.createdAt`,
// on a line marked **breaking**); other changes are listed for information.
// Usage: node diff.mjs <released.graphql> <schema.graphql> <CHANGELOG-API.md>
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

const [released, current, changelog] = process.argv.slice(2);
if (!changelog) {
  console.error('usage: node diff.mjs <released.graphql> <schema.graphql> <CHANGELOG-API.md>');
  process.exit(2);
}
const load = (f) => buildSchema(readFileSync(f, 'utf8'));
const changes = await diff(load(released), load(current));
const breakingLines = readFileSync(changelog, 'utf8')
  .split('\n')
  .reduce((acc, line) => {
    // A breaking entry may run over several lines: a list item starting with **breaking**.
    if (/^\s*-\s+\*\*breaking\*\*/.test(line)) acc.push(line);
    else if (acc.length && /^\s{2,}\S/.test(line) && !/^\s*-\s/.test(line)) acc[acc.length - 1] += ' ' + line.trim();
    else if (acc.length && acc[acc.length - 1] !== '') acc.push('');
    return acc;
  }, [])
  .join('\n');
let unnamed = 0;
let breaking = 0;
for (const c of changes) {
  const level = c.criticality.level;
  if (level !== CriticalityLevel.Breaking) continue;
  breaking++;
  // The coordinate, without argument parts: Type.field or Type.
  const coord = (c.path || '').split('.').slice(0, 2).join('.');
  const named = coord && breakingLines.includes('`' + coord + '`');
  if (!named) unnamed++;
  console.log(`${named ? 'named   ' : 'UNNAMED '} BREAKING ${coord}: ${c.message}`);
}
console.log(`graphql-inspector diff: ${changes.length} changes, ${breaking} breaking, ${unnamed} not named in ${changelog}`);
process.exit(unnamed === 0 ? 0 : 1);
