// Builds the explorer into the Go package that embeds it
// (internal/httpserver/explorer/dist), served by chainmatch at /explorer/.
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const outDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../internal/httpserver/explorer/dist');

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
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` proxies the API to a running chainmatch.
    proxy: { '/graphql': process.env.CHAINMATCH_URL ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
