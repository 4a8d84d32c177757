import type {
  Contact,
  Conversation,
  Message,
  RejectedPayload,
  StoreReader,
  StoreTransaction,
} from '@omnithread/core';
import { jsonParam, messageLexemes, textParam } from './encoding.js';
import { textArray } from './reads.js';
import { execute, type QueryRunner } from './runner.js';

type Writer = Omit<StoreTransaction, keyof StoreReader>;

const unique = (keys: readonly string[]) => [...new Set(keys.map(textParam))];

function messageParams(message: Message): unknown[] {
  const { raw, ...data } = message;
  return [
    textParam(message.id),
    textParam(message.conversationId),
    textParam(message.contactId),
    textParam(message.channel),
    textParam(message.external.id),
    message.sentAt,
    jsonParam(data),
    raw === undefined ? null : jsonParam(raw),
    jsonParam(messageLexemes(message)),
  ];
}

const UPSERT_CONTACT = `INSERT INTO contacts (id, created_at, merged_into, data) VALUES ($1, $2, $3, $4::text::jsonb)
  ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, merged_into = EXCLUDED.merged_into, data = EXCLUDED.data`;
// A conversation written together with its contact ids mirrored into conversation_contacts (the
// index of "conversations of a contact"): ids it gained are added, ids it lost removed. One statement
// (data-modifying WITH clauses always run to completion): $1…$5 the conversation, $6 its contact ids.
const withContactIndex = (write: string) => `WITH written AS (${write} RETURNING id),
  ids AS (SELECT DISTINCT jsonb_array_elements_text($6::text::jsonb) AS contact_id),
  lost AS (DELETE FROM conversation_contacts WHERE conversation_id = $1 AND contact_id NOT IN (SELECT contact_id FROM ids))
  INSERT INTO conversation_contacts (contact_id, conversation_id) SELECT contact_id, $1 FROM ids ON CONFLICT DO NOTHING`;

const INSERT_CONVERSATION = withContactIndex(
  'INSERT INTO conversations (id, status, last_message_at, merged_into, data) VALUES ($1, $2, $3, $4, $5::text::jsonb)',
);
const UPSERT_CONVERSATION =
  withContactIndex(`INSERT INTO conversations (id, status, last_message_at, merged_into, data) VALUES ($1, $2, $3, $4, $5::text::jsonb)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, last_message_at = EXCLUDED.last_message_at,
    merged_into = EXCLUDED.merged_into, data = EXCLUDED.data`);

const contactParams = (c: Contact) => [textParam(c.id), c.createdAt, c.mergedInto ?? null, jsonParam(c)];
const conversationParams = (c: Conversation) => [
  textParam(c.id),
  c.status,
  c.lastMessageAt,
  c.mergedInto ?? null,
  jsonParam(c),
  jsonParam(c.contactIds.map(textParam)),
];

