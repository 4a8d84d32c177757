import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAssets {
  html: string;
  css: string;
  js: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The page: `index.html`, `style.css` and one script. A built package ships them in
 * `dist/inbox-page/` (tsup compiles `page/app.ts` there with esbuild); run from the sources (tests,
 * the example under tsx) the script is compiled from `page/app.ts` once, in memory.
 */
export async function loadPageAssets(): Promise<PageAssets> {
  const sources = join(here, 'page');
  if (existsSync(join(sources, 'app.ts'))) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [join(sources, 'app.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2022',
      platform: 'browser',
      minify: false,
    });
    return {
      html: await readFile(join(sources, 'index.html'), 'utf8'),
      css: await readFile(join(sources, 'style.css'), 'utf8'),
      js: result.outputFiles[0]!.text,
    };
  }
  for (const dir of [join(here, 'inbox-page'), join(here, '..', 'inbox-page')]) {
    if (existsSync(join(dir, 'app.js'))) {
      const [html, css, js] = await Promise.all(
        ['index.html', 'style.css', 'app.js'].map((f) => readFile(join(dir, f), 'utf8')),
      );
      return { html: html!, css: css!, js: js! };
    }
  }
  throw new Error(`the inbox page is missing: build @omnithread/cli (looked beside ${here})`);
}
