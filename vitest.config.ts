import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// One run over every package and example. Tests import packages by their public names; the aliases
// point those names at the sources (subpath `@omnithread/x/y` lives in packages/x/src/y/index.ts),
// so a test never runs against a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@omnithread\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@omnithread\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
