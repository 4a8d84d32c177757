import {
  CONTACT_LOCK_PREFIX,
  type Contact,
  type Conversation,
  type Message,
  type PrefetchHint,
  type StoreReader,
} from '@omnithread/core';
import { jsonParam, textParam } from './encoding.js';
import { storedKey } from './keys.js';
import { textArray } from './reads.js';
import type { QueryRunner } from './runner.js';
import type { TransactionState } from './tx-state.js';
import { lockKeys } from './writes.js';

// The hub locks `contact:<id>` (core's `contactLockKey`) before it changes a contact, or the
// conversations that contact's messages land in. Prefetch takes these locks for the contacts it
// loads, BEFORE it reads their conversations, so what it keeps cannot change until it commits.

/** Most messages a conversation may have to be loaded whole on speculation (see `messagesOf`). */
const SPECULATIVE_LIMIT = 50;

// The owners of the keys, each owner's contact lock taken in id order (the keys themselves are
// already locked by the caller). A separate statement from the reads that follow, which therefore
// see everything committed before the locks were granted.
const OWNERS_LOCKING = `SELECT o.contact_id,
    pg_advisory_xact_lock(hashtextextended('${CONTACT_LOCK_PREFIX}' || o.contact_id, 0)) IS NULL AS waited
  FROM (SELECT DISTINCT i.contact_id FROM jsonb_array_elements_text($1::text::jsonb) AS w(key),
    LATERAL (SELECT contact_id FROM identity_keys WHERE key = w.key OFFSET 0) AS i ORDER BY i.contact_id) AS o`;

// One statement for everything a batch will read, as tagged rows: the owners of the identity keys,
// their contacts, each contact's conversations (via conversation_contacts), the thread keys and their
// conversations, the messages by (channel, external id) with their conversation and contact, the
// events waiting for them, and (up to $4 each, besides those found by external id) the messages of
// the conversations reached. Each
// lookup is an index probe (OFFSET 0 keeps the planner from turning it into a scan; the messages of a
// conversation are asked for in the order of their index, so no plan finds a scan and sort cheaper,
// and by an id in the column's own collation: conversation ids elsewhere are "C", and a comparison
// in another collation than the index's would scan the whole index).
const PREFETCH = `WITH
  owner_rows AS (SELECT i.key, i.contact_id FROM jsonb_array_elements_text($1::text::jsonb) AS w(key),
    LATERAL (SELECT key, contact_id FROM identity_keys WHERE key = w.key OFFSET 0) AS i),
  contact_ids AS (SELECT DISTINCT contact_id AS id FROM owner_rows),
  thread_wanted AS (SELECT DISTINCT jsonb_array_elements_text($2::text::jsonb) AS key),
  message_wanted AS (SELECT DISTINCT channel, external_id FROM jsonb_to_recordset($3::text::jsonb) AS x(channel text, external_id text)),
  members AS (SELECT cc.contact_id, cc.conversation_id FROM contact_ids AS k,
    LATERAL (SELECT contact_id, conversation_id FROM conversation_contacts WHERE contact_id = k.id OFFSET 0) AS cc),
  threads AS (SELECT t.key, t.conversation_id FROM thread_wanted AS w,
    LATERAL (SELECT key, conversation_id FROM thread_keys WHERE key = w.key OFFSET 0) AS t),
  found AS (SELECT m.* FROM message_wanted AS w,
    LATERAL (SELECT id, conversation_id, contact_id, data, raw FROM messages
      WHERE channel = w.channel AND external_id = w.external_id OFFSET 0) AS m),
  conversation_ids AS (SELECT conversation_id AS id FROM members UNION SELECT conversation_id FROM threads
    UNION SELECT conversation_id FROM found),
  all_contact_ids AS (SELECT id FROM contact_ids UNION SELECT contact_id FROM found)
SELECT 'owner' AS kind, key AS a, contact_id AS b, NULL::jsonb AS data, NULL::jsonb AS raw, NULL::bigint AS n FROM owner_rows
UNION ALL SELECT 'contact', c.id, NULL, c.data, NULL, NULL
  FROM all_contact_ids AS k, LATERAL (SELECT id, data FROM contacts WHERE id = k.id OFFSET 0) AS c
UNION ALL SELECT 'conversation', v.id, NULL, v.data, NULL, NULL
  FROM conversation_ids AS k, LATERAL (SELECT id, data FROM conversations WHERE id = k.id OFFSET 0) AS v
UNION ALL SELECT 'member', contact_id, conversation_id, NULL, NULL, NULL FROM members
UNION ALL SELECT 'thread', key, conversation_id, NULL, NULL, NULL FROM threads
UNION ALL SELECT 'message', NULL, NULL, data, CASE WHEN raw IS NULL THEN NULL ELSE jsonb_build_array(raw) END, NULL FROM found
UNION ALL SELECT 'pending', p.channel, p.external_id, jsonb_build_object('receivedAt', p.received_at, 'event', p.event), NULL, p.seq
  FROM message_wanted AS w, LATERAL (SELECT channel, external_id, received_at, event, seq FROM pending_events
    WHERE channel = w.channel AND external_id = w.external_id OFFSET 0) AS p
UNION ALL SELECT 'messages', k.id, NULL, m.data, CASE WHEN m.raw IS NULL THEN NULL ELSE jsonb_build_array(m.raw) END, NULL
  FROM conversation_ids AS k, LATERAL (SELECT data, raw FROM messages WHERE conversation_id = k.id COLLATE "default"
    AND NOT id = ANY(ARRAY(SELECT id FROM found)) ORDER BY conversation_id, sent_at, id LIMIT $4 OFFSET 0) AS m`;

