import { PGlite } from '@electric-sql/pglite';
import { createHub, isValidationError, type Store } from '@omnithread/core';
import { pgliteStore, postgresStore } from '@omnithread/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { checkHostileRun, type PostgresTarget } from './helpers/hostile-check.js';
import { hostileEvent, hostileQuery, hostileText, nested } from './helpers/hostile-events.js';
import { checkHostileWebhook, hostileWebhook } from './helpers/hostile-webhooks.js';

// Hostile input through `createHub` into PostgreSQL, on PGlite and (when installed) a server, with
// memoryStore as the oracle: model events (helpers/hostile-check.ts), signed Twilio webhooks
// (helpers/hostile-webhooks.ts), and values only PostgreSQL refuses. Fixed seeds, modest run counts;
// `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 40);
const TABLES =
  'contacts, identity_keys, conversations, conversation_contacts, thread_keys, messages, pending_events, rejected_payloads';

const cursor = fc.oneof(
  fc
    .tuple(hostileText, hostileText)
    .map(([a, b]) => Buffer.from(JSON.stringify([a, b])).toString('base64url')),
  fc.string(),
);
const run = fc.tuple(fc.array(hostileEvent, { minLength: 1, maxLength: 4 }), hostileQuery, cursor);

function hostileInputCases(target: () => PostgresTarget, seed: number) {
  it('hostile events are stored as memoryStore stores them, or refused with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(run, ([events, query, c]) => checkHostileRun(target(), events, query, c)),
      { seed, numRuns },
    );
  }, 600_000);

  it('signed hostile SMS webhooks are answered as on memoryStore, a refused body kept as rejected', async () => {
    await fc.assert(
      fc.asyncProperty(hostileWebhook, ({ body, type }) => checkHostileWebhook(target(), body, type)),
      { seed: seed + 1, numRuns },
    );
  }, 600_000);

  it('refuses what JSON cannot hold with a ValidationError naming the field, and stays usable', async () => {
    const { store, reset } = target();
    await reset();
    const hub = createHub({ store });
    const message = (raw: unknown, id: string) => ({
      type: 'message' as const,
      message: {
        channel: 'sms',
        from: { kind: 'phone', value: '+14155550100' },
        sentAt: '2026-03-01T10:00:00Z',
        external: { id },
        raw,
      },
    });
    const first = await hub.ingest(message({ ok: true }, 'SM1'));
    const contactId = first.type === 'message' ? first.message.contactId : '';
    // The hub refuses these before any store sees them, so every store answers alike.
    for (const [attempt, path] of [
      [() => hub.ingest(message({ id: 2n ** 70n }, 'SM2')), 'message.raw'],
      [
        () =>
          hub.ingest({
            type: 'status',
            status: {
              channel: 'sms',
              externalId: 'SM9',
              status: 'read',
              at: '2026-03-01T10:00:00Z',
              raw: 1n,
            },
          }),
        'status.raw',
      ],
      [
        () => hub.contacts.update(contactId, { attributes: { deep: nested(20_000) } as never }),
        'patch.attributes',
      ],
    ] as const) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isValidationError(error), String(error)).toBe(true);
      expect((error as { path?: string }).path).toBe(path);
    }
    // A refused payload is kept whatever it holds: as the closest copy JSON can carry.
    await hub.rejected.record('sms', { n: 1n }, new Error('unusable'));
    expect((await hub.rejected.list()).items.map((r) => r.raw)).toEqual([{ n: '1n' }]);
    const after = await hub.ingest(message({ ok: true }, 'SM3'));
    expect(after.type === 'message' && !after.duplicate).toBe(true);
  });
}

describe('hostile input on PGlite', () => {
  let db: PGlite;
  let store: Store;
  beforeAll(async () => {
    db = await PGlite.create();
    store = await pgliteStore({ pglite: db });
  });
  afterAll(() => store?.close());
  hostileInputCases(
    () => ({ store, reset: () => db.exec(`TRUNCATE ${TABLES}`).then(() => undefined) }),
    2024,
  );
});

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

describe.skipIf(unavailable)(
  `hostile input on PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let pool: pg.Pool;
    let store: Store;
    beforeAll(async () => {
      server = await startTestServer();
      const name = databaseName('omnithread_hostile');
      await admin(server, `CREATE DATABASE ${name}`);
      pool = new pg.Pool({ connectionString: server.urlOf(name), max: 2 });
      store = await postgresStore({ pool });
    });
    afterAll(async () => {
      await store?.close();
      await pool?.end();
      await server?.stop();
    });
    hostileInputCases(
      () => ({ store, reset: () => pool.query(`TRUNCATE ${TABLES}`).then(() => undefined) }),
      3024,
    );
  },
);
