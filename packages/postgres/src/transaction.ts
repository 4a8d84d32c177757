import {
  CONTACT_LOCK_PREFIX,
  type Conversation,
  decodeCursor,
  encodeCursor,
  type Message,
  type Page,
  type PageOptions,
  pageLimit,
  StoreConflictError,
  type StoreTransaction,
} from '@omnithread/core';
import { normalized, textParam } from './encoding.js';
import { sendWrites } from './flush.js';
import { lookups, prefetch } from './lookups.js';
import { createReader } from './reads.js';
import type { QueryRunner } from './runner.js';
import { TransactionState } from './tx-state.js';
import { lockKeys, moveMessages, moveThreadKeys, reassignContact } from './writes.js';

const unique = (keys: readonly string[]) => [...new Set(keys.map(textParam))];

// Sort keys compare as PostgreSQL's "C" collation does: by UTF-8 bytes (= code points).
function compareC(a: string, b: string): number {
  if (a === b) return 0;
  const surrogates = /[\ud800-\udfff]/;
  if (surrogates.test(a) || surrogates.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

const byCreation = (x: Conversation, y: Conversation) =>
  compareC(x.createdAt, y.createdAt) || compareC(x.id, y.id);

const bySending = (x: Message, y: Message) => compareC(x.sentAt, y.sentAt) || compareC(x.id, y.id);

/** A page of messages in sending order, cut as the SQL keyset pages are (reads.ts). */
function pageOf(sorted: Message[], options: PageOptions): Page<Message> {
  const limit = pageLimit(options.limit);
  let start = 0;
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    start = sorted.findIndex((m) => (compareC(m.sentAt, after.sortKey) || compareC(m.id, after.id)) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const page: Page<Message> = { items };
  const last = items[items.length - 1];
  if (last !== undefined && start + limit < sorted.length)
    page.nextCursor = encodeCursor(last.sentAt, last.id);
  return page;
}

function duplicate(table: string, id: string): StoreConflictError {
  return new StoreConflictError(`store conflict (unique violation): ${table} ${id} already exists`);
}

/**
 * One transaction's `StoreTransaction`, with as few statements as its answers allow:
 * - locks: a key already held sends nothing (advisory transaction locks are re-entrant), nor does
 *   the lock of a contact this transaction inserted (no one else can know its id before COMMIT);
 * - reads: answered from what the transaction read, prefetched or wrote when that answers exactly
 *   (also "there is none", kept under the caller's locks); a row or key it does not know is read
 *   alone (its own writes cannot change that answer); lists, paging and search first send the
 *   buffered writes, then ask the database;
 * - writes: buffered, one entry per row (an insert then updates is one insert), and sent in one
 *   statement when the transaction ends (`finish`) or before a read that needs them. A duplicate the
 *   transaction can see is refused at once; one it cannot fails that statement, as a unique violation.
 */
export function createTransaction(runner: QueryRunner): {
  tx: StoreTransaction;
  finish(): Promise<void>;
} {
  const state = new TransactionState();
  const reader = createReader(runner);
  const load = lookups(runner, state, reader);
  const held = new Set<string>();
  const flush = () => sendWrites(runner, state);

  const tx: StoreTransaction = {
    prefetch: (hint) => prefetch(runner, state, hint, held),

    async lock(keys) {
      const fresh: string[] = [];
      for (const key of unique(keys)) {
        if (held.has(key)) continue;
        held.add(key);
        if (key.startsWith(CONTACT_LOCK_PREFIX) && state.born.has(key.slice(CONTACT_LOCK_PREFIX.length)))
          continue;
        fresh.push(key);
      }
      if (fresh.length > 0) await lockKeys(runner, fresh);
    },

    async getContact(id) {
      const key = textParam(id);
      if (!state.contacts.has(key)) await load.contact(key);
      return state.contacts.get(key) ?? undefined;
    },
    async findContactIdsByIdentityKeys(keys) {
      const missing = unique(keys).filter((k) => !state.owners.has(k));
      if (missing.length > 0) await load.owners(missing);
      const found = new Map<string, string>();
      // Under the caller's keys: the hub asks for the key it made, U+0000 and all.
      for (const key of keys) {
        const owner = state.owners.get(textParam(key));
        if (owner) found.set(key, owner);
      }
      return found;
    },
    async listContacts(options) {
      await flush();
      return reader.listContacts(options);
    },
    async getConversation(id) {
      const key = textParam(id);
      if (!state.conversations.has(key)) await load.conversation(key);
      return state.conversations.get(key) ?? undefined;
    },
    async findConversationIdsByThreadKeys(keys) {
      const all = unique(keys);
      const missing = all.filter((k) => !state.threads.has(k));
      if (missing.length > 0) await load.threads(missing);
      const ids = new Set<string>();
      for (const key of all) {
        const id = state.threads.get(key);
        if (id) ids.add(id);
      }
      return [...ids];
    },
    async listConversationsOfContacts(contactIds, options = {}) {
      const all = unique(contactIds);
      const missing = all.filter((id) => !state.conversationsOf.has(id));
      if (missing.length > 0) await load.conversationsOf(missing);
      const found = new Map<string, Conversation>();
      for (const contactId of all) {
        for (const id of state.conversationsOf.get(contactId) ?? []) {
          const c = state.conversations.get(id);
          if (!c || c.mergedInto !== undefined) continue;
          if (options.statuses && !options.statuses.includes(c.status)) continue;
          found.set(id, c);
        }
      }
      return [...found.values()].sort(byCreation);
    },
    async listConversations(options) {
      await flush();
      return reader.listConversations(options);
    },
    async getMessage(id) {
      const key = textParam(id);
      if (!state.messages.has(key)) await load.message(key);
      return state.messages.get(key) ?? undefined;
    },
    async findMessageByExternalId(channel, externalId) {
      const [c, e] = [textParam(channel), textParam(externalId)];
      if (state.messageByExternal(c, e) === undefined) await load.messageByExternal(c, e);
      return state.messageByExternal(c, e) ?? undefined;
    },
    async listMessages(conversationId, options = {}) {
      const key = textParam(conversationId);
      if (!state.messagesOf.has(key)) await load.messagesOf(key);
      const messages: Message[] = [];
      for (const id of state.messagesOf.get(key) ?? []) {
        const m = state.messages.get(id);
        if (m && m.conversationId === key) messages.push(m);
      }
      return pageOf(messages.sort(bySending), options);
    },
    async searchMessages(query, options) {
      await flush();
      return reader.searchMessages(query, options);
    },
    async listPendingEvents(channel, externalId) {
      const [c, e] = [textParam(channel), textParam(externalId)];
      if (state.pendingOf(c, e) === undefined) await load.pending(c, e);
      return state.pendingOf(c, e) ?? [];
    },
    async listRejected(options) {
      await flush();
      return reader.listRejected(options);
    },

    async insertContact(contact) {
      const row = normalized(contact, 'contact');
      if (state.contacts.get(row.id)) throw duplicate('contact', row.id);
      state.writeContact(row, 'insert');
    },
    async updateContact(contact) {
      state.writeContact(normalized(contact, 'contact'), 'upsert');
    },
    async claimIdentityKeys(contactId, keys) {
      for (const key of unique(keys)) state.writeOwner(key, textParam(contactId));
    },
    async insertConversation(conversation) {
      const row = normalized(conversation, 'conversation');
      if (state.conversations.get(row.id)) throw duplicate('conversation', row.id);
      state.writeConversation(row, 'insert');
    },
    async updateConversation(conversation) {
      state.writeConversation(normalized(conversation, 'conversation'), 'upsert');
    },
    async claimThreadKeys(conversationId, keys) {
      for (const key of unique(keys)) state.writeThread(key, textParam(conversationId));
    },
    async insertMessage(message) {
      const row = normalized(message, 'message');
      // Only a duplicate (channel, external id) is "already there"; a duplicate id is a conflict.
      if ((await tx.findMessageByExternalId(row.channel, row.external.id)) !== undefined) return false;
      if (state.messages.get(row.id)) throw duplicate('message', row.id);
      state.writeMessage(row, 'insert');
      return true;
    },
    async updateMessage(message) {
      const row = normalized(message, 'message');
      const before = await tx.getMessage(row.id);
      // Like UPDATE … WHERE id: a message that is not stored stays not stored.
      if (before === undefined) return;
      state.writeMessage(row, 'upsert', before);
    },
    async moveThreadKeys(fromConversationId, toConversationId) {
      // Merges are rare: send what is pending, move the keys in SQL, and read owners afresh.
      await flush();
      await moveThreadKeys(runner, fromConversationId, toConversationId);
      state.forget({ threads: true });
    },
    async moveMessages(fromConversationId, toConversationId) {
      await flush();
      await moveMessages(runner, fromConversationId, toConversationId);
      state.forget({ messages: true });
    },
    async reassignContact(fromContactId, toContactId) {
      await flush();
      await reassignContact(runner, fromContactId, toContactId);
      state.forget({ messages: true, conversations: true });
    },
    async addPendingEvent(pending) {
      state.addPending(normalized(pending, 'pending'));
    },
    async deletePendingEvents(channel, externalId) {
      state.clearPending(textParam(channel), textParam(externalId));
    },
    async insertRejected(rejected) {
      state.rejected.push(normalized(rejected, 'rejected'));
    },
  };
  return { tx, finish: flush };
}
