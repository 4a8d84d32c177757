import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', 'inbox/index': 'src/inbox/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', 'inbox/index': 'src/inbox/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Only the sources compile the page at run time (assets.ts); the build ships it prebuilt.
  external: ['esbuild'],
  // The inbox page: one browser script (no framework) and its HTML and CSS, served by the inbox.
  async onSuccess() {
    await mkdir('dist/inbox-page', { recursive: true });
    await build({
      entryPoints: ['src/inbox/page/app.ts'],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile: 'dist/inbox-page/app.js',
    });
    await copyFile('src/inbox/page/index.html', 'dist/inbox-page/index.html');
    await copyFile('src/inbox/page/style.css', 'dist/inbox-page/style.css');
  },
});
