import type { Contact, Conversation, Message, PrefetchHint, StoreReader } from '@omnithread/core';
import { jsonParam, textParam } from './encoding.js';
import { textArray } from './reads.js';
import type { QueryRunner } from './runner.js';
import type { TransactionState } from './tx-state.js';

/**
 * The hub locks `contact:<id>` before it changes a contact, or the conversations that contact's
 * messages land in. Prefetch takes these locks for the contacts it loads, BEFORE it reads their
 * conversations, so what it keeps cannot change under the transaction until it commits.
 */
export const CONTACT_LOCK_PREFIX = 'contact:';

/** Most messages a conversation may have to be loaded whole on speculation (see `messagesOf`). */
const SPECULATIVE_LIMIT = 200;

// The owners of the keys, each owner's contact lock taken in id order (the keys themselves are
// already locked by the caller). A separate statement from the reads that follow, which therefore
// see everything committed before the locks were granted.
const OWNERS_LOCKING = `SELECT o.key, o.contact_id,
    pg_advisory_xact_lock(hashtextextended('${CONTACT_LOCK_PREFIX}' || o.contact_id, 0)) IS NULL AS waited
  FROM (SELECT key, contact_id FROM identity_keys WHERE key = ANY(${textArray('$1')}) ORDER BY contact_id, key) AS o`;

// One statement for everything else a batch will read, as tagged rows: the contacts, each contact's
// conversations (via conversation_contacts), the thread keys and their conversations, the messages
// by (channel, external id) with their conversation and contact, and the events waiting for them.
// Each lookup is an index probe (OFFSET 0 keeps the planner from turning it into a scan).
const PREFETCH = `WITH
  contact_ids AS (SELECT DISTINCT jsonb_array_elements_text($1::text::jsonb) AS id),
  thread_wanted AS (SELECT DISTINCT jsonb_array_elements_text($2::text::jsonb) AS key),
  message_wanted AS (SELECT DISTINCT channel, external_id FROM jsonb_to_recordset($3::text::jsonb) AS x(channel text, external_id text)),
  members AS (SELECT cc.contact_id, cc.conversation_id FROM contact_ids AS k,
    LATERAL (SELECT contact_id, conversation_id FROM conversation_contacts WHERE contact_id = k.id OFFSET 0) AS cc),
  threads AS (SELECT t.key, t.conversation_id FROM thread_wanted AS w,
    LATERAL (SELECT key, conversation_id FROM thread_keys WHERE key = w.key OFFSET 0) AS t),
  found AS (SELECT m.* FROM message_wanted AS w,
    LATERAL (SELECT conversation_id, contact_id, data, raw FROM messages
      WHERE channel = w.channel AND external_id = w.external_id OFFSET 0) AS m),
  conversation_ids AS (SELECT conversation_id AS id FROM members UNION SELECT conversation_id FROM threads
    UNION SELECT conversation_id FROM found),
  all_contact_ids AS (SELECT id FROM contact_ids UNION SELECT contact_id FROM found)
SELECT 'contact' AS kind, c.id AS a, NULL::text AS b, c.data, NULL::jsonb AS raw, NULL::bigint AS n
  FROM all_contact_ids AS k, LATERAL (SELECT id, data FROM contacts WHERE id = k.id OFFSET 0) AS c
UNION ALL SELECT 'conversation', v.id, NULL, v.data, NULL, NULL
  FROM conversation_ids AS k, LATERAL (SELECT id, data FROM conversations WHERE id = k.id OFFSET 0) AS v
UNION ALL SELECT 'member', contact_id, conversation_id, NULL, NULL, NULL FROM members
UNION ALL SELECT 'thread', key, conversation_id, NULL, NULL, NULL FROM threads
UNION ALL SELECT 'message', NULL, NULL, data, CASE WHEN raw IS NULL THEN NULL ELSE jsonb_build_array(raw) END, NULL FROM found
UNION ALL SELECT 'pending', p.channel, p.external_id, jsonb_build_object('receivedAt', p.received_at, 'event', p.event), NULL, p.seq
  FROM message_wanted AS w, LATERAL (SELECT channel, external_id, received_at, event, seq FROM pending_events
    WHERE channel = w.channel AND external_id = w.external_id OFFSET 0) AS p`;

interface PrefetchRow {
  kind: 'contact' | 'conversation' | 'member' | 'thread' | 'message' | 'pending';
  a: string | null;
  b: string | null;
  data: unknown;
  raw: [unknown] | null;
  n: string | number | bigint | null;
}

/**
 * Loads what a batch will read, in two statements: the owners of its identity keys (locking their
 * contacts), then everything else. What is not found is remembered as absent: the caller holds the
 * locks on exactly these keys, so no other transaction can add it before this one ends.
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
  const contactIds = new Set<string>();
  if (identityKeys.length > 0) {
    const owners = await runner.query<{ key: string; contact_id: string }>(OWNERS_LOCKING, [
      jsonParam(identityKeys),
    ]);
    const found = new Map(owners.map((r) => [r.key, r.contact_id]));
    for (const key of identityKeys) state.loadOwner(key, found.get(key));
    for (const { contact_id } of owners) {
      held.add(`${CONTACT_LOCK_PREFIX}${contact_id}`);
      if (!state.conversationsOf.has(contact_id)) contactIds.add(contact_id);
    }
  }
  if (contactIds.size + threadKeys.length + messages.length === 0) return;
  const rows = await runner.query<PrefetchRow>(PREFETCH, [
    jsonParam([...contactIds]),
    jsonParam(threadKeys),
    jsonParam(messages),
  ]);
  const members = new Map<string, string[]>([...contactIds].map((id) => [id, []]));
  const threads = new Map<string, string>();
  const pending = new Map<string, PrefetchRow[]>();
  const foundContacts = new Set<string>();
  for (const row of rows) {
    switch (row.kind) {
      case 'contact':
        foundContacts.add(row.a!);
        state.loadContact(row.a!, row.data as Contact);
        break;
      case 'conversation':
        state.loadConversation(row.a!, row.data as Conversation);
        break;
      case 'member':
        members.get(row.a!)?.push(row.b!);
        break;
      case 'thread':
        threads.set(row.a!, row.b!);
        break;
      case 'message': {
        const message = row.data as Message;
        if (row.raw) message.raw = row.raw[0];
        state.loadMessage(message);
        break;
      }
      case 'pending': {
        const key = `${row.a}\u0000${row.b}`;
        pending.set(key, [...(pending.get(key) ?? []), row]);
        break;
      }
    }
  }
  for (const id of contactIds) if (!foundContacts.has(id)) state.loadContact(id, undefined);
  for (const [contactId, ids] of members) state.loadConversationsOf(contactId, ids);
  for (const key of threadKeys) state.loadThread(key, threads.get(key));
  for (const { channel, external_id } of messages) {
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
        [jsonParam(keys)],
      );
      const found = new Map(rows.map((r) => [r.key, r.conversation_id]));
      for (const key of keys) state.loadThread(key, found.get(key));
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
           LATERAL (SELECT data, raw FROM messages WHERE conversation_id = w.id ORDER BY sent_at, id LIMIT w.cap OFFSET 0) AS m`,
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
