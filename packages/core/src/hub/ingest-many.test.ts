import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors.js';
import type { InboundEvent } from '../model/events.js';
import type { PlacementRule } from '../placement/types.js';
import type { PrefetchHint, Store, StoreTransaction } from '../store/contract.js';
import { memoryStore } from '../store/memory.js';
import { createHub, type Hub } from './hub.js';
import { at, canonical, email, msg, phone, wa } from './test-helpers.js';

const runs = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 40);
const params = { seed: 20261124, numRuns: runs };

const newHub = (store: Store = memoryStore(), rules?: PlacementRule[]): Hub =>
  createHub({ store, clock: () => new Date(at(10_000)), ...(rules ? { rules } : {}) });

/** A memory store that records every lock and prefetch its transactions receive. */
function spyingStore() {
  const inner = memoryStore();
  const calls = { transactions: 0, locks: [] as string[][], prefetches: [] as PrefetchHint[] };
  const store: Store = {
    ...inner,
    transaction(fn) {
      calls.transactions++;
      return inner.transaction((tx) => {
        const spied: StoreTransaction = {
          ...tx,
          lock: async (keys) => {
            calls.locks.push([...keys]);
            await tx.lock(keys);
          },
          prefetch: async (hint) => {
            calls.prefetches.push(hint);
          },
        };
        return fn(spied);
      });
    },
  };
  return { store, calls };
}

