import type { Contact, Conversation, Message, PendingEvent, RejectedPayload } from '@omnithread/core';

/** The key of a message's (channel, external id), as the unique constraint sees it. */
export const externalKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

/** The events waiting for one message: the stored ones (when known), whether they were deleted, and those added. */
export interface PendingState {
  channel: string;
  externalId: string;
  stored: PendingEvent[] | undefined;
  cleared: boolean;
  added: PendingEvent[];
}

/** Whether a row this transaction wrote is a plain INSERT (a duplicate fails) or an upsert / update. */
type WriteKind = 'insert' | 'upsert';

/**
 * What one transaction knows of the database: rows it read (or prefetched), answers that a row does
 * not exist (`null`), and rows it wrote and has not sent yet (the `dirty…` sets). A row it wrote is
 * what any later read of that row must answer, so what the database says never replaces it until
 * the writes are sent. Everything else may be refreshed by a later read. Values are never mutated:
 * a write replaces the whole entry.
 */
export class TransactionState {
  readonly contacts = new Map<string, Contact | null>();
  /** Identity key → owning contact id. */
  readonly owners = new Map<string, string | null>();
  readonly conversations = new Map<string, Conversation | null>();
  /**
   * Contact id → ids of conversations listing it: every live one is there (tombstones may be), and
   * each id is in `conversations`. Only contacts whose full list is known have an entry.
   */
  readonly conversationsOf = new Map<string, Set<string>>();
  /** Conversation id → its contact ids as stored (its rows in conversation_contacts), when known. */
  readonly storedMembers = new Map<string, readonly string[]>();
  /** Thread key → owning conversation id. */
  readonly threads = new Map<string, string | null>();
  readonly messages = new Map<string, Message | null>();
  /** External key (channel, external id) → message id. */
  readonly messageIds = new Map<string, string | null>();
  /** Conversation id → ids of all its messages, each in `messages`; only for conversations whose list is known. */
  readonly messagesOf = new Map<string, Set<string>>();
  readonly pending = new Map<string, PendingState>();
  readonly rejected: RejectedPayload[] = [];
  /** Contacts inserted by this transaction: nobody else can know their ids before it commits. */
  readonly born = new Set<string>();

  readonly dirtyContacts = new Map<string, WriteKind>();
  readonly dirtyOwners = new Set<string>();
  readonly dirtyConversations = new Map<string, WriteKind>();
  readonly dirtyThreads = new Set<string>();
  readonly dirtyMessages = new Map<string, WriteKind>();
  private readonly dirtyMessageKeys = new Set<string>();
  readonly dirtyPending = new Set<string>();

  /** Whether anything is written and not sent yet. */
  get dirty(): boolean {
    return (
      this.dirtyContacts.size +
        this.dirtyOwners.size +
        this.dirtyConversations.size +
        this.dirtyThreads.size +
        this.dirtyMessages.size +
        this.dirtyPending.size +
        this.rejected.length >
      0
    );
  }

  // --- what the database answered -------------------------------------------------------------

  loadContact(id: string, contact: Contact | undefined): void {
    if (!this.dirtyContacts.has(id)) this.contacts.set(id, contact ?? null);
  }

  loadOwner(key: string, contactId: string | undefined): void {
    if (!this.dirtyOwners.has(key)) this.owners.set(key, contactId ?? null);
  }

  loadConversation(id: string, conversation: Conversation | undefined): void {
    if (this.dirtyConversations.has(id)) return;
    this.conversations.set(id, conversation ?? null);
    this.storedMembers.set(id, conversation?.contactIds ?? []);
  }

  /** A contact's live conversations as stored, corrected by the conversations this transaction wrote. */
  loadConversationsOf(contactId: string, storedIds: Iterable<string>): void {
    const ids = new Set<string>();
    for (const id of storedIds) if (!this.dirtyConversations.has(id)) ids.add(id);
    for (const id of this.dirtyConversations.keys()) {
      if (this.conversations.get(id)?.contactIds.includes(contactId)) ids.add(id);
    }
    this.conversationsOf.set(contactId, ids);
  }

  loadThread(key: string, conversationId: string | undefined): void {
    if (!this.dirtyThreads.has(key)) this.threads.set(key, conversationId ?? null);
  }

  loadMessage(message: Message): void {
    if (this.dirtyMessages.has(message.id)) return;
    this.messages.set(message.id, message);
    this.messagesOf.get(message.conversationId)?.add(message.id);
    const key = externalKey(message.channel, message.external.id);
    if (!this.dirtyMessageKeys.has(key)) this.messageIds.set(key, message.id);
  }

  /** A conversation's messages as stored, corrected by the messages this transaction wrote. */
  loadMessagesOf(conversationId: string, storedIds: Iterable<string>): void {
    const ids = new Set<string>();
    for (const id of storedIds) if (!this.dirtyMessages.has(id)) ids.add(id);
    for (const id of this.dirtyMessages.keys()) {
      if (this.messages.get(id)?.conversationId === conversationId) ids.add(id);
    }
    this.messagesOf.set(conversationId, ids);
  }

  loadMessageAbsent(channel: string, externalId: string): void {
    const key = externalKey(channel, externalId);
    if (!this.dirtyMessageKeys.has(key)) this.messageIds.set(key, null);
  }

  loadMessageIdAbsent(id: string): void {
    if (!this.dirtyMessages.has(id)) this.messages.set(id, null);
  }

  loadPending(channel: string, externalId: string, stored: PendingEvent[]): void {
    const key = externalKey(channel, externalId);
    const state = this.pending.get(key);
    if (!state) this.pending.set(key, { channel, externalId, stored, cleared: false, added: [] });
    else if (!state.cleared) state.stored = stored;
  }

