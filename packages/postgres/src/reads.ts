import {
  type Contact,
  type Conversation,
  type ConversationsOfContactsOptions,
  decodeCursor,
  encodeCursor,
  type ListConversationsOptions,
  type Message,
  type MessageChannel,
  type Page,
  type PageOptions,
  type PendingEvent,
  pageLimit,
  type RejectedPayload,
  type StoreReader,
} from '@omnithread/core';
import { jsonParam, searchTerms, textParam } from './encoding.js';
import { keyParam, NEEDS_DIGEST_SQL } from './keys.js';
import type { QueryRunner } from './runner.js';

/** Columns that rebuild a message: the model without `raw`, and `raw` apart (SQL NULL = no raw). */
export const MESSAGE_COLUMNS = 'data, raw, raw IS NOT NULL AS has_raw';

interface MessageRow {
  data: Message;
  raw: unknown;
  has_raw: boolean;
}

export function messageFromRow(row: MessageRow): Message {
  const message = row.data;
  if (row.has_raw) message.raw = row.raw;
  return message;
}

/** A JSON array parameter read back as rows: `SELECT … FROM jsonb_array_elements_text(…)`. */
export const textArray = (param: string) => `ARRAY(SELECT jsonb_array_elements_text(${param}::text::jsonb))`;

interface Keyset {
  /** SQL of the sort column (text, "C" collation) and the id column. */
  sort: string;
  id: string;
  descending: boolean;
}

/**
 * Keyset pagination with core's cursors: one extra row tells whether a next page exists, and the
 * cursor is the sort key and id of the page's last item, as `memoryStore` makes it.
 */
async function keysetPage<R, T>(
  runner: QueryRunner,
  base: { from: string; where: string[]; params: unknown[]; select: string },
  keyset: Keyset,
  options: PageOptions,
  decode: (row: R) => T,
  key: (item: T) => [string, string],
): Promise<Page<T>> {
  const limit = pageLimit(options.limit);
  const where = [...base.where];
  const params = [...base.params];
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    // A cursor is the caller's text: it may hold U+0000, which text parameters cannot.
    params.push(textParam(after.sortKey), textParam(after.id));
    const op = keyset.descending ? '<' : '>';
    where.push(
      `(${keyset.sort}, ${keyset.id}) ${op} ($${params.length - 1}::text COLLATE "C", $${params.length}::text COLLATE "C")`,
    );
  }
  const dir = keyset.descending ? 'DESC' : 'ASC';
  params.push(limit + 1);
  const sql = `SELECT ${base.select} FROM ${base.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${keyset.sort} ${dir}, ${keyset.id} COLLATE "C" ${dir} LIMIT $${params.length}`;
  const rows = await runner.query<R>(sql, params);
  const items = rows.slice(0, limit).map(decode);
  const page: Page<T> = { items };
  const last = items[items.length - 1];
  if (rows.length > limit && last !== undefined) page.nextCursor = encodeCursor(...key(last));
  return page;
}

