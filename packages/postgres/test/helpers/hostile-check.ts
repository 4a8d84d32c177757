import {
  createHub,
  decodeCursor,
  encodeCursor,
  type InboundEvent,
  memoryStore,
  type Store,
  searchWords,
} from '@omnithread/core';
import { expectWithinHangBound, isTypedRefusal } from '@omnithread/core/testing';
import { expect } from 'vitest';
import { sequentialIds, storable, storableText, storeState } from './store-state.js';

// One hostile run against a PostgreSQL store, with memoryStore as the oracle: two hubs with the same
// clock and ids take the same events. Each event is stored by both or refused by both for the same
// field, with a typed error and in bounded time (only a value JSON cannot hold is refused by
// PostgreSQL alone); then what PostgreSQL reads back is what memoryStore holds as PostgreSQL keeps
// text (storable), search and cursors answer alike, and a normal message still ingests.

/** Refusals only PostgreSQL makes (memoryStore keeps any value as it is given). */
const POSTGRES_ONLY = /cannot be stored as JSON/;
/** PostgreSQL's longest lexeme: a longer word is not indexed, so nothing is found by it. */
const MAX_LEXEME_BYTES = 2046;
const CLOCK = () => new Date('2026-03-02T09:00:00Z');

export interface PostgresTarget {
  store: Store;
  /** Empties the database. */
  reset(): Promise<void>;
}

type Failure = Error & { path?: string };
const settle = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (error: unknown) => error as Failure,
  );

/** The (channel, external id) a status, reaction, edit… is about: it may wait for its message. */
function waitingKey(event: Record<string, unknown>): [string, string] | undefined {
  const e = event as {
    status?: { channel?: unknown; externalId?: unknown };
    channel?: unknown;
    targetExternalId?: unknown;
  };
  const [channel, id] = e.status ? [e.status.channel, e.status.externalId] : [e.channel, e.targetExternalId];
  return typeof channel === 'string' && typeof id === 'string' ? [channel, id] : undefined;
}

/** The (channel, external id) of a message event. */
function messageKey(event: Record<string, unknown>): [string, string] | undefined {
  const m = event.message as { channel?: unknown; external?: { id?: unknown } } | undefined;
  const [channel, id] = [m?.channel, m?.external?.id];
  return typeof channel === 'string' && typeof id === 'string' ? [channel, id] : undefined;
}

/** A cursor naming the same place in PostgreSQL's terms (its strings as text holds them). */
function storableCursor(cursor: string): string {
  try {
    const { sortKey, id } = decodeCursor(cursor);
    return encodeCursor(storableText(sortKey), storableText(id));
  } catch {
    return cursor;
  }
}

// What the hub keeps without comparing it with what is stored: payloads, and text fields.
const PAYLOADS = new Set(['raw', 'metadata', 'transcript']);
const TEXTS = new Set([
  'text',
  'subject',
  'html',
  'newText',
  'fromName',
  'warnings',
  'filename',
  'caption',
  'url',
  'contentType',
  'message',
  'keyword',
  'evidence',
]);

/**
 * Whether the oracle applies to a run. The hub compares the strings it was given with the ones it
 * stored, and PostgreSQL stores U+0000 and half surrogate pairs as U+FFFD: two strings that differ
 * only there are one ("t\ud800" and "t\u0000"), and a key holding one no longer equals its stored
 * copy (a contact then lists "v\ufffd" twice, a channel switch is seen where there is none). Runs
 * with such a string anywhere but in payloads and display text get only the checks that need no
 * oracle; the others must match memoryStore exactly.
 */
function oracleApplies(events: unknown[]): boolean {
  const seen = new Map<string, string>();
  const fine = (text: string, keyed: boolean) => {
    const stored = storableText(text);
    if (keyed && stored !== text) return false;
    const before = seen.get(stored);
    if (before === undefined) seen.set(stored, text);
    return before === undefined || before === text;
  };
  // Deeper than the hub accepts, an event is refused before anything compares its strings.
  const visit = (value: unknown, keyed: boolean, field: string, parent: string, depth: number): boolean => {
    // Strings the hub itself makes as stores keep them (`wellFormed`) before it compares anything.
    if (typeof value === 'string')
      return keyed && wellFormedByHub(field, parent) ? true : fine(value, keyed && !TEXTS.has(field));
    if (depth > 200 || value === null || typeof value !== 'object') return true;
    if (Array.isArray(value)) return value.every((v) => visit(v, keyed, field, parent, depth + 1));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return true;
    return Object.entries(value).every(
      ([k, v]) => fine(k, false) && visit(v, keyed && !PAYLOADS.has(k), k, field, depth + 1),
    );
  };
  return events.every((event) => visit(event, true, '', '', 0));
}