  /** The message a (channel, external id) names: a message, null when there is none, undefined when unknown. */
  messageByExternal(channel: string, externalId: string): Message | null | undefined {
    const id = this.messageIds.get(externalKey(channel, externalId));
    if (id === undefined) return undefined;
    if (id === null) return null;
    return this.messages.get(id) ?? undefined;
  }

  /** The events waiting for a message, or undefined when the stored ones are not known. */
  pendingOf(channel: string, externalId: string): PendingEvent[] | undefined {
    const state = this.pending.get(externalKey(channel, externalId));
    if (!state || (!state.cleared && state.stored === undefined)) return undefined;
    return [...(state.stored ?? []), ...state.added];
  }

  // --- what this transaction wrote ------------------------------------------------------------

  private mark(dirty: Map<string, WriteKind>, id: string, kind: WriteKind): void {
    // A row inserted and then updated here is still one INSERT, of its latest version.
    if (dirty.get(id) !== 'insert') dirty.set(id, kind);
  }

  writeContact(contact: Contact, kind: WriteKind): void {
    this.contacts.set(contact.id, contact);
    this.mark(this.dirtyContacts, contact.id, kind);
    if (kind === 'insert') {
      this.born.add(contact.id);
      // A contact nobody could see until now is in no conversation.
      if (!this.conversationsOf.has(contact.id)) this.conversationsOf.set(contact.id, new Set());
    }
  }

  writeOwner(key: string, contactId: string): void {
    this.owners.set(key, contactId);
    this.dirtyOwners.add(key);
  }

  writeConversation(conversation: Conversation, kind: WriteKind): void {
    const before = this.conversations.get(conversation.id);
    this.conversations.set(conversation.id, conversation);
    this.mark(this.dirtyConversations, conversation.id, kind);
    if (kind === 'insert') {
      // A new conversation holds only what this transaction put in it.
      if (!this.messagesOf.has(conversation.id)) this.loadMessagesOf(conversation.id, []);
      if (!this.storedMembers.has(conversation.id)) this.storedMembers.set(conversation.id, []);
    }
    // Keep the known lists of conversations per contact exact: joined or left.
    const touched = before ? [...before.contactIds, ...conversation.contactIds] : this.conversationsOf.keys();
    for (const contactId of touched) {
      const ids = this.conversationsOf.get(contactId);
      if (!ids) continue;
      if (conversation.contactIds.includes(contactId)) ids.add(conversation.id);
      else ids.delete(conversation.id);
    }
  }

  writeThread(key: string, conversationId: string): void {
    this.threads.set(key, conversationId);
    this.dirtyThreads.add(key);
  }

  /** Writes a message; `before` is its previous version (an update that changed its external id frees the old one). */
  writeMessage(message: Message, kind: WriteKind, before?: Message): void {
    if (before) {
      const old = externalKey(before.channel, before.external.id);
      if (this.messageIds.get(old) === message.id) {
        this.messageIds.set(old, null);
        this.dirtyMessageKeys.add(old);
      }
    }
    if (before && before.conversationId !== message.conversationId)
      this.messagesOf.get(before.conversationId)?.delete(message.id);
    this.messagesOf.get(message.conversationId)?.add(message.id);
    const key = externalKey(message.channel, message.external.id);
    this.messages.set(message.id, message);
    this.messageIds.set(key, message.id);
    this.dirtyMessageKeys.add(key);
    this.mark(this.dirtyMessages, message.id, kind);
  }

  private pendingState(channel: string, externalId: string): PendingState {
    const key = externalKey(channel, externalId);
    let state = this.pending.get(key);
    if (!state) {
      state = { channel, externalId, stored: undefined, cleared: false, added: [] };
      this.pending.set(key, state);
    }
    this.dirtyPending.add(key);
    return state;
  }

  addPending(event: PendingEvent): void {
    this.pendingState(event.channel, event.externalId).added.push(event);
  }

  clearPending(channel: string, externalId: string): void {
    const state = this.pendingState(channel, externalId);
    state.cleared = true;
    state.stored = [];
    state.added = [];
  }

  /** After the writes were sent: they are now what the database holds for this transaction. */
  sent(): void {
    for (const id of this.dirtyConversations.keys())
      this.storedMembers.set(id, this.conversations.get(id)?.contactIds ?? []);
    for (const key of this.dirtyPending) {
      const state = this.pending.get(key);
      if (!state) continue;
      if (state.cleared || state.stored !== undefined)
        this.pending.set(key, {
          ...state,
          stored: [...(state.stored ?? []), ...state.added],
          cleared: false,
          added: [],
        });
      else this.pending.delete(key);
    }
    for (const set of [this.dirtyOwners, this.dirtyThreads, this.dirtyMessageKeys, this.dirtyPending])
      set.clear();
    for (const map of [this.dirtyContacts, this.dirtyConversations, this.dirtyMessages]) map.clear();
    this.rejected.length = 0;
  }

  /** Forgets what a statement outside this bookkeeping may have changed (only when nothing is dirty). */
  forget(what: { messages?: boolean; conversations?: boolean; threads?: boolean }): void {
    if (this.dirty) throw new Error('forget() with unsent writes');
    if (what.threads) this.threads.clear();
    if (what.messages) {
      this.messages.clear();
      this.messageIds.clear();
      this.messagesOf.clear();
    }
    if (what.conversations) {
      this.conversations.clear();
      this.conversationsOf.clear();
      this.storedMembers.clear();
    }
  }
}
