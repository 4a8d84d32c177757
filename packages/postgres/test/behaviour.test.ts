import type { Store } from '@omnithread/core';
import { isStoreConflictError } from '@omnithread/core';
import { makeContact, makeConversation, makeMessage } from '@omnithread/core/testing';
import { MIGRATIONS, postgresStore } from '@omnithread/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${unavailable}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(unavailable)('postgresStore behaviour beyond the conformance suite', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let url: string;
  let store: Store;
  beforeAll(async () => {
    server = await startTestServer();
    const name = databaseName('omnithread_behaviour');
    await admin(server, `CREATE DATABASE ${name}`);
    url = server.urlOf(name);
    store = await postgresStore({ connectionString: url });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  it('applies each migration once, however often and concurrently the store is opened', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => postgresStore({ connectionString: url })),
    );
    await Promise.all(stores.map((s) => s.close()));
    const rows = await sql('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('reports a duplicate key as StoreConflictError and rolls back', async () => {
    const contact = makeContact();
    await store.transaction((tx) => tx.insertContact(contact));
    const other = makeContact();
    const error = await store
      .transaction(async (tx) => {
        await tx.insertContact(other);
        await tx.insertContact(contact);
      })
      .catch((e: unknown) => e);
    expect(isStoreConflictError(error)).toBe(true);
    expect(await store.getContact(other.id)).toBeUndefined();
  });

  it('serializes transactions that lock the same key, and not those that lock others', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = store.transaction(async (tx) => {
      await tx.lock(['phone:+14155550199', 'thread:a']);
      order.push('first locked');
      await held;
      order.push('first done');
    });
    await sleep(100);
    const second = store.transaction(async (tx) => {
      await tx.lock(['phone:+14155550199']);
      order.push('second locked');
    });
    const unrelated = store.transaction(async (tx) => {
      await tx.lock(['phone:+14155550000']);
      order.push('unrelated locked');
    });
    await unrelated;
    await sleep(200);
    expect(order).toEqual(['first locked', 'unrelated locked']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'unrelated locked', 'first done', 'second locked']);
  });

  it('turns a deadlock into StoreConflictError so the hub can retry', async () => {
    let aLocked!: () => void;
    let bLocked!: () => void;
    const aReady = new Promise<void>((r) => {
      aLocked = r;
    });
    const bReady = new Promise<void>((r) => {
      bLocked = r;
    });
    const a = store.transaction(async (tx) => {
      await tx.lock(['k:1']);
      aLocked();
      await bReady;
      await tx.lock(['k:2']);
    });
    const b = store.transaction(async (tx) => {
      await tx.lock(['k:2']);
      bLocked();
      await aReady;
      await tx.lock(['k:1']);
    });
    const results = await Promise.allSettled([a, b]);
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(isStoreConflictError((failures[0] as PromiseRejectedResult).reason)).toBe(true);
  });

  it('keeps raw payloads of every JSON shape, and NUL characters do not fail the write', async () => {
    const contact = makeContact();
    const conversation = makeConversation({ contactIds: [contact.id] });
    const raws: unknown[] = [
      'Body=hi&From=%2B1',
      { nested: { list: [1, 2.5, null, true] } },
      [1, 'two'],
      42,
      null,
    ];
    const messages = raws.map((raw) =>
      makeMessage({ conversationId: conversation.id, contactId: contact.id, raw }),
    );
    const withNul = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      text: 'bro\u0000ken',
      raw: { body: 'a\u0000b' },
    });
    await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.insertConversation(conversation);
      for (const m of [...messages, withNul]) expect(await tx.insertMessage(m)).toBe(true);
    });
    for (const m of messages) expect(await store.getMessage(m.id)).toEqual(m);
    const stored = await store.getMessage(withNul.id);
    expect(stored?.text).toBe('bro\ufffdken');
    expect(stored?.raw).toEqual({ body: 'a\ufffdb' });
    const raw = await sql('SELECT jsonb_typeof(raw) AS t FROM messages WHERE id = $1', [messages[0]!.id]);
    expect(raw[0].t).toBe('string');
  });

  it('searches subjects and non-Latin words, and a word too long to index matches nothing', async () => {
    const contact = makeContact();
    const conversation = makeConversation({ contactIds: [contact.id] });
    const mail = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      channel: 'email',
      subject: 'Refund request',
      text: 'Привет, заказ 4411 не пришёл',
    });
    await store.transaction(async (tx) => {
      await tx.insertContact(contact);
      await tx.insertConversation(conversation);
      await tx.insertMessage(mail);
    });
    expect((await store.searchMessages('REFUND 4411')).items.map((m) => m.id)).toEqual([mail.id]);
    expect((await store.searchMessages('заказ пришёл')).items.map((m) => m.id)).toEqual([mail.id]);
    expect((await store.searchMessages("refund' | '4411")).items.map((m) => m.id)).toEqual([mail.id]);
    expect((await store.searchMessages('x'.repeat(5000))).items).toEqual([]);
  });
});