/** The read half of the contract, over any runner (the pool, or a transaction's connection). */
export function createReader(runner: QueryRunner): StoreReader {
  return {
    async getContact(id) {
      const rows = await runner.query<{ data: Contact }>('SELECT data FROM contacts WHERE id = $1', [
        textParam(id),
      ]);
      return rows[0]?.data;
    },
    async findContactIdsByIdentityKeys(keys) {
      const found = new Map<string, string>();
      if (keys.length === 0) return found;
      const rows = await runner.query<{ key: string; contact_id: string }>(
        `SELECT key, contact_id FROM identity_keys WHERE key = ANY(${textArray('$1')})`,
        [jsonParam(keys.map(textParam))],
      );
      const owners = new Map(rows.map((row) => [row.key, row.contact_id]));
      // Answered under the caller's keys, which may hold what text cannot (U+0000, half a pair).
      for (const key of keys) {
        const owner = owners.get(textParam(key));
        if (owner !== undefined) found.set(key, owner);
      }
      return found;
    },
    listContacts(options: PageOptions = {}) {
      return keysetPage<{ data: Contact }, Contact>(
        runner,
        { select: 'data', from: 'contacts', where: ['merged_into IS NULL'], params: [] },
        { sort: 'created_at', id: 'id', descending: false },
        options,
        (r) => r.data,
        (c) => [c.createdAt, c.id],
      );
    },
    async getConversation(id) {
      const rows = await runner.query<{ data: Conversation }>(
        'SELECT data FROM conversations WHERE id = $1',
        [textParam(id)],
      );
      return rows[0]?.data;
    },
    async findConversationIdsByThreadKeys(keys) {
      if (keys.length === 0) return [];
      const rows = await runner.query<{ conversation_id: string }>(
        `SELECT DISTINCT conversation_id FROM thread_keys WHERE key = ANY(${textArray('$1')})`,
        [jsonParam(keys.map(keyParam))],
      );
      return rows.map((r) => r.conversation_id);
    },
    async listConversationsOfContacts(contactIds, options: ConversationsOfContactsOptions = {}) {
      if (contactIds.length === 0) return [];
      const params: unknown[] = [jsonParam(contactIds.map(textParam))];
      // Each contact's few rows in conversation_contacts, then each conversation, by primary keys.
      // OFFSET 0 keeps these index lookups whatever the planner thinks of the tables' sizes (a fresh
      // database has no statistics yet, and a plan cached then would scan every live conversation).
      let sql = `SELECT c.data FROM (
          SELECT DISTINCT cc.conversation_id FROM jsonb_array_elements_text($1::text::jsonb) AS k(contact_id),
            LATERAL (SELECT conversation_id FROM conversation_contacts WHERE contact_id = k.contact_id OFFSET 0) AS cc
        ) AS ids,
        LATERAL (SELECT id, data, status FROM conversations WHERE id = ids.conversation_id AND merged_into IS NULL OFFSET 0) AS c`;
      if (options.statuses) {
        params.push(jsonParam(options.statuses));
        sql += ` WHERE c.status = ANY(${textArray('$2')})`;
      }
      const rows = await runner.query<{ data: Conversation }>(
        `${sql} ORDER BY c.data ->> 'createdAt' COLLATE "C", c.id COLLATE "C"`,
        params,
      );
      return rows.map((r) => r.data);
    },
    listConversations(options: ListConversationsOptions = {}) {
      const where = ['merged_into IS NULL'];
      const params: unknown[] = [];
      if (options.status) {
        params.push(textParam(options.status));
        where.push(`status = $${params.length}`);
      }
      if (options.contactId) {
        params.push(textParam(options.contactId));
        where.push(
          `id IN (SELECT conversation_id FROM conversation_contacts WHERE contact_id = $${params.length}::text)`,
        );
      }
      return keysetPage<{ data: Conversation }, Conversation>(
        runner,
        { select: 'data', from: 'conversations', where, params },
        { sort: 'last_message_at', id: 'id', descending: true },
        options,
        (r) => r.data,
        (c) => [c.lastMessageAt, c.id],
      );
    },
    async getMessage(id) {
      const rows = await runner.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [
        textParam(id),
      ]);
      return rows[0] && messageFromRow(rows[0]);
    },
    async findMessageByExternalId(channel, externalId) {
      const rows = await runner.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel = $1 AND external_id = $2`,
        [keyParam(channel), keyParam(externalId)],
      );
      return rows[0] && messageFromRow(rows[0]);
    },
    listMessages(conversationId, options: PageOptions = {}) {
      return keysetPage<MessageRow, Message>(
        runner,
        {
          select: MESSAGE_COLUMNS,
          from: 'messages',
          where: ['conversation_id = $1'],
          params: [textParam(conversationId)],
        },
        { sort: 'sent_at', id: 'id', descending: false },
        options,
        messageFromRow,
        (m) => [m.sentAt, m.id],
      );
    },
    listMessageChannels(conversationId, options: PageOptions = {}) {
      // Three columns of the index's table instead of each message's data and raw payload.
      return keysetPage<MessageChannel, MessageChannel>(
        runner,
        {
          // A long channel is kept in the column as its digest (keys.ts): then the message has it.
          select: `id, CASE WHEN ${NEEDS_DIGEST_SQL('channel')} THEN data ->> 'channel' ELSE channel END AS channel, sent_at AS "sentAt"`,
          from: 'messages',
          where: ['conversation_id = $1'],
          params: [textParam(conversationId)],
        },
        { sort: 'sent_at', id: 'id', descending: false },
        options,
        (row) => ({ id: row.id, channel: row.channel, sentAt: row.sentAt }),
        (m) => [m.sentAt, m.id],
      );
    },
    async searchMessages(query, options: PageOptions = {}) {
      const terms = searchTerms(query);
      if (terms === undefined) {
        pageLimit(options.limit);
        return { items: [] };
      }
      const where = ['search @@ $1::text::tsquery'];
      const params = [terms.tsquery];
      if (terms.all) {
        // Too many words for one tsquery: the index narrows by some, the array of lexemes checks all.
        params.push(jsonParam(terms.all));
        where.push(`tsvector_to_array(search) @> ${textArray('$2')}`);
      }
      return keysetPage<MessageRow, Message>(
        runner,
        { select: MESSAGE_COLUMNS, from: 'messages', where, params },
        { sort: 'sent_at', id: 'id', descending: true },
        options,
        messageFromRow,
        (m) => [m.sentAt, m.id],
      );
    },
    async listPendingEvents(channel, externalId) {
      const rows = await runner.query<{ received_at: string; event: PendingEvent['event'] }>(
        'SELECT received_at, event FROM pending_events WHERE channel = $1 AND external_id = $2 ORDER BY seq',
        [keyParam(channel), keyParam(externalId)],
      );
      // The columns may hold digests of long keys (keys.ts): the keys asked for, as text keeps them.
      const [c, e] = [textParam(channel), textParam(externalId)];
      return rows.map((r) => ({ channel: c, externalId: e, receivedAt: r.received_at, event: r.event }));
    },
    listRejected(options: PageOptions = {}) {
      return keysetPage<RejectedRow, RejectedPayload>(
        runner,
        {
          select: 'id, channel, received_at, error, raw, headers',
          from: 'rejected_payloads',
          where: [],
          params: [],
        },
        { sort: 'received_at', id: 'id', descending: false },
        options,
        rejectedFromRow,
        (r) => [r.receivedAt, r.id],
      );
    },
  };
}

interface RejectedRow {
  id: string;
  channel: string;
  received_at: string;
  error: RejectedPayload['error'];
  raw: unknown;
  headers: Record<string, string> | null;
}

function rejectedFromRow(row: RejectedRow): RejectedPayload {
  const rejected: RejectedPayload = {
    id: row.id,
    channel: row.channel,
    receivedAt: row.received_at,
    error: row.error,
    raw: row.raw,
  };
  if (row.headers !== null) rejected.headers = row.headers;
  return rejected;
}
