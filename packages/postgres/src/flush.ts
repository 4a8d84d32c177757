import type { Message } from '@omnithread/core';
import { jsonParam, messageLexemes } from './encoding.js';
import { storedKey } from './keys.js';
import { textArray } from './reads.js';
import { execute, type QueryRunner } from './runner.js';
import type { TransactionState } from './tx-state.js';

/**
 * Every write a transaction buffered, in ONE statement: each table's rows arrive as a JSON array
 * (`jsonb_to_recordset`) and each data-modifying WITH clause writes one table. They all run to
 * completion on one snapshot, and touch distinct rows (one entry per row, coalesced in memory), so
 * their order does not matter; foreign keys are checked at COMMIT. A row inserted here is a plain
 * INSERT: a duplicate key fails the statement (a unique violation, which the store reports as
 * `StoreConflictError` and the hub answers by retrying the transaction). A raw payload travels
 * boxed (`[raw]`) because JSON null and "no payload" (SQL NULL) differ.
 */
export const WRITE_ALL = `WITH
  contact_rows AS (SELECT * FROM json_to_recordset($1::text::json)
    AS x(id text, created_at text, merged_into text, data jsonb, upsert boolean)),
  contacts_new AS (INSERT INTO contacts (id, created_at, merged_into, data)
    SELECT id, created_at, merged_into, data FROM contact_rows WHERE NOT upsert),
  contacts_up AS (INSERT INTO contacts (id, created_at, merged_into, data)
    SELECT id, created_at, merged_into, data FROM contact_rows WHERE upsert
    ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, merged_into = EXCLUDED.merged_into, data = EXCLUDED.data),
  owners AS (INSERT INTO identity_keys (key, contact_id)
    SELECT key, contact_id FROM json_to_recordset($2::text::json) AS x(key text, contact_id text)
    ON CONFLICT (key) DO UPDATE SET contact_id = EXCLUDED.contact_id),
  conversation_rows AS (SELECT * FROM json_to_recordset($3::text::json)
    AS x(id text, status text, last_message_at text, merged_into text, data jsonb, upsert boolean)),
  conversations_new AS (INSERT INTO conversations (id, status, last_message_at, merged_into, data)
    SELECT id, status, last_message_at, merged_into, data FROM conversation_rows WHERE NOT upsert),
  conversations_up AS (INSERT INTO conversations (id, status, last_message_at, merged_into, data)
    SELECT id, status, last_message_at, merged_into, data FROM conversation_rows WHERE upsert
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, last_message_at = EXCLUDED.last_message_at,
      merged_into = EXCLUDED.merged_into, data = EXCLUDED.data),
  members_new AS (INSERT INTO conversation_contacts (contact_id, conversation_id)
    SELECT contact_id, conversation_id FROM json_to_recordset($9::text::json) AS x(contact_id text, conversation_id text)
    ON CONFLICT DO NOTHING),
  members_lost AS (DELETE FROM conversation_contacts WHERE ctid = ANY(ARRAY(
    SELECT cc.ctid FROM json_to_recordset($10::text::json) AS x(contact_id text, conversation_id text),
      LATERAL (SELECT ctid FROM conversation_contacts
        WHERE contact_id = x.contact_id AND conversation_id = x.conversation_id OFFSET 0) AS cc))),
  threads AS (INSERT INTO thread_keys (key, conversation_id)
    SELECT key, conversation_id FROM json_to_recordset($4::text::json) AS x(key text, conversation_id text)
    ON CONFLICT (key) DO UPDATE SET conversation_id = EXCLUDED.conversation_id),
  message_rows AS (SELECT * FROM json_to_recordset($5::text::json)
    AS x(id text, conversation_id text, contact_id text, channel text, external_id text, sent_at text,
      data jsonb, raw jsonb, search jsonb, upsert boolean)),
  messages_new AS (INSERT INTO messages (id, conversation_id, contact_id, channel, external_id, sent_at, data, raw, search)
    SELECT id, conversation_id, contact_id, channel, external_id, sent_at, data, raw -> 0,
      array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text(search)))
    FROM message_rows WHERE NOT upsert),
  messages_up AS (UPDATE messages AS m SET conversation_id = r.conversation_id, contact_id = r.contact_id,
      channel = r.channel, external_id = r.external_id, sent_at = r.sent_at, data = r.data, raw = r.raw -> 0,
      search = array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text(r.search)))
    FROM message_rows AS r WHERE m.id = ANY(ARRAY(SELECT id FROM message_rows WHERE upsert)) AND r.upsert AND m.id = r.id),
  pending_gone AS (DELETE FROM pending_events WHERE ctid = ANY(ARRAY(
    SELECT p.ctid FROM json_to_recordset($6::text::json) AS x(channel text, external_id text),
      LATERAL (SELECT ctid FROM pending_events WHERE channel = x.channel AND external_id = x.external_id OFFSET 0) AS p))),
  pending_new AS (INSERT INTO pending_events (channel, external_id, received_at, event)
    SELECT channel, external_id, received_at, event
    FROM ROWS FROM (json_to_recordset($7::text::json) AS (channel text, external_id text, received_at text, event jsonb))
      WITH ORDINALITY AS x(channel, external_id, received_at, event, n)
    ORDER BY n),
  rejected AS (INSERT INTO rejected_payloads (id, channel, received_at, error, raw, headers)
    SELECT id, channel, received_at, error, raw -> 0, headers FROM json_to_recordset($8::text::json)
      AS x(id text, channel text, received_at text, error jsonb, raw jsonb, headers jsonb))
SELECT 1`;
// Rows to update or delete are found by index lookups of exactly those rows, whatever the planner
// believes of the tables' sizes (a plan cached while a table was small would otherwise hash-join a
// scan of it, costing more with every row stored): messages by "id = ANY(ARRAY(…))", and rows of
// conversation_contacts and pending_events (only ever inserted and deleted, never updated) by the
// ctid of a LATERAL probe (OFFSET 0 keeps each probe an index lookup).

