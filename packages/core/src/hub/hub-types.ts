import type { ChannelAdapter, Stop } from '../adapter.js';
import type { IdentityOptions } from '../identity/normalize.js';
import type { Contact } from '../model/contact.js';
import type { ChannelSwitch, Conversation, ConversationStatus } from '../model/conversation.js';
import type { InboundEvent, RejectedPayload } from '../model/events.js';
import type { Identity, Trust } from '../model/identity.js';
import type { Message } from '../model/message.js';
import type { ChannelPolicy, PlacementRule } from '../placement/types.js';
import type { ListConversationsOptions, Page, PageOptions, Store } from '../store/contract.js';
import type { Listener } from './emitter.js';
import type { HubEventName } from './engine.js';
import type { IngestResult } from './ingest.js';
import type { ReplyContent, ReplyOptions } from './reply.js';

// The hub's options and its interface; `createHub` (hub.ts) builds it.

export interface HubOptions {
  store: Store;
  adapters?: readonly ChannelAdapter[];
  /** Placement rules in order; `defaultRules()` when omitted. */
  rules?: readonly PlacementRule[];
  /** The current time; inject a fixed clock in tests. */
  clock?: () => Date;
  identity?: IdentityOptions;
  /** Per-channel placement behaviour, overriding what adapters' capabilities say. */
  channels?: Record<string, Partial<ChannelPolicy>>;
  /** Where webhooks are mounted: `<webhookBasePath>/<channel>`. Default `/webhooks`. */
  webhookBasePath?: string;
  /** Makes ids; default `<prefix>_<random uuid>`. */
  newId?: (prefix: string) => string;
  /** Where errors of event listeners go (they never undo an ingest). Default: console.error. */
  onListenerError?: (error: unknown, event: string) => void;
  /**
   * Group commit for `ingest` and `handle`: events that arrive while a transaction is being written
   * share the next one (up to `maxBatch` events, default 100), each still answered with its own
   * outcome after its commit. For servers on a durable store, where one commit per webhook caps
   * throughput; a lone event is written at once. Default off.
   */
  groupCommit?: boolean | { maxBatch?: number };
}

export interface IngestManyOptions {
  /** Events per transaction (default 100, at most 10,000). */
  batchSize?: number;
}

export interface Hub {
  /** Validates and stores one event, placing messages by the rules. Safe to call twice with the same event. */
  ingest(event: InboundEvent): Promise<IngestResult>;
  /**
   * Ingests many events (an import, a backlog, a queue drained in bulk) with the result of each, in
   * order: fewer, larger transactions, each locking and prefetching for its whole batch. The outcome
   * of every event is what `ingest` one after another would give; an event that fails (invalid, or
   * failing in the store) fails alone — its batch is then redone one event at a time.
   *
   * @example
   * ```ts
   * const results = await hub.ingestMany(events, { batchSize: 200 });
   * const failed = results.filter((r) => r.status === 'rejected');
   * ```
   */
  ingestMany(
    events: readonly InboundEvent[],
    options?: IngestManyOptions,
  ): Promise<PromiseSettledResult<IngestResult>[]>;
  /** Routes a web-standard Request to the adapter mounted at its path and ingests what it yields. */
  handle(request: Request): Promise<Response>;
  /** Sends a reply on the customer's last channel, or `options.channel`. */
  reply(conversationId: string, content: ReplyContent, options?: ReplyOptions): Promise<Message>;
  /** Starts every adapter that has `listen` (IMAP, polling, linked devices); resolves to a stop function. */
  listen(): Promise<Stop>;
  contacts: {
    get(id: string): Promise<Contact>;
    findByIdentity(identity: Identity): Promise<Contact | undefined>;
    list(options?: PageOptions): Promise<Page<Contact>>;
    /** Ties an identity to a contact. Trusted links (default `verified`) merge its owner in; `unverified` only records a claim. */
    link(
      contactId: string,
      identity: Identity,
      options?: { trust?: Trust; evidence?: string },
    ): Promise<Contact>;
    /** Merges two contacts (the older survives, the other becomes a tombstone). Idempotent. */
    merge(a: string, b: string): Promise<Contact>;
    update(id: string, patch: { name?: string; attributes?: Contact['attributes'] }): Promise<Contact>;
  };
  conversations: {
    get(id: string): Promise<Conversation>;
    list(options?: ListConversationsOptions): Promise<Page<Conversation>>;
    messages(id: string, options?: PageOptions): Promise<Page<Message>>;
    /**
     * Every channel switch, oldest first, in pages (the record's `switches` keeps the latest 100).
     *
     * @example
     * ```ts
     * const { items, nextCursor } = await hub.conversations.switches(conversation.id, { limit: 500 });
     * ```
     */
    switches(id: string, options?: PageOptions): Promise<Page<ChannelSwitch>>;
    merge(a: string, b: string): Promise<Conversation>;
    close(id: string): Promise<Conversation>;
    reopen(id: string): Promise<Conversation>;
    setStatus(id: string, status: ConversationStatus): Promise<Conversation>;
  };
  messages: {
    get(id: string): Promise<Message>;
    search(query: string, options?: PageOptions): Promise<Page<Message>>;
  };
  rejected: {
    list(options?: PageOptions): Promise<Page<RejectedPayload>>;
    /** Keeps a payload that could not be used, with the reason. */
    record(
      channel: string,
      raw: unknown,
      error: unknown,
      headers?: Record<string, string>,
    ): Promise<RejectedPayload>;
  };
  on<K extends HubEventName>(event: K, listener: Listener<K>): () => void;
  readonly store: Store;
  readonly adapters: ReadonlyMap<string, ChannelAdapter>;
  close(): Promise<void>;
}