interface PrefetchRow {
  kind: 'owner' | 'contact' | 'conversation' | 'member' | 'thread' | 'message' | 'pending' | 'messages';
  a: string | null;
  b: string | null;
  data: unknown;
  raw: [unknown] | null;
  n: string | number | bigint | null;
}

/**
 * Loads what a batch will read: the owners of its identity keys (locking their contacts), then
 * everything else in one statement, sent behind the first without waiting when the connection
 * pipelines. What is not found is remembered as absent: the caller holds the locks on exactly these
 * keys, so no other transaction can add it before this one ends. A hint naming several messages (a
 * batch) also loads the messages of the conversations it reaches, up to `SPECULATIVE_LIMIT` each:
 * the hub re-reads them whenever a message arrives older than its conversation's latest.
 */
export async function prefetch(
  runner: QueryRunner,
  state: TransactionState,
  hint: PrefetchHint,
  held: Set<string>,
): Promise<void> {
  const identityKeys = [...new Set(hint.identityKeys.map(textParam))].filter((k) => !state.owners.has(k));
  const threadKeys = [...new Set(hint.threadKeys.map(textParam))].filter((k) => !state.threads.has(k));
  const messages = hint.messages
    .map((m) => ({ channel: textParam(m.channel), external_id: textParam(m.externalId) }))
    .filter((m) => state.messageByExternal(m.channel, m.external_id) === undefined);
  if (identityKeys.length + threadKeys.length + messages.length === 0) return;
  const cap = hint.messages.length > 1 ? SPECULATIVE_LIMIT + 1 : 0;
  // Thread keys and (channel, external id) as their columns hold them (keys.ts); rows name them so.
  const stored = {
    threads: new Map(threadKeys.map((key) => [storedKey(key), key])),
    messages: new Map(messages.map((m) => [storedPair(m.channel, m.external_id), m] as const)),
  };
  const read = () =>
    runner.query<PrefetchRow>(PREFETCH, [
      jsonParam(identityKeys),
      jsonParam([...stored.threads.keys()]),
      jsonParam(
        messages.map((m) => ({ channel: storedKey(m.channel), external_id: storedKey(m.external_id) })),
      ),
      cap,
    ]);
  let rows: PrefetchRow[];
  if (identityKeys.length === 0) rows = await read();
  else {
    const locking = runner.query<{ contact_id: string }>(OWNERS_LOCKING, [jsonParam(identityKeys)]);
    const [locked, answer] = runner.pipelined
      ? await Promise.all([locking, read()])
      : [await locking, await read()];
    for (const { contact_id } of locked) held.add(`${CONTACT_LOCK_PREFIX}${contact_id}`);
    rows = answer;
    // An owner that changed between the two statements (a merge committed while the locks were
    // awaited) is locked now, and everything read again behind its lock.
    const unlocked = rows.filter((r) => r.kind === 'owner' && !held.has(`${CONTACT_LOCK_PREFIX}${r.b}`));
    if (unlocked.length > 0) {
      const keys = [...new Set(unlocked.map((r) => `${CONTACT_LOCK_PREFIX}${r.b}`))].sort();
      await lockKeys(runner, keys);
      for (const key of keys) held.add(key);
      rows = await read();
    }
  }
  for (const row of rows) {
    if (row.kind === 'thread') row.a = stored.threads.get(row.a!) ?? row.a;
    if (row.kind === 'pending') {
      const asked = stored.messages.get(`${row.a}\u0000${row.b}`);
      if (asked) [row.a, row.b] = [asked.channel, asked.external_id];
    }
  }
  loadPrefetched(state, rows, { identityKeys, threadKeys, messages }, cap);
}

