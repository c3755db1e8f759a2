// Builds the explorer and GraphiQL into the Go package that embeds them
// (internal/httpserver/explorer/dist). Both pages load their assets from
// /explorer/assets/: the explorer is served at /explorer/, GraphiQL
// (graphiql.html) at / and /graphiql.
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(root, '../internal/httpserver/explorer/dist');

// Empties outDir except the committed README.md that keeps `go:embed` compiling.
function cleanKeepingReadme(): Plugin {
  return {
    name: 'clean-keeping-readme',
    apply: 'build',
    buildStart() {
      mkdirSync(outDir, { recursive: true });
      for (const entry of readdirSync(outDir)) {
        if (entry !== 'README.md') rmSync(resolve(outDir, entry), { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  base: '/explorer/',
  plugins: [cleanKeepingReadme()],
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    assetsInlineLimit: 0,
    // GraphiQL's Monaco editor is one large chunk by nature; the explorer's stay small.
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      input: {
        explorer: resolve(root, 'index.html'),
        graphiql: resolve(root, 'graphiql.html'),
      },
      // framer-motion (in GraphiQL) marks its modules "use client", which
      // means nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
    },
  },
  // Monaco's editor, JSON and GraphQL workers are bundled as module workers
  // under assets/ (same origin, so the CSP needs no blob: or eval).
  worker: { format: 'es' },
  server: {
    // `npm run dev` proxies the API to a running chainmatch.
    proxy: { '/graphql': process.env.CHAINMATCH_URL ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
