import { createHub, identityKey } from '@omnithread/core';
import { postgresStore } from '@omnithread/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, JOURNEY_NOW, journeyEvents } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { NO_ORPHANS, orphanCounts, snapshot } from './helpers/snapshot.js';
import { buildWorker, removeWorker, Worker } from './helpers/workers.js';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

const JOURNEY = { phoneCustomers: 10, emailThreads: 5 };
const SEED = 5;

describe.skipIf(unavailable)('a writer killed mid-ingest', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let worker: string;
  beforeAll(async () => {
    [server, worker] = await Promise.all([startTestServer(), buildWorker()]);
  });
  afterAll(async () => {
    removeWorker(worker);
    await server?.stop();
  });

  it('leaves no partial state, and redelivery completes its events exactly once', async () => {
    const crashed = databaseName('omnithread_crash');
    const single = databaseName('omnithread_ref');
    await admin(server, `CREATE DATABASE ${crashed}`, `CREATE DATABASE ${single}`);
    const store = await postgresStore({ connectionString: server.urlOf(crashed) });
    const config = { store: { kind: 'postgres', url: server.urlOf(crashed) }, journey: JOURNEY, seed: SEED };

    // The worker stops inside the transaction of a new customer's message, after writing the
    // contact and its identity key, and is killed there.
    const victim = new Worker(worker, { ...config, stallAt: 20 });
    const stalled = await victim.next('stalled');
    victim.kill('SIGKILL');
    expect((await victim.exited()).signal).toBe('SIGKILL');

    const [channel, ...rest] = String(stalled.message).split(':');
    expect(await store.findMessageByExternalId(channel!, rest.join(':'))).toBeUndefined();
    const key = identityKey(stalled.identity as { kind: string; value: string });
    expect((await store.findContactIdsByIdentityKeys([key])).size).toBe(0);
    const { pendingEvents: _pending, ...integrity } = await orphanCounts(server.urlOf(crashed));
    const { pendingEvents: _none, ...clean } = NO_ORPHANS;
    expect(integrity).toEqual(clean);
    // Exactly the messages of the deliveries that finished before the stalled one are there.
    const finished = deliveries(journeyEvents(JOURNEY), { seed: SEED }).slice(0, Number(stalled.at) - 1);
    const expectedIds = new Set(
      finished.flatMap((e) =>
        e.type === 'message' ? [`${e.message.channel}:${e.message.external.id}`] : [],
      ),
    );
    const before = await snapshot(store);
    expect(before.messages).toBe(expectedIds.size);
    expect(new Set(Object.keys(before.statuses))).toEqual(expectedIds);

    // The provider redelivers everything the dead worker had: it all lands once.
    const again = new Worker(worker, config);
    await again.next('done');
    const after = await snapshot(store);
    await store.close();

    const reference = await postgresStore({ connectionString: server.urlOf(single) });
    const hub = createHub({ store: reference, clock: () => JOURNEY_NOW });
    for (const event of journeyEvents(JOURNEY)) await hub.ingest(event);
    const expected = await snapshot(reference);
    await reference.close();

    expect(after).toEqual(expected);
    expect(after.messages).toBe(JOURNEY.phoneCustomers * 6 + JOURNEY.emailThreads * 3);
    expect(await orphanCounts(server.urlOf(crashed))).toEqual(NO_ORPHANS);
    await admin(server, `DROP DATABASE ${crashed}`, `DROP DATABASE ${single}`);
  }, 120_000);
});
