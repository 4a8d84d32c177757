import type { ChannelAdapter, Stop } from '../adapter.js';
import {
  ConfigurationError,
  isStoreConflictError,
  isWebhookParseError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { type IdentityOptions, identityKey, normalizeIdentity } from '../identity/normalize.js';
import type { Contact } from '../model/contact.js';
import type { ChannelSwitch, Conversation, ConversationStatus } from '../model/conversation.js';
import {
  type InboundEvent,
  inboundEventSchema,
  type NormalizedInboundEvent,
  type RejectedPayload,
} from '../model/events.js';
import type { Identity, Trust } from '../model/identity.js';
import type { Message } from '../model/message.js';
import { defaultRules } from '../placement/rules.js';
import type { ChannelPolicy, PlacementRule } from '../placement/types.js';
import { nestsDeeperThan } from '../security/json.js';
import type { ListConversationsOptions, Page, PageOptions, Store } from '../store/contract.js';
import { linkIdentityInTx, mergeContactsInTx } from './contacts.js';
import { mergeConversationsInTx } from './conversations.js';
import { createEmitter, type Listener } from './emitter.js';
import { type Engine, type HubEventName, liveContact, liveConversation, type PendingEmit } from './engine.js';
import { MAX_EVENT_DEPTH, validateCommonEvent } from './fast-validation.js';
import { createGroupCommit } from './group-commit.js';
import { randomId } from './ids.js';
import { type IngestResult, ingestPrepared } from './ingest.js';
import { batchKeys, type PreparedEvent, prepareEvent } from './prepare.js';
import { type ReplyContent, type ReplyOptions, sendReply } from './reply.js';
import { adapterForPath, errorResponse, textResponse } from './router.js';
import { listSwitches } from './switches.js';
import { zodToValidationError } from './validation.js';

const HOUR = 3_600_000;
const MAX_TX_ATTEMPTS = 8;

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

const DEFAULT_BATCH_SIZE = 100;
const MAX_BATCH_SIZE = 10_000;

const DEFAULT_POLICIES: Record<string, ChannelPolicy> = {
  email: { threaded: true, sessionWindowMs: 24 * HOUR },
};
const SESSION_DEFAULT: ChannelPolicy = { threaded: false, sessionWindowMs: 24 * HOUR };

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

// Stores copy and serialize events recursively: refuse a nesting no real payload has, before any of
// that can overflow the stack (adapters already bound webhook JSON at 64 levels).
const tooDeep = () =>
  new ValidationError(`event: nested deeper than ${MAX_EVENT_DEPTH} levels`, { path: 'event' });

function validateEvent(event: unknown): NormalizedInboundEvent {
  // Messages and statuses take a hand-written path that gives zod's exact output and bounds every
  // nesting but the raw payload's, which is checked alone; zod decides the rest, after a full check.
  const common = validateCommonEvent(event);
  if (common) {
    const raw =
      common.type === 'message'
        ? common.message.raw
        : common.type === 'status'
          ? common.status.raw
          : undefined;
    if (nestsDeeperThan(raw, MAX_EVENT_DEPTH - 2)) throw tooDeep();
    return common;
  }
  if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) throw tooDeep();
  const parsed = inboundEventSchema.safeParse(event);
  if (!parsed.success) throw zodToValidationError(parsed.error, 'event');
  return parsed.data;
}

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });
const rejected = (reason: unknown): PromiseSettledResult<never> => ({ status: 'rejected', reason });

function rawOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const e = event as { message?: { raw?: unknown }; raw?: unknown };
  return e.message?.raw ?? e.raw ?? event;
}

/**
 * Creates the hub: the one object an app talks to. It ingests events from every adapter into one
 * model of contacts and conversations, places each message by the placement rules, answers
 * webhooks, and sends replies.
 *
 * @example
 * ```ts
 * import { createHub, memoryStore } from '@omnithread/core';
 *
 * const hub = createHub({ store: memoryStore(), identity: { defaultRegion: 'US' } });
 * const result = await hub.ingest({
 *   type: 'message',
 *   message: {
 *     channel: 'sms',
 *     from: { kind: 'phone', value: '+14155550100' },
 *     sentAt: new Date().toISOString(),
 *     text: 'Is my order on its way?',
 *     external: { id: 'SM123' },
 *     raw: null,
 *   },
 * });
 * console.log(result.type === 'message' && result.message.placement.reason);
 * ```
 */
