import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'x/index': 'src/x/index.ts',
    'messenger/index': 'src/messenger/index.ts',
    'instagram/index': 'src/instagram/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  treeshake: true,
});