/** The keys the hub passes through `wellFormed`: identities, channels, external ids, thread keys. */
function wellFormedByHub(field: string, parent: string): boolean {
  if (field === 'kind' || field === 'value') return IDENTITY_HOLDERS.has(parent);
  if (parent === 'external') return field === 'id' || field === 'threadId';
  return ['channel', 'endpoint', 'keys', 'refs', 'externalId', 'targetExternalId'].includes(field);
}
const IDENTITY_HOLDERS = new Set(['from', 'to', 'participants', 'identity', 'by']);

const LISTS = [
  (s: Store, c: string) => s.listContacts({ cursor: c, limit: 2 }),
  (s: Store, c: string) => s.listConversations({ cursor: c, limit: 2 }),
  (s: Store, c: string) => s.listRejected({ cursor: c, limit: 2 }),
  (s: Store, c: string) => s.searchMessages('a', { cursor: c, limit: 2 }),
];

const NORMAL: InboundEvent = {
  type: 'message',
  message: {
    channel: 'sms',
    from: { kind: 'phone', value: '+14155550199' },
    sentAt: '2026-03-02T09:00:00Z',
    text: 'a normal message',
    external: { id: 'SM-after' },
    raw: { MessageSid: 'SM-after' },
  },
};

export async function checkHostileRun(
  target: PostgresTarget,
  events: Record<string, unknown>[],
  query: string,
  cursor: string,
): Promise<void> {
  await target.reset();
  const exact = oracleApplies(events);
  const ids = { pg: sequentialIds(), memory: sequentialIds() };
  const memory = memoryStore();
  const pgHub = createHub({ store: target.store, clock: CLOCK, newId: ids.pg.next });
  const memoryHub = createHub({ store: memory, clock: CLOCK, newId: ids.memory.next });
  const waiting = new Map<string, [string, string]>();
  const stored: [string, string][] = [];

  for (const [index, event] of events.entries()) {
    ids.pg.startEvent(index);
    ids.memory.startEvent(index);
    // The hub keeps a target as stores keep text (see `wellFormed`): look it up that way.
    const target = waitingKey(event);
    const key = target && ([storableText(target[0]), storableText(target[1])] as [string, string]);
    if (key) waiting.set(JSON.stringify(key), key);
    const failure = await expectWithinHangBound(() => settle(pgHub.ingest(event as never)));
    if (failure !== undefined) {
      expect(isTypedRefusal(failure), `not a typed refusal: ${failure?.stack ?? String(failure)}`).toBe(true);
      if (POSTGRES_ONLY.test(failure.message)) continue;
    } else {
      const message = messageKey(event);
      if (message) stored.push(message);
    }
    if (!exact) continue;
    const oracle = await settle(memoryHub.ingest(event as never));
    if (failure === undefined) expect(oracle, `memoryStore refused it: ${oracle?.message}`).toBeUndefined();
    else {
      expect(oracle, `PostgreSQL refused what memoryStore stores: ${failure.message}`).toBeDefined();
      expect(failure.path).toBe(oracle?.path);
    }
  }

  // Everything stored reads back, as memoryStore holds it when the oracle applies.
  const state = await storeState(target.store, waiting.values());
  if (exact) expect(state).toEqual(storable(await storeState(memory, waiting.values())));
  for (const [channel, id] of stored)
    expect(await target.store.findMessageByExternalId(channel, id), `message ${channel}:${id}`).toBeDefined();

  // Search: the same hits, but for a word PostgreSQL cannot index (it finds nothing).
  const hits = (await expectWithinHangBound(() => pgHub.messages.search(query))).items.map((m) => m.id);
  const unindexable = searchWords(query).some((w) => Buffer.byteLength(w) > MAX_LEXEME_BYTES);
  if (unindexable) expect(hits).toEqual([]);
  else if (exact) expect(hits).toEqual((await memoryHub.messages.search(query)).items.map((m) => m.id));

  // A cursor of anything: the same page, or a typed refusal where memoryStore refuses it.
  for (const list of LISTS) {
    const page = await expectWithinHangBound(() =>
      list(target.store, cursor).catch((e: unknown) => e as Failure),
    );
    if (page instanceof Error)
      expect(isTypedRefusal(page), `cursor ${JSON.stringify(cursor)}: ${page.stack}`).toBe(true);
    if (!exact) continue;
    const oracle = await list(memory, storableCursor(cursor)).catch((e: unknown) => e as Failure);
    if (!(oracle instanceof Error)) expect(page).toEqual(storable(JSON.parse(JSON.stringify(oracle))));
  }

  // The store is still usable.
  ids.pg.startEvent(events.length);
  const after = await pgHub.ingest(NORMAL);
  expect(after.type === 'message' && !after.duplicate).toBe(true);
}
