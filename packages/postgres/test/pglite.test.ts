import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Store } from '@omnithread/core';
import { makeContact, makeConversation, makeMessage, storeConformanceCases } from '@omnithread/core/testing';
import { MIGRATIONS, pgliteStore } from '@omnithread/postgres';
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
        'TRUNCATE contacts, identity_keys, conversations, conversation_contacts, thread_keys, messages, pending_events, rejected_payloads',
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

describe('migration 2 (conversations by contact)', () => {
  it('indexes the contacts of conversations stored before it', async () => {
    const db = await PGlite.create();
    await db.exec(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const statement of MIGRATIONS[0]!.statements) await db.exec(statement);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial schema')");
    const [a, b] = [makeContact(), makeContact()];
    const shared = makeConversation({ contactIds: [a.id, b.id] });
    const onlyB = makeConversation({ contactIds: [b.id] });
    for (const c of [a, b])
      await db.query('INSERT INTO contacts (id, created_at, data) VALUES ($1, $2, $3::text::jsonb)', [
        c.id,
        c.createdAt,
        JSON.stringify(c),
      ]);
    for (const c of [shared, onlyB])
      await db.query(
        'INSERT INTO conversations (id, status, last_message_at, data) VALUES ($1, $2, $3, $4::text::jsonb)',
        [c.id, c.status, c.lastMessageAt, JSON.stringify(c)],
      );

    const store = await pgliteStore({ pglite: db });
    try {
      expect((await store.listConversationsOfContacts([a.id])).map((c) => c.id)).toEqual([shared.id]);
      const ofB = (await store.listConversations({ contactId: b.id })).items.map((c) => c.id);
      expect(ofB.sort()).toEqual([shared.id, onlyB.id].sort());
      // Kept up to date from then on: a contact merged away hands its conversations over.
      await store.transaction((tx) => tx.reassignContact(a.id, b.id));
      expect(await store.listConversationsOfContacts([a.id])).toEqual([]);
      const after = (await store.listConversationsOfContacts([b.id])).map((c) => c.id);
      expect(after.sort()).toEqual([shared.id, onlyB.id].sort());
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('migration 3 (long keys as digests)', () => {
  it('rewrites keys stored at their length, so lookups find them after it', async () => {
    const db = await PGlite.create();
    await db.exec(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const migration of MIGRATIONS.slice(0, 2)) {
      for (const statement of migration.statements) await db.exec(statement);
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    // Long, but compressed small enough for an index entry: what a store before version 3 kept.
    const [channel, externalId, threadKey] = ['c'.repeat(1_500), 'm'.repeat(5_000), 't'.repeat(5_000)];
    const contact = makeContact();
    const conversation = makeConversation({ contactIds: [contact.id] });
    const message = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      channel,
      external: { id: externalId },
    });
    await db.query('INSERT INTO contacts (id, created_at, data) VALUES ($1, $2, $3::text::jsonb)', [
      contact.id,
      contact.createdAt,
      JSON.stringify(contact),
    ]);
    await db.query(
      'INSERT INTO conversations (id, status, last_message_at, data) VALUES ($1, $2, $3, $4::text::jsonb)',
      [conversation.id, conversation.status, conversation.lastMessageAt, JSON.stringify(conversation)],
    );
    await db.query(
      `INSERT INTO messages (id, conversation_id, contact_id, channel, external_id, sent_at, data, search)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, ''::tsvector)`,
      [message.id, conversation.id, contact.id, channel, externalId, message.sentAt, JSON.stringify(message)],
    );
    await db.query('INSERT INTO thread_keys (key, conversation_id) VALUES ($1, $2)', [
      threadKey,
      conversation.id,
    ]);
    // Keys whose very text is the digest form of the long ones (a sender can choose a Message-ID so):
    // the rewrite must not trip over them half-way, and both must be found after it.
    const digestText = (key: string) => `\u0001sha256:${createHash('sha256').update(key).digest('hex')}`;
    const lookalike = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      channel,
      external: { id: digestText(externalId) },
    });
    await db.query(
      `INSERT INTO messages (id, conversation_id, contact_id, channel, external_id, sent_at, data, search)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, ''::tsvector)`,
      [
        lookalike.id,
        conversation.id,
        contact.id,
        channel,
        digestText(externalId),
        lookalike.sentAt,
        JSON.stringify(lookalike),
      ],
    );
    await db.query('INSERT INTO thread_keys (key, conversation_id) VALUES ($1, $2)', [
      digestText(threadKey),
      conversation.id,
    ]);
    const status = { type: 'status', status: { channel, externalId: `${externalId}2`, status: 'read' } };
    await db.query(
      'INSERT INTO pending_events (channel, external_id, received_at, event) VALUES ($1, $2, $3, $4::text::jsonb)',
      [channel, `${externalId}2`, message.sentAt, JSON.stringify(status)],
    );

    const store = await pgliteStore({ pglite: db });
    try {
      expect((await store.findMessageByExternalId(channel, externalId))?.id).toBe(message.id);
      expect((await store.findMessageByExternalId(channel, digestText(externalId)))?.id).toBe(lookalike.id);
      expect(await store.findConversationIdsByThreadKeys([threadKey])).toEqual([conversation.id]);
      expect(await store.findConversationIdsByThreadKeys([digestText(threadKey)])).toEqual([conversation.id]);
      expect((await store.listPendingEvents(channel, `${externalId}2`)).map((p) => p.event)).toEqual([
        status,
      ]);
      expect((await store.listMessageChannels!(conversation.id)).items.map((m) => m.channel)).toEqual([
        channel,
        channel,
      ]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
