import type { InboundEvent, Store } from '@omnithread/core';
import { createHub, isStoreConflictError } from '@omnithread/core';
import { inboundMessage, makeContact, makeConversation, makeMessage } from '@omnithread/core/testing';
import { postgresStore } from '@omnithread/postgres';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JOURNEY_NOW } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';
import { recordStatements } from './helpers/statements.js';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

const T = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString();

function sms(n: number, from: string, minute = n): InboundEvent {
  return inboundMessage({
    channel: 'sms',
    from: { kind: 'phone', value: from },
    to: [{ kind: 'phone', value: '+14155550000' }],
    sentAt: T(minute),
    text: `message ${n}`,
    external: { id: `SMwb${n}` },
  });
}

// Transactions buffer their writes and answer reads from what they know; these pin down what that
// means for callers, and what a transaction costs in statements.
describe.skipIf(unavailable)('postgresStore transactions: write-behind, prefetch, statement counts', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let url: string;
  let store: Store;
  let pool: pg.Pool;
  // Every statement the store sends through `pool`, as its SQL text.
  const sent: string[] = [];
  const count = (prefix: string) => sent.filter((s) => s.trimStart().startsWith(prefix)).length;
  const writes = () => sent.filter((s) => s.includes('contact_rows AS')).length;

  beforeAll(async () => {
    server = await startTestServer();
    const name = databaseName('omnithread_writebehind');
    await admin(server, `CREATE DATABASE ${name}`);
    url = server.urlOf(name);
    pool = new pg.Pool({ connectionString: url, max: 2, pipeline: true } as pg.PoolConfig);
    recordStatements(pool, sent);
    store = await postgresStore({ pool });
  });
  beforeEach(() => {
    sent.length = 0;
  });
  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await server?.stop();
  });

  it('reads its own writes, coalesces rewrites of a row, and sends them all in one statement at commit', async () => {
    const contact = makeContact({ name: 'Ada' });
    const conversation = makeConversation({ contactIds: [contact.id], status: 'open' });
    const inside = await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.updateContact({ ...contact, name: 'Ada L.' });
      await tx.claimIdentityKeys(contact.id, ['phone:+14155550101']);
      await tx.insertConversation(conversation);
      await tx.updateConversation({ ...conversation, status: 'pending' });
      await tx.claimThreadKeys(conversation.id, ['sms:t1']);
      const seen = {
        contact: await tx.getContact(contact.id),
        owner: (await tx.findContactIdsByIdentityKeys(['phone:+14155550101'])).get('phone:+14155550101'),
        conversation: await tx.getConversation(conversation.id),
        threads: await tx.findConversationIdsByThreadKeys(['sms:t1']),
        open: await tx.listConversationsOfContacts([contact.id], { statuses: ['open'] }),
        pending: await tx.listConversationsOfContacts([contact.id], { statuses: ['pending'] }),
      };
      // Nothing has reached the server yet but BEGIN.
      expect(writes()).toBe(0);
      return seen;
    });
    expect(inside.contact?.name).toBe('Ada L.');
    expect(inside.owner).toBe(contact.id);
    expect(inside.conversation?.status).toBe('pending');
    expect(inside.threads).toEqual([conversation.id]);
    expect(inside.open).toEqual([]);
    expect(inside.pending.map((c) => c.id)).toEqual([conversation.id]);
    // Two writes of each row, one statement: the contact and the conversation went in as their last versions.
    expect(writes()).toBe(1);
    expect(count('BEGIN')).toBe(1);
    expect(count('COMMIT')).toBe(1);
    expect((await store.getContact(contact.id))?.name).toBe('Ada L.');
    expect((await store.getConversation(conversation.id))?.status).toBe('pending');
    expect((await store.listConversations({ contactId: contact.id })).items.map((c) => c.id)).toEqual([
      conversation.id,
    ]);
  });

  it('rolls back without sending a write when the caller throws', async () => {
    const contact = makeContact();
    const outcome = store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.claimIdentityKeys(contact.id, ['email:gone@x.org']);
      throw new Error('placement failed');
    });
    await expect(outcome).rejects.toThrow('placement failed');
    expect(writes()).toBe(0);
    expect(await store.getContact(contact.id)).toBeUndefined();
    expect((await store.findContactIdsByIdentityKeys(['email:gone@x.org'])).size).toBe(0);
  });

  it('a unique violation it could not see fails at commit as StoreConflictError, and nothing of it is kept', async () => {
    const contact = makeContact();
    const conversation = makeConversation({ contactIds: [contact.id] });
    await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.insertConversation(conversation);
    });
    const message = (id: string) =>
      makeMessage({ conversationId: conversation.id, contactId: contact.id, external: { id: 'SMrace' }, id });
    // Both look the message up before either commits (no lock): each buffers its insert.
    let aLooked!: () => void;
    const looked = new Promise<void>((r) => {
      aLooked = r;
    });
    let aCommit!: () => void;
    const mayCommit = new Promise<void>((r) => {
      aCommit = r;
    });
    const bystander = makeContact();
    const a = store.transaction(async (tx) => {
      expect(await tx.insertMessage(message('msg_a'))).toBe(true);
      aLooked();
      await mayCommit;
    });
    await looked;
    const b = store.transaction(async (tx) => {
      await tx.insertContact(bystander);
      expect(await tx.insertMessage(message('msg_b'))).toBe(true);
      aCommit();
      await a;
    });
    await a;
    await expect(b).rejects.toSatisfy(isStoreConflictError);
    expect((await store.findMessageByExternalId('sms', 'SMrace'))?.id).toBe('msg_a');
    expect(await store.getMessage('msg_b')).toBeUndefined();
    expect(await store.getContact(bystander.id)).toBeUndefined();
  });

  it('refuses at once a duplicate it can see, and says false for a stored (channel, external id)', async () => {
    const contact = makeContact();
    await store.transaction((tx) => tx.insertContact(contact));
    const conversation = makeConversation({ contactIds: [contact.id] });
    const first = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      external: { id: 'SMd' },
    });
    const error = await store
      .transaction(async (tx) => {
        expect(await tx.getContact(contact.id)).toEqual(contact);
        await tx.insertContact(contact);
      })
      .catch((e: unknown) => e);
    expect(isStoreConflictError(error)).toBe(true);
    await store.transaction(async (tx) => {
      await tx.insertConversation(conversation);
      expect(await tx.insertMessage(first)).toBe(true);
      expect(await tx.insertMessage({ ...first, id: 'msg_other' })).toBe(false);
    });
    expect(await store.transaction((tx) => tx.insertMessage({ ...first, id: 'msg_third' }))).toBe(false);
  });

  it('pages a conversation’s messages inside the transaction as the database pages them', async () => {
    const contact = makeContact();
    const conversation = makeConversation({ contactIds: [contact.id] });
    const messages = [5, 1, 3, 2, 4, 3].map((n, i) =>
      makeMessage({ conversationId: conversation.id, contactId: contact.id, sentAt: T(n), id: `msg_p${i}` }),
    );
    await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.insertConversation(conversation);
      for (const m of messages.slice(0, 3)) await tx.insertMessage(m);
    });
    const walk = async (
      list: (cursor?: string) => Promise<{ items: { id: string }[]; nextCursor?: string }>,
    ) => {
      const ids: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await list(cursor);
        ids.push(page.items.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const inside = await store.transaction(async (tx) => {
      for (const m of messages.slice(3)) await tx.insertMessage(m);
      await tx.updateMessage({ ...messages[0]!, sentAt: T(0) });
      return walk((cursor) => tx.listMessages(conversation.id, cursor ? { limit: 2, cursor } : { limit: 2 }));
    });
    const after = await walk((cursor) =>
      store.listMessages(conversation.id, cursor ? { limit: 2, cursor } : { limit: 2 }),
    );
    expect(inside).toEqual(after);
    expect(after.flat()).toEqual(['msg_p0', 'msg_p1', 'msg_p3', 'msg_p2', 'msg_p5', 'msg_p4']);
  });

  it('after prefetch, the keys it named answer without a statement, "none" included', async () => {
    const known = makeContact();
    await store.transaction(async (tx) => {
      await tx.insertContact(known);
      await tx.claimIdentityKeys(known.id, ['phone:+14155550111']);
    });
    const keys = ['phone:+14155550111', 'phone:+14155550112'];
    await store.transaction(async (tx) => {
      await tx.lock(keys);
      await tx.prefetch?.({
        identityKeys: keys,
        threadKeys: ['sms:none'],
        messages: [{ channel: 'sms', externalId: 'SMnone' }],
      });
      const before = sent.length;
      expect([...(await tx.findContactIdsByIdentityKeys(keys))]).toEqual([['phone:+14155550111', known.id]]);
      expect(await tx.getContact(known.id)).toEqual(known);
      expect(await tx.listConversationsOfContacts([known.id])).toEqual([]);
      expect(await tx.findConversationIdsByThreadKeys(['sms:none'])).toEqual([]);
      expect(await tx.findMessageByExternalId('sms', 'SMnone')).toBeUndefined();
      expect(await tx.listPendingEvents('sms', 'SMnone')).toEqual([]);
      // Locks it holds (the keys, and the contacts prefetch found) send nothing either.
      await tx.lock([...keys, `contact:${known.id}`]);
      expect(sent.length).toBe(before);
    });
  });

  it('ingests a batch of 100 new senders in one transaction of 6 statements', async () => {
    const hub = createHub({ store, clock: () => JOURNEY_NOW });
    const events = Array.from({ length: 100 }, (_, n) => sms(n, `+1415777${String(n).padStart(4, '0')}`));
    const results = await hub.ingestMany(events, { batchSize: 100 });
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    // BEGIN, the batch's locks, prefetch (owners, then rows), the writes, COMMIT.
    expect(count('BEGIN')).toBe(1);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect((await store.listContacts({ limit: 200 })).items.length).toBeGreaterThanOrEqual(100);

    // The same senders again, a reply each: known contacts, existing conversations, still one transaction.
    sent.length = 0;
    const again = await hub.ingestMany(
      events.map((_, n) => sms(100 + n, `+1415777${String(n).padStart(4, '0')}`, 100 + n)),
      { batchSize: 100 },
    );
    expect(
      again.every(
        (r) => r.status === 'fulfilled' && r.value.type === 'message' && !r.value.createdConversation,
      ),
    ).toBe(true);
    expect(count('BEGIN')).toBe(1);
    expect(sent.length).toBeLessThanOrEqual(6);
  });

  it('ingests one event of a new sender per transaction in at most 8 statements', async () => {
    const hub = createHub({ store, clock: () => JOURNEY_NOW });
    await hub.ingest(sms(500, '+14157779999'));
    expect(count('BEGIN')).toBe(1);
    expect(sent.length).toBeLessThanOrEqual(8);
  });
});
