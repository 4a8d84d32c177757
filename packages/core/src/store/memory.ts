import type { Contact } from '../model/contact.js';
import type { Conversation } from '../model/conversation.js';
import type { RejectedPayload } from '../model/events.js';
import type { Message } from '../model/message.js';
import type {
  ConversationsOfContactsOptions,
  ListConversationsOptions,
  Page,
  PageOptions,
  PendingEvent,
  Store,
  StoreTransaction,
} from './contract.js';
import { decodeCursor, encodeCursor, pageLimit, searchWords } from './pagination.js';

// Records are kept as they are handed over, not copied: the hub builds every record it writes and
// never changes one afterwards (updates are new objects), and copying each message with its raw
// payload was a tenth of the cost of an ingest. Whoever writes through the Store API directly hands
// the record over the same way; reads return the stored objects, to be treated as read-only.
const externalKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

function keysetPage<T>(
  sorted: T[],
  key: (item: T) => [string, string],
  options: PageOptions,
  descending: boolean,
): Page<T> {
  const limit = pageLimit(options.limit);
  let start = 0;
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    start = sorted.findIndex((item) => {
      const [sortKey, id] = key(item);
      const cmp =
        sortKey === after.sortKey
          ? id < after.id
            ? -1
            : id > after.id
              ? 1
              : 0
          : sortKey < after.sortKey
            ? -1
            : 1;
      return descending ? cmp < 0 : cmp > 0;
    });
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const page: Page<T> = { items };
  if (last !== undefined && start + limit < sorted.length) page.nextCursor = encodeCursor(...key(last));
  return page;
}

const byTimeThenId = (a: string, ai: string, b: string, bi: string) =>
  a < b ? -1 : a > b ? 1 : ai < bi ? -1 : ai > bi ? 1 : 0;

/**
 * An in-memory store for tests, scripts and demos: the whole contract, transactions that roll back
 * on error, nothing on disk. Transactions run one at a time.
 *
 * @example
 * ```ts
 * const hub = createHub({ store: memoryStore() });
 * ```
 */