const upsert = (kind: string) => kind !== 'insert';
const box = (raw: unknown) => (raw === undefined ? null : [raw]);

function messageRow(message: Message, kind: string) {
  const { raw, ...data } = message;
  return {
    id: message.id,
    conversation_id: message.conversationId,
    contact_id: message.contactId,
    channel: storedKey(message.channel),
    external_id: storedKey(message.external.id),
    sent_at: message.sentAt,
    data,
    raw: box(raw),
    search: messageLexemes(message),
    upsert: upsert(kind),
  };
}

/** The parameters of `WRITE_ALL` for what `state` has buffered. */
export function writeParams(state: TransactionState): string[] {
  const contacts = [...state.dirtyContacts].map(([id, kind]) => {
    const c = state.contacts.get(id)!;
    return { id, created_at: c.createdAt, merged_into: c.mergedInto ?? null, data: c, upsert: upsert(kind) };
  });
  const owners = [...state.dirtyOwners].map((key) => ({ key, contact_id: state.owners.get(key) }));
  const conversations = [...state.dirtyConversations].map(([id, kind]) => {
    const c = state.conversations.get(id)!;
    return {
      id,
      status: c.status,
      last_message_at: c.lastMessageAt,
      merged_into: c.mergedInto ?? null,
      data: c,
      upsert: upsert(kind),
    };
  });
  const threads = [...state.dirtyThreads].map((key) => ({
    key: storedKey(key),
    conversation_id: state.threads.get(key),
  }));
  const messages = [...state.dirtyMessages].map(([id, kind]) => messageRow(state.messages.get(id)!, kind));
  const gone: { channel: string; external_id: string }[] = [];
  const added: { channel: string; external_id: string; received_at: string; event: unknown }[] = [];
  for (const key of state.dirtyPending) {
    const pending = state.pending.get(key);
    if (!pending) continue;
    const [channel, external_id] = [storedKey(pending.channel), storedKey(pending.externalId)];
    if (pending.cleared) gone.push({ channel, external_id });
    for (const p of pending.added)
      added.push({
        channel,
        external_id,
        received_at: p.receivedAt,
        event: p.event,
      });
  }
  const rejected = state.rejected.map((r) => ({
    id: r.id,
    channel: r.channel,
    received_at: r.receivedAt,
    error: r.error,
    raw: [r.raw ?? null],
    headers: r.headers ?? null,
  }));
  // conversation_contacts mirrors each conversation's contact ids: send only the pairs that changed.
  const joined: { contact_id: string; conversation_id: string }[] = [];
  const left: { contact_id: string; conversation_id: string }[] = [];
  for (const id of state.dirtyConversations.keys()) {
    const now = new Set(state.conversations.get(id)?.contactIds ?? []);
    const stored = new Set(state.storedMembers.get(id));
    for (const contactId of now)
      if (!stored.has(contactId)) joined.push({ contact_id: contactId, conversation_id: id });
    for (const contactId of stored)
      if (!now.has(contactId)) left.push({ contact_id: contactId, conversation_id: id });
  }
  return [contacts, owners, conversations, threads, messages, gone, added, rejected, joined, left].map(
    (rows) => jsonParam(rows),
  );
}

/** Sends what `state` has buffered (nothing when it has nothing), then counts it as stored. */
export async function sendWrites(runner: QueryRunner, state: TransactionState): Promise<void> {
  if (!state.dirty) return;
  // A conversation written without being read first: its stored contact ids decide what changes.
  const unknown = [...state.dirtyConversations.keys()].filter((id) => !state.storedMembers.has(id));
  if (unknown.length > 0) {
    const rows = await runner.query<{ conversation_id: string; contact_id: string }>(
      `SELECT conversation_id, contact_id FROM conversation_contacts WHERE conversation_id = ANY(${textArray('$1')})`,
      [jsonParam(unknown)],
    );
    for (const id of unknown) state.storedMembers.set(id, []);
    for (const r of rows)
      state.storedMembers.set(r.conversation_id, [
        ...state.storedMembers.get(r.conversation_id)!,
        r.contact_id,
      ]);
  }
  const params = writeParams(state);
  state.sent();
  await execute(runner, WRITE_ALL, params);
}