/** A (channel, external id) in the form of its columns, as one map key (as a pending row names it). */
const storedPair = (channel: string, externalId: string) =>
  `${storedKey(channel)}\u0000${storedKey(externalId)}`;

function loadPrefetched(
  state: TransactionState,
  rows: PrefetchRow[],
  wanted: {
    identityKeys: string[];
    threadKeys: string[];
    messages: { channel: string; external_id: string }[];
  },
  cap: number,
): void {
  const owners = new Map<string, string>();
  const members = new Map<string, string[]>();
  const threads = new Map<string, string>();
  const pending = new Map<string, PrefetchRow[]>();
  const foundContacts = new Set<string>();
  const messagesOf = new Map<string, string[]>();
  const found = new Map<string, string[]>();
  const conversations: string[] = [];
  for (const row of rows) {
    switch (row.kind) {
      case 'owner':
        owners.set(row.a!, row.b!);
        break;
      case 'contact':
        foundContacts.add(row.a!);
        state.loadContact(row.a!, row.data as Contact);
        break;
      case 'conversation':
        state.loadConversation(row.a!, row.data as Conversation);
        conversations.push(row.a!);
        break;
      case 'member':
        members.set(row.a!, [...(members.get(row.a!) ?? []), row.b!]);
        break;
      case 'thread':
        threads.set(row.a!, row.b!);
        break;
      case 'message':
      case 'messages': {
        const message = row.data as Message;
        if (row.raw) message.raw = row.raw[0];
        state.loadMessage(message);
        if (row.kind === 'messages') messagesOf.set(row.a!, [...(messagesOf.get(row.a!) ?? []), message.id]);
        else found.set(message.conversationId, [...(found.get(message.conversationId) ?? []), message.id]);
        break;
      }
      case 'pending': {
        const key = `${row.a}\u0000${row.b}`;
        pending.set(key, [...(pending.get(key) ?? []), row]);
        break;
      }
    }
  }
  for (const key of wanted.identityKeys) state.loadOwner(key, owners.get(key));
  for (const contactId of new Set(owners.values())) {
    if (!foundContacts.has(contactId)) state.loadContact(contactId, undefined);
    state.loadConversationsOf(contactId, members.get(contactId) ?? []);
  }
  for (const id of cap > 0 ? conversations : []) {
    const ids = messagesOf.get(id) ?? [];
    if (ids.length < cap) state.loadMessagesOf(id, [...ids, ...(found.get(id) ?? [])]);
  }
  for (const key of wanted.threadKeys) state.loadThread(key, threads.get(key));
  for (const { channel, external_id } of wanted.messages) {
    if (state.messageByExternal(channel, external_id) === undefined)
      state.loadMessageAbsent(channel, external_id);
    const waiting = (pending.get(`${channel}\u0000${external_id}`) ?? []).sort(
      (x, y) => Number(x.n) - Number(y.n),
    );
    state.loadPending(
      channel,
      external_id,
      waiting.map((r) => {
        const { receivedAt, event } = r.data as { receivedAt: string; event: never };
        return { channel, externalId: external_id, receivedAt, event };
      }),
    );
  }
}

