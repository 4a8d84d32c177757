import { createHub, memoryStore, type Store } from '@omnithread/core';
import { postgresStore } from '@omnithread/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, JOURNEY_NOW, journeyEvents } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { NO_ORPHANS, orphanCounts, snapshot } from './helpers/snapshot.js';
import { buildWorker, removeWorker, Worker } from './helpers/workers.js';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

const JOURNEY = { phoneCustomers: 20, emailThreads: 10 };
const WRITERS = 8;

async function ingestAll(store: Store, events: unknown[]) {
  const hub = createHub({ store, clock: () => JOURNEY_NOW });
  for (const event of events) await hub.ingest(event as Parameters<typeof hub.ingest>[0]);
}

describe.skipIf(unavailable)('8 processes ingesting into one PostgreSQL', () => {
  async function rollbacksOf(database: string): Promise<number> {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT xact_rollback::int AS n FROM pg_stat_database WHERE datname = $1',
        [database],
      );
      return Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }

  let server: Awaited<ReturnType<typeof startTestServer>>;
  let worker: string;
  beforeAll(async () => {
    [server, worker] = await Promise.all([startTestServer(), buildWorker()]);
  });
  afterAll(async () => {
    removeWorker(worker);
    await server?.stop();
  });

  it.each([
    { mode: 'hub.ingest, one event per transaction', batchSize: undefined },
    { mode: 'hub.ingestMany, 25 events per transaction', batchSize: 25 },
  ])(
    '$mode: ends exactly as one process ingesting once: no duplicate contact, conversation or message',
    async ({ batchSize }) => {
      const shared = databaseName('omnithread_mp');
      const single = databaseName('omnithread_sp');
      await admin(server, `CREATE DATABASE ${shared}`, `CREATE DATABASE ${single}`);

      // Every writer delivers the whole journey in its own order, some events twice, all at once;
      // they also race to migrate the empty database.
      const seeds = Array.from({ length: WRITERS }, (_, i) => 101 + i);
      // The orders really do hold what the test is about: replies before parents, statuses before messages.
      const position = (order: ReturnType<typeof journeyEvents>, external: string) =>
        order.findIndex((e) => e.type === 'message' && e.message.external.id === external);
      for (const seed of seeds) {
        const order = deliveries(journeyEvents(JOURNEY), { seed, duplicateEvery: 4 });
        const replyFirst = Array.from({ length: JOURNEY.emailThreads }, (_, t) => t).some(
          (t) => position(order, `<t${t}.m2@example.org>`) < position(order, `<t${t}.m0@example.org>`),
        );
        const statusFirst = order.some(
          (e, i) => e.type === 'status' && i < position(order, e.status.externalId),
        );
        expect({ seed, replyFirst, statusFirst }).toEqual({ seed, replyFirst: true, statusFirst: true });
      }

      const workers = Array.from(
        { length: WRITERS },
        (_, i) =>
          new Worker(worker, {
            store: { kind: 'postgres', url: server.urlOf(shared) },
            journey: JOURNEY,
            seed: seeds[i],
            duplicateEvery: 4,
            waitForGo: true,
            ...(batchSize === undefined ? {} : { batchSize }),
          }),
      );
      await Promise.all(workers.map((w) => w.next('ready')));
      for (const w of workers) w.child.send('go');
      const done = await Promise.all(workers.map((w) => w.next('done')));
      expect(done.every((d) => Number(d.ingested) > journeyEvents(JOURNEY).length)).toBe(true);
      if (batchSize !== undefined) {
        // One transaction a batch, plus one per retry after a lost race (a rolled-back transaction):
        // no batch fell back to one event a transaction.
        const batches = done.reduce((sum, d) => sum + Math.ceil(Number(d.ingested) / batchSize), 0);
        const transactions = done.reduce((sum, d) => sum + Number(d.transactions), 0);
        const rollbacks = await rollbacksOf(shared);
        expect(transactions).toBeLessThanOrEqual(batches + rollbacks);
      }

      const reference = await postgresStore({ connectionString: server.urlOf(single) });
      await ingestAll(reference, journeyEvents(JOURNEY));
      const expected = await snapshot(reference);
      await reference.close();

      const store = await postgresStore({ connectionString: server.urlOf(shared) });
      const actual = await snapshot(store);
      await store.close();

      expect(actual).toEqual(expected);
      // The reference itself is what the journey means: one contact per phone (SMS + WhatsApp) and
      // per email sender, one conversation each, six messages per phone customer and three per thread.
      expect(expected.contacts).toHaveLength(JOURNEY.phoneCustomers + JOURNEY.emailThreads);
      expect(expected.contacts.filter((ids) => ids.length === 2)).toHaveLength(JOURNEY.phoneCustomers);
      expect(expected.conversations).toHaveLength(JOURNEY.phoneCustomers + JOURNEY.emailThreads);
      expect(expected.messages).toBe(JOURNEY.phoneCustomers * 6 + JOURNEY.emailThreads * 3);
      const replies = Object.entries(expected.statuses).filter(([key]) => key.startsWith('sms:SMout'));
      expect(replies).toHaveLength(JOURNEY.phoneCustomers);
      for (const [, s] of replies) expect(s.status).toBe('delivered');
      expect(await orphanCounts(server.urlOf(shared))).toEqual(NO_ORPHANS);

      // And the same as the in-memory store fed one shuffled, duplicated delivery.
      const memory = memoryStore();
      await ingestAll(memory, deliveries(journeyEvents(JOURNEY), { seed: 7, duplicateEvery: 3 }));
      expect(await snapshot(memory)).toEqual(expected);
      await admin(server, `DROP DATABASE ${shared}`, `DROP DATABASE ${single}`);
    },
    180_000,
  );
});