export function createHub(options: HubOptions): Hub {
  if (!options?.store)
    throw new ConfigurationError(
      'store',
      'createHub needs a `store` (memoryStore() or a @omnithread/postgres store)',
    );
  const { store } = options;
  const adapterList = options.adapters ?? [];
  const adapters = new Map<string, ChannelAdapter>();
  for (const adapter of adapterList) {
    if (!adapter?.channel) throw new ConfigurationError('adapters', 'every adapter needs a `channel`');
    if (adapters.has(adapter.channel))
      throw new ConfigurationError('adapters', `two adapters for the ${adapter.channel} channel`);
    adapters.set(adapter.channel, adapter);
  }
  for (const adapter of adapterList)
    for (const extra of adapter.alsoSends ?? []) if (!adapters.has(extra)) adapters.set(extra, adapter);

  const clock = options.clock ?? (() => new Date());
  const makeId = options.newId ?? randomId;
  const policyCache = new Map<string, ChannelPolicy>();
  const basePolicy = (channel: string): ChannelPolicy => {
    let policy = policyCache.get(channel);
    if (!policy) {
      const caps = adapters.get(channel)?.capabilities;
      policy = {
        ...(DEFAULT_POLICIES[channel] ?? SESSION_DEFAULT),
        ...(caps ? { threaded: caps.threaded } : {}),
        ...options.channels?.[channel],
      } as ChannelPolicy;
      policyCache.set(channel, policy);
    }
    return policy;
  };
  let lastMs = Number.NaN;
  let lastIso = '';
  const engine: Engine = {
    identity: options.identity ?? {},
    rules: options.rules ?? defaultRules(),
    now: clock,
    nowIso() {
      const now = clock();
      const ms = now.getTime();
      if (ms !== lastMs) {
        lastIso = now.toISOString();
        lastMs = ms;
      }
      return lastIso;
    },
    newId: makeId,
    // Public messages (an X mention) carry their own thread ids, like email.
    policy: (channel, message) => {
      const policy = basePolicy(channel);
      return message?.visibility === 'public' && !policy.threaded ? { ...policy, threaded: true } : policy;
    },
  };
  const emitter = createEmitter(
    options.onListenerError ??
      ((error, event) => console.error(`[omnithread] a "${event}" listener threw`, error)),
  );

  /** Runs a transaction, retrying when the store reports a lost race; emits events after commit. */
  async function write<T>(
    fn: (tx: Parameters<Parameters<Store['transaction']>[0]>[0], emits: PendingEmit[]) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const emits: PendingEmit[] = [];
      try {
        const result = await store.transaction((tx) => fn(tx, emits));
        await emitter.emitAll(emits);
        return result;
      } catch (error) {
        if (!isStoreConflictError(error) || attempt >= MAX_TX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  async function recordRejected(
    channel: string,
    raw: unknown,
    error: unknown,
    headers?: Record<string, string>,
  ) {
    const err = error as { code?: unknown; message?: unknown };
    const rejected: RejectedPayload = {
      id: makeId('rej'),
      channel,
      receivedAt: clock().toISOString(),
      error: {
        code: typeof err?.code === 'string' ? err.code : 'UNKNOWN',
        message: String(err?.message ?? error),
      },
      raw: raw === undefined ? null : raw,
    };
    if (headers) rejected.headers = headers;
    await store.insertRejected(rejected);
    await emitter.emitAll([['rejected', { channel, error: rejected.error }]]);
    return rejected;
  }

  const prepare = (event: InboundEvent) => prepareEvent(validateEvent(event), engine);
  const ingestOne = (prepared: PreparedEvent) =>
    write(async (tx, emits) => {
      if (tx.prefetch) {
        // Locked first, then loaded in one go: the reads that follow need no round trip each.
        await tx.lock(prepared.lockKeys);
        await tx.prefetch(prepared.lookups);
      }
      return ingestPrepared(tx, engine, prepared, emits);
    });
  const groupCommitOptions = options.groupCommit === true ? {} : options.groupCommit || undefined;
  const maxBatch = groupCommitOptions?.maxBatch ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH_SIZE)
    throw new ConfigurationError(
      'groupCommit',
      `maxBatch: an integer from 1 to ${MAX_BATCH_SIZE}, got ${maxBatch}`,
    );
  const submit = groupCommitOptions
    ? createGroupCommit((events, o) => ingestMany(events, o), maxBatch)
    : undefined;
  const ingest = async (event: InboundEvent): Promise<IngestResult> => {
    if (!submit) return ingestOne(prepare(event));
    const [outcome] = await submit([event]);
    if (outcome!.status === 'rejected') throw outcome!.reason;
    return outcome!.value;
  };

  async function ingestMany(events: readonly InboundEvent[], options: IngestManyOptions = {}) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)
      throw new ValidationError(`batchSize: an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`, {
        path: 'batchSize',
      });
    const results = new Array<PromiseSettledResult<IngestResult>>(events.length);
    const ready: { index: number; prepared: PreparedEvent }[] = [];
    events.forEach((event, index) => {
      try {
        ready.push({ index, prepared: prepare(event) });
      } catch (reason) {
        results[index] = rejected(reason);
      }
    });
    for (let start = 0; start < ready.length; start += batchSize) {
      const batch = ready.slice(start, start + batchSize);
      try {
        const { lockKeys, lookups } = batchKeys(batch.map((b) => b.prepared));
        const values = await write(async (tx, emits) => {
          // Every key up front, sorted: batches touching the same customers cannot deadlock.
          await tx.lock(lockKeys);
          await tx.prefetch?.(lookups);
          const out: IngestResult[] = [];
          for (const { prepared } of batch) out.push(await ingestPrepared(tx, engine, prepared, emits));
          return out;
        });
        values.forEach((value, k) => {
          results[batch[k]!.index] = fulfilled(value);
        });
      } catch {
        // Something in the batch failed and rolled all of it back: one at a time, it fails alone.
        for (const { index, prepared } of batch)
          results[index] = await ingestOne(prepared).then(fulfilled, rejected);
      }
    }
    return results;
  }

  async function getConversation(id: string): Promise<Conversation> {
    const c = await liveConversation(store, id);
    if (!c) throw new NotFoundError('conversation', id);
    return c;
  }
  async function getContact(id: string): Promise<Contact> {
    const c = await liveContact(store, id);
    if (!c) throw new NotFoundError('contact', id);
    return c;
  }
  async function setStatus(id: string, status: ConversationStatus): Promise<Conversation> {
    return write(async (tx) => {
      const c = await liveConversation(tx, id);
      if (!c) throw new NotFoundError('conversation', id);
      const next: Conversation = { ...c, status };
      if (status === 'closed') next.closedAt = clock().toISOString();
      else delete next.closedAt;
      await tx.updateConversation(next);
      return next;
    });
  }

  return {
    store,
    adapters,
    ingest,
    ingestMany,
    async handle(request) {
      const url = new URL(request.url);
      const adapter = adapterForPath(adapterList, options.webhookBasePath ?? '/webhooks', url.pathname);
      if (!adapter?.handle) return textResponse(404, 'no adapter at this path');
      const headers = Object.fromEntries(
        [...request.headers].filter(([name]) => !/authorization|cookie|signature/i.test(name)),
      );
      let result: Awaited<ReturnType<NonNullable<ChannelAdapter['handle']>>>;
      try {
        result = await adapter.handle(request);
      } catch (error) {
        // Authentic-but-unusable payloads are kept; unsigned ones are not (anyone can send those).
        if (isWebhookParseError(error) || (error as { code?: string })?.code === 'PAYLOAD_TOO_LARGE') {
          try {
            await recordRejected(adapter.channel, (error as { raw?: unknown }).raw ?? null, error, headers);
          } catch (storeError) {
            // Could not keep it: 500 so the provider delivers it again.
            return errorResponse(storeError);
          }
        }
        return errorResponse(error);
      }
      // A payload with several events (a WhatsApp envelope of statuses) is one batch: one transaction.
      const outcomes: PromiseSettledResult<IngestResult>[] = submit
        ? await submit(result.events)
        : result.events.length === 1
          ? [await ingest(result.events[0]!).then(fulfilled, rejected)]
          : await ingestMany(result.events);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') continue;
        const error = outcome.reason;
        // A store failure answers 500 so the provider retries; ingest is idempotent.
        if (!(error instanceof ValidationError)) return errorResponse(error);
        try {
          await recordRejected(adapter.channel, rawOf(result.events[i]), error, headers);
        } catch (storeError) {
          return errorResponse(storeError);
        }
      }
      return result.response;
    },
    async reply(conversationId, content, replyOptions = {}) {
      const emits: PendingEmit[] = [];
      try {
        return await sendReply(store, engine, adapters, conversationId, content, replyOptions, emits);
      } finally {
        await emitter.emitAll(emits);
      }
    },
    async listen() {
      const stops: Stop[] = [];
      for (const adapter of adapterList) {
        if (adapter.listen) stops.push(await adapter.listen(async (event) => void (await ingest(event))));
      }
      return async () => {
        await Promise.all(stops.map((stop) => stop()));
      };
    },
    contacts: {
      get: getContact,
      async findByIdentity(identity) {
        const key = identityKey(normalizeIdentity(identity, engine.identity), engine.identity);
        const owner = (await store.findContactIdsByIdentityKeys([key])).get(key);
        return owner === undefined ? undefined : liveContact(store, owner);
      },
      list: (pageOptions) => store.listContacts(pageOptions),
      link(contactId, identity, linkOptions = {}) {
        const normalized = normalizeIdentity(identity, engine.identity);
        return write(async (tx, emits) => {
          if (!(await liveContact(tx, contactId))) throw new NotFoundError('contact', contactId);
          return linkIdentityInTx(
            tx,
            engine,
            contactId,
            normalized,
            linkOptions.trust ?? 'verified',
            emits,
            linkOptions.evidence ?? 'linked by the app',
          );
        });
      },
      merge(a, b) {
        return write(async (tx, emits) => {
          for (const id of [a, b]) if (!(await liveContact(tx, id))) throw new NotFoundError('contact', id);
          return mergeContactsInTx(tx, engine, a, b, emits);
        });
      },
      update(id, patch) {
        return write(async (tx) => {
          const c = await liveContact(tx, id);
          if (!c) throw new NotFoundError('contact', id);
          const next: Contact = {
            ...c,
            attributes: { ...c.attributes, ...patch.attributes },
            updatedAt: clock().toISOString(),
          };
          if (patch.name !== undefined) next.name = patch.name;
          await tx.updateContact(next);
          return next;
        });
      },
    },
    conversations: {
      get: getConversation,
      list: (listOptions) => store.listConversations(listOptions),
      async messages(id, pageOptions) {
        const c = await getConversation(id);
        return store.listMessages(c.id, pageOptions);
      },
      async switches(id, pageOptions) {
        const c = await getConversation(id);
        return listSwitches(store, c.id, pageOptions);
      },
      merge(a, b) {
        return write(async (tx, emits) => {
          for (const id of [a, b])
            if (!(await liveConversation(tx, id))) throw new NotFoundError('conversation', id);
          return mergeConversationsInTx(tx, a, b, emits);
        });
      },
      close: (id) => setStatus(id, 'closed'),
      reopen: (id) => setStatus(id, 'open'),
      setStatus,
    },
    messages: {
      async get(id) {
        const m = await store.getMessage(id);
        if (!m) throw new NotFoundError('message', id);
        return m;
      },
      search: (query, pageOptions) => store.searchMessages(query, pageOptions),
    },
    rejected: {
      list: (pageOptions) => store.listRejected(pageOptions),
      record: recordRejected,
    },
    on: (event, listener) => emitter.on(event, listener),
    close: () => store.close(),
  };
}