/** Reads of single rows or keys the transaction does not know yet, kept in its state. */
export function lookups(runner: QueryRunner, state: TransactionState, reader: StoreReader) {
  return {
    async contact(id: string) {
      state.loadContact(id, await reader.getContact(id));
    },
    async owners(keys: string[]) {
      const found = await reader.findContactIdsByIdentityKeys(keys);
      for (const key of keys) state.loadOwner(key, found.get(key));
    },
    async conversation(id: string) {
      state.loadConversation(id, await reader.getConversation(id));
    },
    async threads(keys: string[]) {
      const rows = await runner.query<{ key: string; conversation_id: string }>(
        `SELECT key, conversation_id FROM thread_keys WHERE key = ANY(${textArray('$1')})`,
        [jsonParam(keys.map(storedKey))],
      );
      const found = new Map(rows.map((r) => [r.key, r.conversation_id]));
      for (const key of keys) state.loadThread(key, found.get(storedKey(key)));
    },
    /** Every live conversation of each contact (without a status filter: the list is kept whole). */
    async conversationsOf(contactIds: string[]) {
      const rows = await runner.query<{ contact_id: string; data: Conversation }>(
        `SELECT k.contact_id, c.data FROM jsonb_array_elements_text($1::text::jsonb) AS k(contact_id),
           LATERAL (SELECT conversation_id FROM conversation_contacts WHERE contact_id = k.contact_id OFFSET 0) AS cc,
           LATERAL (SELECT data FROM conversations WHERE id = cc.conversation_id AND merged_into IS NULL OFFSET 0) AS c`,
        [jsonParam(contactIds)],
      );
      const ids = new Map<string, string[]>(contactIds.map((id) => [id, []]));
      for (const row of rows) {
        state.loadConversation(row.data.id, row.data);
        ids.get(row.contact_id)?.push(row.data.id);
      }
      for (const [contactId, list] of ids) state.loadConversationsOf(contactId, list);
    },
    /**
     * The messages of a conversation, and while at it those of the other conversations the
     * transaction holds (up to `SPECULATIVE_LIMIT` messages each): a batch placing one message
     * older than its conversation's latest usually has more to place.
     */
    async messagesOf(conversationId: string) {
      const wanted = [{ id: conversationId, cap: null as number | null }];
      for (const [id, c] of state.conversations) {
        if (c && c.mergedInto === undefined && id !== conversationId && !state.messagesOf.has(id))
          wanted.push({ id, cap: SPECULATIVE_LIMIT + 1 });
      }
      const rows = await runner.query<{ conversation_id: string; data: Message; raw: [unknown] | null }>(
        `SELECT w.id AS conversation_id, m.data, CASE WHEN m.raw IS NULL THEN NULL ELSE jsonb_build_array(m.raw) END AS raw
           FROM jsonb_to_recordset($1::text::jsonb) AS w(id text, cap int),
           LATERAL (SELECT data, raw FROM messages WHERE conversation_id = w.id
             ORDER BY conversation_id, sent_at, id LIMIT w.cap OFFSET 0) AS m`,
        [jsonParam(wanted)],
      );
      const ids = new Map<string, string[]>(wanted.map((w) => [w.id, []]));
      for (const row of rows) {
        if (row.raw) row.data.raw = row.raw[0];
        state.loadMessage(row.data);
        ids.get(row.conversation_id)?.push(row.data.id);
      }
      for (const { id, cap } of wanted) {
        const list = ids.get(id) ?? [];
        if (cap === null || list.length < cap) state.loadMessagesOf(id, list);
      }
    },
    async messageByExternal(channel: string, externalId: string) {
      const message = await reader.findMessageByExternalId(channel, externalId);
      if (message) state.loadMessage(message);
      if (state.messageByExternal(channel, externalId) === undefined)
        state.loadMessageAbsent(channel, externalId);
    },
    async message(id: string) {
      const message = await reader.getMessage(id);
      if (message) state.loadMessage(message);
      else state.loadMessageIdAbsent(id);
    },
    async pending(channel: string, externalId: string) {
      state.loadPending(channel, externalId, await reader.listPendingEvents(channel, externalId));
    },
  };
}