/** The write half of the contract, on one transaction's connection. */
export function createWriter(runner: QueryRunner): Writer {
  return {
    async lock(keys) {
      if (keys.length === 0) return;
      // One statement takes the locks one after another in the caller's order (a function scan
      // yields array elements in order), on 64-bit hashes of the keys. They last until COMMIT.
      // Awaited (not sent ahead like the writes): the caller may act on holding them.
      await runner.query(
        `SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))::int AS locked
           FROM jsonb_array_elements_text($1::text::jsonb) WITH ORDINALITY AS t(k, n)`,
        [jsonParam(keys.map(textParam))],
      );
    },
    async insertContact(contact) {
      await execute(
        runner,
        'INSERT INTO contacts (id, created_at, merged_into, data) VALUES ($1, $2, $3, $4::text::jsonb)',
        contactParams(contact),
      );
    },
    async updateContact(contact) {
      await execute(runner, UPSERT_CONTACT, contactParams(contact));
    },
    async claimIdentityKeys(contactId, keys) {
      if (keys.length === 0) return;
      await execute(
        runner,
        `INSERT INTO identity_keys (key, contact_id) SELECT k, $1 FROM unnest(${textArray('$2')}) AS k
           ON CONFLICT (key) DO UPDATE SET contact_id = EXCLUDED.contact_id`,
        [textParam(contactId), jsonParam(unique(keys))],
      );
    },
    async insertConversation(conversation) {
      await execute(runner, INSERT_CONVERSATION, conversationParams(conversation));
    },
    async updateConversation(conversation) {
      await execute(runner, UPSERT_CONVERSATION, conversationParams(conversation));
    },
    async claimThreadKeys(conversationId, keys) {
      if (keys.length === 0) return;
      await execute(
        runner,
        `INSERT INTO thread_keys (key, conversation_id) SELECT k, $1 FROM unnest(${textArray('$2')}) AS k
           ON CONFLICT (key) DO UPDATE SET conversation_id = EXCLUDED.conversation_id`,
        [textParam(conversationId), jsonParam(unique(keys))],
      );
    },
    async insertMessage(message) {
      // Only a duplicate (channel, external id) is "already there"; a duplicate primary key is a
      // conflict the caller hears about.
      const rows = await runner.query(
        `INSERT INTO messages (id, conversation_id, contact_id, channel, external_id, sent_at, data, raw, search)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, array_to_tsvector(${textArray('$9')}))
         ON CONFLICT ON CONSTRAINT messages_channel_external_id DO NOTHING RETURNING id`,
        messageParams(message),
      );
      return rows.length === 1;
    },
    async updateMessage(message) {
      await execute(
        runner,
        `UPDATE messages SET conversation_id = $2, contact_id = $3, channel = $4, external_id = $5, sent_at = $6,
           data = $7::text::jsonb, raw = $8::text::jsonb, search = array_to_tsvector(${textArray('$9')})
         WHERE id = $1`,
        messageParams(message),
      );
    },
    async moveMessages(fromConversationId, toConversationId) {
      await execute(
        runner,
        `UPDATE messages SET conversation_id = $2, data = jsonb_set(data, '{conversationId}', to_jsonb($2::text))
         WHERE conversation_id = $1`,
        [textParam(fromConversationId), textParam(toConversationId)],
      );
    },
    async reassignContact(fromContactId, toContactId) {
      const params = [textParam(fromContactId), textParam(toContactId)];
      await execute(
        runner,
        `UPDATE messages SET contact_id = $2, data = jsonb_set(data, '{contactId}', to_jsonb($2::text)) WHERE contact_id = $1`,
        params,
      );
      // Replace the id in each conversation's contactIds, keeping the first place of each id (no duplicates).
      await execute(
        runner,
        `UPDATE conversations SET data = jsonb_set(data, '{contactIds}', (
           SELECT jsonb_agg(x ORDER BY n) FROM (
             SELECT CASE WHEN e = $1::text THEN $2::text ELSE e END AS x, min(n) AS n
               FROM jsonb_array_elements_text(data -> 'contactIds') WITH ORDINALITY AS a(e, n) GROUP BY 1
           ) AS ids))
         WHERE id IN (SELECT conversation_id FROM conversation_contacts WHERE contact_id = $1::text)`,
        params,
      );
      await execute(
        runner,
        `WITH moved AS (DELETE FROM conversation_contacts WHERE contact_id = $1 RETURNING conversation_id)
         INSERT INTO conversation_contacts (contact_id, conversation_id) SELECT $2, conversation_id FROM moved
         ON CONFLICT DO NOTHING`,
        params,
      );
    },
    async addPendingEvent(pending) {
      await execute(
        runner,
        'INSERT INTO pending_events (channel, external_id, received_at, event) VALUES ($1, $2, $3, $4::text::jsonb)',
        [
          textParam(pending.channel),
          textParam(pending.externalId),
          pending.receivedAt,
          jsonParam(pending.event),
        ],
      );
    },
    async deletePendingEvents(channel, externalId) {
      await execute(runner, 'DELETE FROM pending_events WHERE channel = $1 AND external_id = $2', [
        textParam(channel),
        textParam(externalId),
      ]);
    },
    async insertRejected(rejected) {
      await insertRejected(runner, rejected);
    },
  };
}

export async function insertRejected(runner: QueryRunner, rejected: RejectedPayload): Promise<void> {
  await execute(
    runner,
    `INSERT INTO rejected_payloads (id, channel, received_at, error, raw, headers)
     VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6::text::jsonb)`,
    [
      textParam(rejected.id),
      textParam(rejected.channel),
      rejected.receivedAt,
      jsonParam(rejected.error),
      jsonParam(rejected.raw),
      rejected.headers === undefined ? null : jsonParam(rejected.headers),
    ],
  );
}
