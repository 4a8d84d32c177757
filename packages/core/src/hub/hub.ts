import type { ChannelAdapter, Stop } from '../adapter.js';
import {
  ConfigurationError,
  isStoreConflictError,
  isWebhookParseError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { identityKey, normalizeIdentity } from '../identity/normalize.js';
import { type Contact, contactPatchSchema } from '../model/contact.js';
import {
  type Conversation,
  type ConversationStatus,
  conversationStatusSchema,
} from '../model/conversation.js';
import type { InboundEvent, RejectedPayload } from '../model/events.js';
import { defaultRules } from '../placement/rules.js';
import type { ChannelPolicy } from '../placement/types.js';
import { storableCopy, storageProblem } from '../security/storable.js';
import type { Store } from '../store/contract.js';
import { linkIdentityInTx, mergeContactsInTx } from './contacts.js';
import { mergeConversationsInTx } from './conversations.js';
import { createEmitter } from './emitter.js';
import { type Engine, liveContact, liveConversation, type PendingEmit } from './engine.js';
import { MAX_PAYLOAD_DEPTH } from './fast-validation.js';
import { createGroupCommit } from './group-commit.js';
import type { Hub, HubOptions, IngestManyOptions } from './hub-types.js';
import { randomId } from './ids.js';
import { type IngestResult, ingestPrepared } from './ingest.js';
import { batchKeys, type PreparedEvent, prepareEvent } from './prepare.js';
import { sendReply } from './reply.js';
import { adapterForPath, errorResponse, textResponse } from './router.js';
import { listSwitches } from './switches.js';
import { rawOf, validateEvent, zodToValidationError } from './validation.js';

export type { Hub, HubOptions, IngestManyOptions } from './hub-types.js';

const HOUR = 3_600_000;
const MAX_TX_ATTEMPTS = 8;

const DEFAULT_BATCH_SIZE = 100;
const MAX_BATCH_SIZE = 10_000;

const DEFAULT_POLICIES: Record<string, ChannelPolicy> = {
  email: { threaded: true, sessionWindowMs: 24 * HOUR },
};
const SESSION_DEFAULT: ChannelPolicy = { threaded: false, sessionWindowMs: 24 * HOUR };

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });
const rejected = (reason: unknown): PromiseSettledResult<never> => ({ status: 'rejected', reason });

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
        if (!emitter.isIdle()) await emitter.emitAll(emits);
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
      // Kept whatever it holds: a payload JSON cannot carry is kept as the closest copy it can.
      raw:
        raw === undefined
          ? null
          : storageProblem(raw, MAX_PAYLOAD_DEPTH)
            ? storableCopy(raw, MAX_PAYLOAD_DEPTH)
            : raw,
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
    const checked = conversationStatusSchema.safeParse(status);
    if (!checked.success) throw zodToValidationError(checked.error, 'status');
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
        if (!adapter.listen) continue;
        const emit = async (event: InboundEvent) => {
          try {
            await ingest(event);
          } catch (error) {
            // A pulled event the hub refuses is kept as rejected, as a webhook's is: nothing a
            // customer sent disappears. A store failure still reaches the adapter, to retry or report.
            if (!(error instanceof ValidationError)) throw error;
            await recordRejected(adapter.channel, rawOf(event), error);
          }
        };
        stops.push(await adapter.listen(emit));
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
      async link(contactId, identity, linkOptions = {}) {
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
      async update(id, patch) {
        // Bounded first: zod's check of nested JSON recurses without a limit.
        const problem = storageProblem(patch?.attributes, MAX_PAYLOAD_DEPTH);
        if (problem) throw new ValidationError(`patch.attributes: ${problem}`, { path: 'patch.attributes' });
        const checked = contactPatchSchema.safeParse(patch);
        if (!checked.success) throw zodToValidationError(checked.error, 'patch');
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
