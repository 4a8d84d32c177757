import type { Store } from '@omnithread/core';
import { storeConformanceCases } from '@omnithread/core/testing';
import { postgresStore } from '@omnithread/postgres';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

describe.skipIf(unavailable)(
  `postgresStore conformance${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    const template = databaseName('omnithread_tmpl');
    const databases = new Map<Store, string>();
    beforeAll(async () => {
      server = await startTestServer();
      await admin(server, `CREATE DATABASE ${template}`);
      // Migrate once; each case then copies the migrated database.
      await (await postgresStore({ connectionString: server.urlOf(template) })).close();
    });
    afterAll(async () => {
      if (!server) return;
      await admin(server, `DROP DATABASE IF EXISTS ${template}`);
      await server.stop();
    });

    const cases = storeConformanceCases({
      async create() {
        const name = databaseName('omnithread_case');
        await admin(server, `CREATE DATABASE ${name} TEMPLATE ${template}`);
        const store = await postgresStore({ connectionString: server.urlOf(name) });
        databases.set(store, name);
        return store;
      },
      async destroy(store) {
        await admin(server, `DROP DATABASE IF EXISTS ${databases.get(store)}`);
        databases.delete(store);
      },
    });
    for (const c of cases) it(c.name, c.run);
  },
);
