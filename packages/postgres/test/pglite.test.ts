import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Store } from '@omnithread/core';
import { storeConformanceCases } from '@omnithread/core/testing';
import { pgliteStore } from '@omnithread/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('pgliteStore conformance', () => {
  // One database on disk for the whole suite (a fresh PGlite takes seconds to initialise): each
  // case gets it emptied, behind a store whose close() leaves it open.
  let db: PGlite;
  let shared: Store;
  const root = mkdtempSync(join(tmpdir(), 'omnithread-pglite-'));
  beforeAll(async () => {
    db = await PGlite.create({ dataDir: join(root, 'data') });
    shared = await pgliteStore({ pglite: db });
  });
  afterAll(async () => {
    await shared?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const cases = storeConformanceCases({
    create: () => ({ ...shared, close: async () => undefined }),
    async destroy() {
      await db.exec(
        'TRUNCATE contacts, identity_keys, conversations, thread_keys, messages, pending_events, rejected_payloads',
      );
    },
  });
  for (const c of cases) it(c.name, c.run);
});

describe('pgliteStore in memory', () => {
  it('works without a directory and keeps rejected payloads', async () => {
    const store = await pgliteStore();
    try {
      await store.insertRejected({
        id: 'rej_mem',
        channel: 'sms',
        receivedAt: '2026-01-01T00:00:00.000Z',
        error: { code: 'WEBHOOK_PARSE', message: 'no From' },
        raw: 'Body=hi',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const page = await store.listRejected();
      expect(page.items).toEqual([
        {
          id: 'rej_mem',
          channel: 'sms',
          receivedAt: '2026-01-01T00:00:00.000Z',
          error: { code: 'WEBHOOK_PARSE', message: 'no From' },
          raw: 'Body=hi',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      ]);
    } finally {
      await store.close();
    }
    await expect(store.transaction(async () => undefined)).rejects.toThrow(/closed/);
  }, 60_000);
});
