import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@omnithread/core';
import { pgliteStore } from '@omnithread/postgres';

/**
 * A fresh PGlite database takes seconds to initialise; reopening a data directory well under one.
 * So a suite migrates one template directory once and each case opens its own copy.
 */
export async function pgliteTemplate(): Promise<{
  open(): Promise<{ store: Store; dir: string }>;
  remove(): void;
}> {
  const root = mkdtempSync(join(tmpdir(), 'omnithread-pglite-'));
  const template = join(root, 'template');
  await (await pgliteStore({ dir: template })).close();
  let n = 0;
  return {
    async open() {
      const dir = join(root, `case-${++n}`);
      cpSync(template, dir, { recursive: true });
      return { store: await pgliteStore({ dir }), dir };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