/** SMS, WhatsApp and email from a few people, statuses, duplicates, links and consent, in any order. */
const mixedEvents = fc
  .array(
    fc.record({
      kind: fc.constantFrom('sms', 'whatsapp', 'email', 'status', 'duplicate', 'link', 'consent'),
      who: fc.integer({ min: 0, max: 3 }),
      hour: fc.integer({ min: 0, max: 100 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs) => {
    const events: InboundEvent[] = [];
    specs.forEach((s, i) => {
      const number = `+1415555010${s.who}`;
      switch (s.kind) {
        case 'sms':
          events.push(msg('sms', phone(number), s.hour, `m${i}`, { external: { id: `SM${i}` } }));
          break;
        case 'whatsapp':
          events.push(msg('whatsapp', wa(number), s.hour, `m${i}`, { external: { id: `wamid.${i}` } }));
          break;
        case 'email':
          events.push(
            msg('email', email(`user${s.who}@example.org`), s.hour, `m${i}`, {
              external: { id: `<m${i}@example.org>` },
              thread: { keys: [`email:m${i}@example.org`], refs: [] },
            }),
          );
          break;
        case 'status':
          // Often about a message that comes later in the list, or never.
          events.push({
            type: 'status',
            status: { channel: 'sms', externalId: `SM${i + s.who}`, status: 'delivered', at: at(s.hour) },
          });
          break;
        case 'duplicate':
          if (events.length > 0) events.push(events[s.who % events.length]!);
          break;
        case 'link':
          events.push({
            type: 'identity-link',
            channel: 'email',
            identity: phone(number),
            link: { identity: email(`user${s.who}@example.org`), trust: 'verified', evidence: 'test' },
            at: at(s.hour),
          });
          break;
        case 'consent':
          events.push({
            type: 'consent',
            channel: 'sms',
            identity: phone(number),
            optedOut: true,
            at: at(s.hour),
          });
          break;
      }
    });
    return events;
  });

const summary = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected'
    ? 'rejected'
    : (() => {
        const v = r.value as { type: string; duplicate?: boolean; applied?: boolean };
        return `${v.type}:${v.duplicate ?? v.applied ?? ''}`;
      })();

describe('hub.ingestMany', () => {
  it('ends exactly as ingesting the events one by one, whatever the batch size', async () => {
    await fc.assert(
      fc.asyncProperty(mixedEvents, fc.integer({ min: 1, max: 30 }), async (events, batchSize) => {
        const oneByOne = newHub();
        const expected: string[] = [];
        for (const e of events)
          expected.push(summary(await oneByOne.ingest(e).then((value) => ({ status: 'fulfilled', value }))));
        const batched = newHub();
        const results = await batched.ingestMany(events, { batchSize });
        expect(results.map(summary)).toEqual(expected);
        expect(await canonical(batched)).toEqual(await canonical(oneByOne));
      }),
      params,
    );
  });

  it('a duplicate inside one batch is reported as a duplicate, and a status before its message waits for it', async () => {
    const hub = newHub();
    const first = msg('sms', phone('+14155550100'), 1, 'hello', { external: { id: 'SM1' } });
    const results = await hub.ingestMany([
      { type: 'status', status: { channel: 'sms', externalId: 'SM1', status: 'delivered', at: at(2) } },
      first,
      first,
    ]);
    expect(results.map(summary)).toEqual(['status:false', 'message:false', 'message:true']);
    const [conversation] = (await hub.conversations.list()).items;
    const [message] = (await hub.conversations.messages(conversation!.id)).items;
    expect(message!.status).toBe('delivered');
  });

  it('an invalid event is rejected alone, with its typed error, and the others are stored', async () => {
    const hub = newHub();
    const results = await hub.ingestMany([
      msg('sms', phone('+14155550100'), 1, 'one', { external: { id: 'SM1' } }),
      { type: 'message', message: { channel: 'sms' } } as unknown as InboundEvent,
      msg('sms', phone('not a phone'), 1, 'bad number', { external: { id: 'SM2' } }),
      msg('sms', phone('+14155550100'), 2, 'two', { external: { id: 'SM3' } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const second = results[2];
    expect(second?.status === 'rejected' && isValidationError(second.reason)).toBe(true);
    expect(second?.status === 'rejected' && String(second.reason.message)).toMatch(/message\.from/);
    const [conversation] = (await hub.conversations.list()).items;
    expect((await hub.conversations.messages(conversation!.id)).items.map((m) => m.text)).toEqual([
      'one',
      'two',
    ]);
  });

  it('an event that fails inside the store fails alone: its batch is redone one event at a time', async () => {
    const failing: PlacementRule = {
      name: 'refuses-poison',
      async place(context) {
        if (context.message.text === 'poison') throw new Error('placement failed');
        return undefined;
      },
    };
    const { store, calls } = spyingStore();
    const { defaultRules } = await import('../placement/rules.js');
    const hub = newHub(store, [failing, ...defaultRules()]);
    const events = [1, 2, 3].map((n) =>
      msg('sms', phone('+14155550100'), n, n === 2 ? 'poison' : `m${n}`, { external: { id: `SM${n}` } }),
    );
    const results = await hub.ingestMany(events, { batchSize: 10 });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]?.status === 'rejected' && results[1].reason.message).toBe('placement failed');
    // One batch transaction that rolled back, then one per event.
    expect(calls.transactions).toBe(4);
    const [conversation] = (await hub.conversations.list()).items;
    expect((await hub.conversations.messages(conversation!.id)).items.map((m) => m.text)).toEqual([
      'm1',
      'm3',
    ]);
  });

  it('locks every key of a batch at once, sorted, and prefetches what the batch will read', async () => {
    const { store, calls } = spyingStore();
    const hub = newHub(store);
    await hub.ingestMany(
      [
        msg('sms', phone('+14155550101'), 1, 'a', { external: { id: 'SM1' } }),
        msg('email', email('Ann@Example.org'), 1, 'b', {
          external: { id: '<b@example.org>' },
          thread: { keys: ['email:b@example.org'], refs: ['email:a@example.org'] },
        }),
        { type: 'status', status: { channel: 'sms', externalId: 'SM9', status: 'sent', at: at(1) } },
      ],
      { batchSize: 3 },
    );
    expect(calls.transactions).toBe(1);
    const first = calls.locks[0]!;
    expect(first).toEqual([...first].sort());
    expect(first).toEqual(
      expect.arrayContaining([
        'msg:sms:SM1',
        'msg:sms:SM9',
        'msg:email:<b@example.org>',
        'thread:email:b@example.org',
        'thread:email:a@example.org',
      ]),
    );
    expect(calls.prefetches).toHaveLength(1);
    const hint = calls.prefetches[0]!;
    expect(hint.threadKeys).toEqual(['email:b@example.org', 'email:a@example.org']);
    expect(hint.messages).toEqual([
      { channel: 'sms', externalId: 'SM1' },
      { channel: 'email', externalId: '<b@example.org>' },
      { channel: 'sms', externalId: 'SM9' },
    ]);
    // Identity keys as the store indexes them (normalized), each key once.
    expect(hint.identityKeys).toHaveLength(2);
    expect(hint.identityKeys.some((k) => k.includes('ann@example.org'))).toBe(true);
  });

  it('a webhook carrying several events ingests them in one transaction; an invalid one is kept as rejected', async () => {
    const { store, calls } = spyingStore();
    const events: unknown[] = [
      msg('whatsapp', wa('+14155550100'), 1, 'first', { external: { id: 'wamid.1' } }),
      { type: 'message', message: { channel: 'whatsapp', text: 'no sender', raw: { id: 'wamid.2' } } },
      { type: 'status', status: { channel: 'whatsapp', externalId: 'wamid.1', status: 'read', at: at(2) } },
    ];
    const hub = createHub({
      store,
      adapters: [
        {
          channel: 'whatsapp',
          capabilities: {
            media: true,
            templates: true,
            reactions: true,
            edits: false,
            readReceipts: true,
            threaded: false,
            identityKinds: ['whatsapp'],
          },
          parse: () => events as InboundEvent[],
          handle: async () => ({ events: events as InboundEvent[], response: new Response('ok') }),
          send: async () => ({ externalId: 'x', status: 'sent' }),
        },
      ],
    });
    const response = await hub.handle(new Request('https://app.test/webhooks/whatsapp', { method: 'POST' }));
    expect(response.status).toBe(200);
    expect(calls.transactions).toBe(1);
    const [conversation] = (await hub.conversations.list()).items;
    const [message] = (await hub.conversations.messages(conversation!.id)).items;
    expect(message).toMatchObject({ text: 'first', status: 'read' });
    const [rejected] = (await hub.rejected.list()).items;
    expect(rejected).toMatchObject({
      channel: 'whatsapp',
      raw: { id: 'wamid.2' },
      error: { code: 'VALIDATION' },
    });
  });

  it('refuses a batch size that is not a positive integer up to 10,000', async () => {
    const hub = newHub();
    for (const batchSize of [0, -1, 1.5, 10_001, Number.NaN])
      await expect(hub.ingestMany([], { batchSize })).rejects.toThrow(/batchSize/);
    expect(await hub.ingestMany([])).toEqual([]);
  });
});
