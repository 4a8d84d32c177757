import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, isConfigurationError } from '@omnithread/core';
import { openStore, postgresStore } from '@omnithread/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNEY_NOW, journeyEvents } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { snapshot } from './helpers/snapshot.js';

const JOURNEY = { phoneCustomers: 4, emailThreads: 3 };

/** Ingests the journey through a store opened from `spec`, the way `omnithread import --store` does. */
async function importOnce(spec: string) {
  const store = await openStore(spec);
  try {
    const hub = createHub({ store, clock: () => JOURNEY_NOW });
    let added = 0;
    for (const event of journeyEvents(JOURNEY)) {
      const result = await hub.ingest(event);
      if (result.type === 'message' && !result.duplicate) added++;
    }
    return { added, state: await snapshot(store) };
  } finally {
    await store.close();
  }
}

describe('openStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'omnithread-open-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens a PGlite directory; a second import over the reopened directory adds nothing', async () => {
    const dir = join(root, 'store');
    const first = await importOnce(dir);
    expect(first.added).toBe(JOURNEY.phoneCustomers * 6 + JOURNEY.emailThreads * 3);
    const second = await importOnce(dir);
    expect(second.added).toBe(0);
    expect(second.state).toEqual(first.state);
  }, 60_000);

  it('refuses an empty spec or a missing connection string with a ConfigurationError', async () => {
    await expect(openStore('')).rejects.toSatisfy(isConfigurationError);
    await expect(postgresStore({ connectionString: '' })).rejects.toSatisfy(
      (e: unknown) => isConfigurationError(e) && e.setting === 'connectionString',
    );
  });

  const unavailable = postgresUnavailable();
  it.skipIf(unavailable && !process.env.CI)(
    'opens postgres:// URLs with postgresStore; a second import adds nothing',
    async () => {
      const server = await startTestServer();
      try {
        const name = databaseName('omnithread_open');
        await admin(server, `CREATE DATABASE ${name}`);
        const url = server.urlOf(name);
        expect(url.startsWith('postgres://')).toBe(true);
        const first = await importOnce(url);
        expect(first.added).toBe(JOURNEY.phoneCustomers * 6 + JOURNEY.emailThreads * 3);
        const second = await importOnce(url);
        expect(second.added).toBe(0);
        expect(second.state).toEqual(first.state);
      } finally {
        await server.stop();
      }
    },
    60_000,
  );
});
