import { rmSync } from 'node:fs';
import type { Store } from '@omnithread/core';
import { storeConformanceCases } from '@omnithread/core/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { pgliteTemplate } from './helpers/pglite-template.js';

describe('pgliteStore conformance', () => {
  let template: Awaited<ReturnType<typeof pgliteTemplate>>;
  const dirs = new Map<Store, string>();
  beforeAll(async () => {
    template = await pgliteTemplate();
  });
  afterAll(() => template?.remove());

  const cases = storeConformanceCases({
    async create() {
      const { store, dir } = await template.open();
      dirs.set(store, dir);
      return store;
    },
    destroy(store) {
      rmSync(dirs.get(store)!, { recursive: true, force: true });
      dirs.delete(store);
    },
  });
  for (const c of cases) it(c.name, c.run);
});
