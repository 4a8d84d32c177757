import type { Contact } from '../model/contact.js';
import type { Conversation, ConversationStatus } from '../model/conversation.js';
import type { NormalizedInboundEvent, RejectedPayload } from '../model/events.js';
import type { Message } from '../model/message.js';

/** A page of results and the cursor of the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
}

export interface ListConversationsOptions extends PageOptions {
  status?: ConversationStatus;
  contactId?: string;
}

export interface ConversationsOfContactsOptions {
  /** Only conversations in one of these states. */
  statuses?: ConversationStatus[];
}

/** An event about a message the store has not seen yet (a status, a reaction, an edit), kept until it arrives. */
export interface PendingEvent {
  channel: string;
  externalId: string;
  event: NormalizedInboundEvent;
  receivedAt: string;
}

/** What `listMessageChannels` gives of each message. */
export type MessageChannel = Pick<Message, 'id' | 'channel' | 'sentAt'>;

/**
 * Reads. Tombstones are returned as stored (with `mergedInto`); following them is the hub's job.
 * Lists never include tombstones.
 */
export interface StoreReader {
  getContact(id: string): Promise<Contact | undefined>;
  /** The owner of each key that has one. */
  findContactIdsByIdentityKeys(keys: readonly string[]): Promise<Map<string, string>>;
  listContacts(options?: PageOptions): Promise<Page<Contact>>;

  getConversation(id: string): Promise<Conversation | undefined>;
  /** Ids of the conversations owning any of the keys (at most one a key). */
  findConversationIdsByThreadKeys(keys: readonly string[]): Promise<string[]>;
  /** Conversations (not tombstones) that list any of these contacts. */
  listConversationsOfContacts(
    contactIds: readonly string[],
    options?: ConversationsOfContactsOptions,
  ): Promise<Conversation[]>;
  /** By last activity, newest first. */
  listConversations(options?: ListConversationsOptions): Promise<Page<Conversation>>;

  getMessage(id: string): Promise<Message | undefined>;
  findMessageByExternalId(channel: string, externalId: string): Promise<Message | undefined>;
  /** A conversation's messages in time order (sentAt, then id). */
  listMessages(conversationId: string, options?: PageOptions): Promise<Page<Message>>;
  /**
   * Optional: the same list as `listMessages`, with the same cursors, but only each message's id,
   * channel and time. `hub.conversations.switches` derives channel switches from it without reading
   * whole messages (their raw payloads included); without it the hub reads `listMessages`.
   */
  listMessageChannels?(conversationId: string, options?: PageOptions): Promise<Page<MessageChannel>>;
  /** Messages whose text or transcript matches every word of `query`, newest first. */
  searchMessages(query: string, options?: PageOptions): Promise<Page<Message>>;

  listPendingEvents(channel: string, externalId: string): Promise<PendingEvent[]>;
  listRejected(options?: PageOptions): Promise<Page<RejectedPayload>>;
}

/**
 * What a batch of ingests (`hub.ingestMany`) is about to look up, given after it has locked them:
 * identity keys (senders, links, participants), thread keys and references, and messages by
 * (channel, external id). A store may load them all in a few round trips; it may also ignore it.
 */
export interface PrefetchHint {
  identityKeys: readonly string[];
  threadKeys: readonly string[];
  messages: readonly { channel: string; externalId: string }[];
}

/** Writes, only inside `Store.transaction`. */
export interface StoreTransaction extends StoreReader {
  /** Optional: loads what `hint` names, so the reads that follow need no round trip each. */
  prefetch?(hint: PrefetchHint): Promise<void>;

  /**
   * Serializes against other transactions touching the same keys until this one ends (advisory
   * locks on PostgreSQL). Callers pass every key at once, sorted, to avoid deadlocks; a store may
   * still throw `StoreConflictError` on a deadlock, and the hub then retries.
   */
  lock(keys: readonly string[]): Promise<void>;

  insertContact(contact: Contact): Promise<void>;
  updateContact(contact: Contact): Promise<void>;
  /** Records that `contactId` owns the keys (taking them over from a merged-away contact). */
  claimIdentityKeys(contactId: string, keys: readonly string[]): Promise<void>;

  insertConversation(conversation: Conversation): Promise<void>;
  updateConversation(conversation: Conversation): Promise<void>;
  /** Records that `conversationId` owns the keys (taking them over from their previous owner). */
  claimThreadKeys(conversationId: string, keys: readonly string[]): Promise<void>;
  /**
   * Gives every thread key one conversation owns to another (conversation merges). The keys of a
   * long conversation are only in the store's index, not in its record, so the store moves them.
   */
  moveThreadKeys(fromConversationId: string, toConversationId: string): Promise<void>;

  /** Inserts unless a message with the same (channel, external.id) exists; says whether it inserted. */
  insertMessage(message: Message): Promise<boolean>;
  /** Replaces a message; a changed `external.id` (a reply that got its provider id) is re-indexed. */
  updateMessage(message: Message): Promise<void>;
  /** Moves every message of one conversation to another (conversation merges). */
  moveMessages(fromConversationId: string, toConversationId: string): Promise<void>;
  /** Rewrites `contactId` on messages and `contactIds` on conversations (contact merges). */
  reassignContact(fromContactId: string, toContactId: string): Promise<void>;

  addPendingEvent(pending: PendingEvent): Promise<void>;
  deletePendingEvents(channel: string, externalId: string): Promise<void>;

  insertRejected(rejected: RejectedPayload): Promise<void>;
}

/**
 * The storage contract. `memoryStore()` implements it for tests and scripts; `@omnithread/postgres`
 * on PGlite and PostgreSQL. Run `storeConformanceCases` from `@omnithread/core/testing` against your own.
 */
export interface Store extends StoreReader {
  /** Runs `fn` atomically: all of its writes or none. Errors roll back and propagate. */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Stores a rejected payload outside any ingest (a webhook body that could not be parsed). */
  insertRejected(rejected: RejectedPayload): Promise<void>;
  close(): Promise<void>;
}
