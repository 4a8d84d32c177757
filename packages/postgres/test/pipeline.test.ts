import type { Store } from '@omnithread/core';
import { isStoreConflictError } from '@omnithread/core';
import { makeContact, makeConversation } from '@omnithread/core/testing';
import { postgresStore } from '@omnithread/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { recordStatements } from './helpers/statements.js';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

// Writes are sent ahead without waiting for their answers; these pin down what the caller sees.
describe.skipIf(unavailable)('postgresStore transactions with writes sent ahead', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let url: string;
  let store: Store;
  beforeAll(async () => {
    server = await startTestServer();
    const name = databaseName('omnithread_pipeline');
    await admin(server, `CREATE DATABASE ${name}`);
    url = server.urlOf(name);
    store = await postgresStore({ connectionString: url });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('reports a failed write from the next read that reaches the server as itself, and commits none of the transaction', async () => {
    const existing = makeContact();
    await store.transaction((tx) => tx.insertContact(existing));
    const fresh = makeContact();
    let readError: unknown;
    const outcome = store.transaction(async (tx) => {
      await tx.insertContact(fresh);
      await tx.insertContact(existing); // duplicate primary key the transaction cannot see: fails on the server, later
      // The writes are buffered; a listing cannot be answered from them, so they are sent ahead of it.
      try {
        await tx.listContacts();
      } catch (error) {
        readError = error;
        throw error;
      }
    });
    await expect(outcome).rejects.toSatisfy(isStoreConflictError);
    // The duplicate key, not "current transaction is aborted" from the read behind it.
    expect(isStoreConflictError(readError)).toBe(true);
    expect(String((readError as Error).message)).toMatch(/unique violation/);
    expect(await store.getContact(fresh.id)).toBeUndefined();
    expect(await store.getContact(existing.id)).toEqual(existing);
  });

  it('reports a failed last write at commit, and rolls back', async () => {
    const existing = makeContact();
    await store.transaction((tx) => tx.insertContact(existing));
    const conversation = makeConversation({ contactIds: [existing.id] });
    const outcome = store.transaction(async (tx) => {
      await tx.insertConversation(conversation);
      await tx.insertContact(existing);
      return 'done';
    });
    await expect(outcome).rejects.toSatisfy(isStoreConflictError);
    expect(await store.getConversation(conversation.id)).toBeUndefined();
    // The connection is clean afterwards: the next transaction commits.
    const next = makeContact();
    await store.transaction((tx) => tx.insertContact(next));
    expect(await store.getContact(next.id)).toEqual(next);
  });

  it('rolls back the writes sent ahead when the caller throws', async () => {
    const contact = makeContact();
    const outcome = store.transaction(async (tx) => {
      await tx.insertContact(contact);
      throw new Error('placement failed');
    });
    await expect(outcome).rejects.toThrow('placement failed');
    expect(await store.getContact(contact.id)).toBeUndefined();
  });

  it('a read sees the writes sent before it in the same transaction', async () => {
    const contact = makeContact();
    const seen = await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.claimIdentityKeys(contact.id, ['phone:+14155550142']);
      return tx.findContactIdsByIdentityKeys(['phone:+14155550142']);
    });
    expect(seen.get('phone:+14155550142')).toBe(contact.id);
  });

  it('turns synchronous commit off per transaction only when asked', async () => {
    const sent: string[] = [];
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    recordStatements(pool, sent);
    const run = async (options: { synchronousCommit?: boolean }) => {
      sent.length = 0;
      const s = await postgresStore({ pool, ...options });
      await s.transaction((tx) => tx.insertContact(makeContact()));
      await s.close();
      return sent.filter((t) => t.includes('synchronous_commit'));
    };
    try {
      expect(await run({})).toEqual([]);
      expect(await run({ synchronousCommit: false })).toEqual(['SET LOCAL synchronous_commit = off']);
    } finally {
      await pool.end();
    }
  });
});