export function memoryStore(): Store {
  const contacts = new Map<string, Contact>();
  const identityOwners = new Map<string, string>();
  const conversations = new Map<string, Conversation>();
  const threadOwners = new Map<string, string>();
  const threadKeysOf = new Map<string, Set<string>>();
  const messages = new Map<string, Message>();
  const messageByExternal = new Map<string, string>();
  const messagesOfConversation = new Map<string, Set<string>>();
  // Secondary indexes, so placement and merges never scan every record.
  const conversationsOfContact = new Map<string, Set<string>>();
  const messagesOfContact = new Map<string, Set<string>>();
  const pending = new Map<string, PendingEvent[]>();
  const rejected: RejectedPayload[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const setIn = (index: Map<string, Set<string>>, key: string) => {
    let set = index.get(key);
    if (!set) {
      set = new Set();
      index.set(key, set);
    }
    return set;
  };
  const messageSet = (conversationId: string) => setIn(messagesOfConversation, conversationId);

  const reader = {
    async getContact(id: string) {
      return contacts.get(id);
    },
    async findContactIdsByIdentityKeys(keys: readonly string[]) {
      const found = new Map<string, string>();
      for (const key of keys) {
        const owner = identityOwners.get(key);
        if (owner !== undefined) found.set(key, owner);
      }
      return found;
    },
    async listContacts(options: PageOptions = {}) {
      const live = [...contacts.values()]
        .filter((c) => !c.mergedInto)
        .sort((a, b) => byTimeThenId(a.createdAt, a.id, b.createdAt, b.id));
      return keysetPage(live, (c) => [c.createdAt, c.id], options, false);
    },
    async getConversation(id: string) {
      return conversations.get(id);
    },
    async findConversationIdsByThreadKeys(keys: readonly string[]) {
      const ids = new Set<string>();
      for (const key of keys) {
        const owner = threadOwners.get(key);
        if (owner !== undefined) ids.add(owner);
      }
      return [...ids];
    },
    async listConversationsOfContacts(
      contactIds: readonly string[],
      options: ConversationsOfContactsOptions = {},
    ) {
      const ids = new Set<string>();
      for (const contactId of contactIds)
        for (const id of conversationsOfContact.get(contactId) ?? []) ids.add(id);
      const out: Conversation[] = [];
      for (const id of ids) {
        const c = conversations.get(id)!;
        if (c.mergedInto || (options.statuses && !options.statuses.includes(c.status))) continue;
        out.push(c);
      }
      return out;
    },
    async listConversations(options: ListConversationsOptions = {}) {
      const live = [...conversations.values()]
        .filter((c) => !c.mergedInto && (!options.status || c.status === options.status))
        .filter((c) => !options.contactId || c.contactIds.includes(options.contactId))
        .sort((a, b) => byTimeThenId(b.lastMessageAt, b.id, a.lastMessageAt, a.id));
      return keysetPage(live, (c) => [c.lastMessageAt, c.id], options, true);
    },
    async getMessage(id: string) {
      return messages.get(id);
    },
    async findMessageByExternalId(channel: string, externalId: string) {
      const id = messageByExternal.get(externalKey(channel, externalId));
      return id === undefined ? undefined : messages.get(id);
    },
    async listMessages(conversationId: string, options: PageOptions = {}) {
      const ids = messagesOfConversation.get(conversationId) ?? new Set<string>();
      const list = [...ids]
        .map((id) => messages.get(id)!)
        .sort((a, b) => byTimeThenId(a.sentAt, a.id, b.sentAt, b.id));
      return keysetPage(list, (m) => [m.sentAt, m.id], options, false);
    },
    async listMessageChannels(conversationId: string, options: PageOptions = {}) {
      const page = await reader.listMessages(conversationId, options);
      const items = page.items.map(({ id, channel, sentAt }) => ({ id, channel, sentAt }));
      return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
    },
    async searchMessages(query: string, options: PageOptions = {}) {
      const words = searchWords(query);
      if (words.length === 0) return { items: [] };
      const hits = [...messages.values()]
        .filter((m) => {
          const haystack = new Set(
            searchWords(
              [m.subject ?? '', m.text, ...(m.transcript?.turns.map((t) => t.text) ?? [])].join(' '),
            ),
          );
          return words.every((w) => haystack.has(w));
        })
        .sort((a, b) => byTimeThenId(b.sentAt, b.id, a.sentAt, a.id));
      return keysetPage(hits, (m) => [m.sentAt, m.id], options, true);
    },
    async listPendingEvents(channel: string, externalId: string) {
      return pending.get(externalKey(channel, externalId)) ?? [];
    },
    async listRejected(options: PageOptions = {}) {
      const list = [...rejected].sort((a, b) => byTimeThenId(a.receivedAt, a.id, b.receivedAt, b.id));
      return keysetPage(list, (r) => [r.receivedAt, r.id], options, false);
    },
  };

  // One transaction object serves every transaction (they run one at a time); `undo` is the log of
  // the running one, and writes outside a transaction are refused.
  let undo: Array<() => void> = [];
  let active = false;
  function makeTransaction(): StoreTransaction {
    // Sets a map entry and remembers how to put the old one back.
    function setWithUndo<K, V>(map: Map<K, V>, key: K, value: V) {
      if (!active) throw new Error('memoryStore: a write outside its transaction');
      const had = map.has(key);
      const old = map.get(key);
      map.set(key, value);
      undo.push(() => (had ? map.set(key, old as V) : map.delete(key)));
    }
    function moveInSet(set: Set<string>, id: string, add: boolean) {
      const had = set.has(id);
      if (add) set.add(id);
      else set.delete(id);
      undo.push(() => (had ? set.add(id) : set.delete(id)));
    }
    function putConversation(conversation: Conversation) {
      const old = conversations.get(conversation.id);
      for (const id of old?.contactIds ?? []) {
        if (!conversation.contactIds.includes(id))
          moveInSet(setIn(conversationsOfContact, id), conversation.id, false);
      }
      for (const id of conversation.contactIds) {
        if (!old?.contactIds.includes(id))
          moveInSet(setIn(conversationsOfContact, id), conversation.id, true);
      }
      setWithUndo(conversations, conversation.id, conversation);
    }
    function claimThreadKey(conversationId: string, key: string) {
      const old = threadOwners.get(key);
      if (old === conversationId) return;
      setWithUndo(threadOwners, key, conversationId);
      if (old !== undefined) moveInSet(setIn(threadKeysOf, old), key, false);
      moveInSet(setIn(threadKeysOf, conversationId), key, true);
    }
    function putMessage(message: Message) {
      const old = messages.get(message.id);
      if (old && old.contactId !== message.contactId)
        moveInSet(setIn(messagesOfContact, old.contactId), message.id, false);
      if (!old || old.contactId !== message.contactId)
        moveInSet(setIn(messagesOfContact, message.contactId), message.id, true);
      setWithUndo(messages, message.id, message);
    }
    return {
      ...reader,
      async lock() {
        // One transaction at a time already: nothing to lock.
      },
      async insertContact(contact) {
        if (contacts.has(contact.id)) throw new Error(`contact ${contact.id} exists`);
        setWithUndo(contacts, contact.id, contact);
      },
      async updateContact(contact) {
        setWithUndo(contacts, contact.id, contact);
      },
      async claimIdentityKeys(contactId, keys) {
        for (const key of keys) setWithUndo(identityOwners, key, contactId);
      },
      async insertConversation(conversation) {
        if (conversations.has(conversation.id)) throw new Error(`conversation ${conversation.id} exists`);
        putConversation(conversation);
      },
      async updateConversation(conversation) {
        putConversation(conversation);
      },
      async claimThreadKeys(conversationId, keys) {
        for (const key of keys) claimThreadKey(conversationId, key);
      },
      async moveThreadKeys(fromConversationId, toConversationId) {
        if (fromConversationId === toConversationId) return;
        for (const key of [...(threadKeysOf.get(fromConversationId) ?? [])])
          claimThreadKey(toConversationId, key);
      },
      async insertMessage(message) {
        const ext = externalKey(message.channel, message.external.id);
        if (messageByExternal.has(ext)) return false;
        putMessage(message);
        setWithUndo(messageByExternal, ext, message.id);
        moveInSet(messageSet(message.conversationId), message.id, true);
        return true;
      },
      async updateMessage(message) {
        const old = messages.get(message.id);
        if (old && old.external.id !== message.external.id) {
          const oldKey = externalKey(old.channel, old.external.id);
          const had = messageByExternal.get(oldKey);
          messageByExternal.delete(oldKey);
          undo.push(() => had !== undefined && messageByExternal.set(oldKey, had));
          setWithUndo(messageByExternal, externalKey(message.channel, message.external.id), message.id);
        }
        if (old && old.conversationId !== message.conversationId) {
          moveInSet(messageSet(old.conversationId), message.id, false);
          moveInSet(messageSet(message.conversationId), message.id, true);
        }
        putMessage(message);
      },
      async moveMessages(fromConversationId, toConversationId) {
        for (const id of [...(messagesOfConversation.get(fromConversationId) ?? [])]) {
          const m = messages.get(id)!;
          putMessage({ ...m, conversationId: toConversationId });
          moveInSet(messageSet(fromConversationId), id, false);
          moveInSet(messageSet(toConversationId), id, true);
        }
      },
      async reassignContact(fromContactId, toContactId) {
        for (const id of [...(messagesOfContact.get(fromContactId) ?? [])]) {
          putMessage({ ...messages.get(id)!, contactId: toContactId });
        }
        for (const id of [...(conversationsOfContact.get(fromContactId) ?? [])]) {
          const c = conversations.get(id)!;
          const ids = [...new Set(c.contactIds.map((cid) => (cid === fromContactId ? toContactId : cid)))];
          putConversation({ ...c, contactIds: ids });
        }
      },
      async addPendingEvent(event) {
        const key = externalKey(event.channel, event.externalId);
        setWithUndo(pending, key, [...(pending.get(key) ?? []), event]);
      },
      async deletePendingEvents(channel, externalId) {
        const key = externalKey(channel, externalId);
        if (pending.has(key)) {
          const old = pending.get(key)!;
          pending.delete(key);
          undo.push(() => pending.set(key, old));
        }
      },
      async insertRejected(entry) {
        rejected.push(entry);
        undo.push(() => rejected.splice(rejected.lastIndexOf(entry), 1));
      },
    };
  }

  const tx = makeTransaction();
  return {
    ...reader,
    async transaction(fn) {
      if (closed) throw new Error('memoryStore is closed');
      const run = async () => {
        undo = [];
        active = true;
        try {
          return await fn(tx);
        } catch (error) {
          for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
          throw error;
        } finally {
          active = false;
          undo = [];
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async insertRejected(entry) {
      rejected.push(entry);
    },
    async close() {
      closed = true;
    },
  };
}
