import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../adapter.js';
import { isConfigurationError, isValidationError } from '../errors.js';
import type { Store } from '../store/contract.js';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { canonical, fakeAdapter, msg, phone } from './test-helpers.js';

/** A memory store whose commits take a few milliseconds (as a durable one's do), counting messages per transaction. */
function slowStore(): { store: Store; batches: number[] } {
  const base = memoryStore();
  const batches: number[] = [];
  const store: Store = {
    ...base,
    transaction: (fn) =>
      base.transaction(async (tx) => {
        let messages = 0;
        const result = await fn({
          ...tx,
          insertMessage: (m) => {
            messages++;
            return tx.insertMessage(m);
          },
        });
        await new Promise((r) => setTimeout(r, 3));
        batches.push(messages);
        return result;
      }),
  };
  return { store, batches };
}

const customer = (n: number) => phone(`+1415555${String(1000 + (n % 20)).padStart(4, '0')}`);
const event = (n: number) => msg('sms', customer(n), n / 60, `message ${n}`, { external: { id: `gc-${n}` } });

describe('group commit', () => {
  it('events arriving during a commit share the next one, each with its own result', async () => {
    const { store, batches } = slowStore();
    const hub = createHub({ store, groupCommit: true });
    const results = await Promise.all(Array.from({ length: 60 }, (_, n) => hub.ingest(event(n))));
    results.forEach((r, n) => {
      if (r.type !== 'message') throw new Error('expected a message');
      expect(r.message.external.id).toBe(`gc-${n}`);
      expect(r.duplicate).toBe(false);
    });
    // The first is written alone at once; the other 59 waited for it and went together.
    expect(batches).toEqual([1, 59]);

    // The same events one transaction each end in the same contacts and conversations.
    const plain = createHub({ store: memoryStore() });
    for (let n = 0; n < 60; n++) await plain.ingest(event(n));
    expect(await canonical(hub)).toEqual(await canonical(plain));
    expect((await canonical(hub)).contacts).toHaveLength(20);
  });

  it('keeps batches within maxBatch, and a lone event waits for nothing', async () => {
    const { store, batches } = slowStore();
    const hub = createHub({ store, groupCommit: { maxBatch: 10 } });
    await hub.ingest(event(0));
    expect(batches).toEqual([1]);
    await Promise.all(Array.from({ length: 45 }, (_, n) => hub.ingest(event(n + 1))));
    expect(batches.slice(1)).toEqual([1, 10, 10, 10, 10, 4]);
  });

  it('an invalid event fails alone; a retry in the same batch is a duplicate', async () => {
    const { store } = slowStore();
    const hub = createHub({ store, groupCommit: true });
    const invalid = msg('sms', phone('not a phone'), 0, 'bad', { external: { id: 'gc-bad' } });
    const settled = await Promise.allSettled([
      hub.ingest(event(1)),
      hub.ingest(event(2)),
      hub.ingest(invalid),
      hub.ingest(event(2)),
      hub.ingest(event(3)),
    ]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(isValidationError((settled[2] as PromiseRejectedResult).reason)).toBe(true);
    const [, second, , retry] = settled as PromiseFulfilledResult<{ type: string; duplicate?: boolean }>[];
    expect(second!.value.duplicate).toBe(false);
    expect(retry!.value.duplicate).toBe(true);
    expect((await hub.conversations.list()).items.length).toBeGreaterThan(0);
  });

  it('answers each webhook after the commit that holds its events, keeping an unusable one as rejected', async () => {
    const { store, batches } = slowStore();
    const adapter: ChannelAdapter = {
      ...fakeAdapter('sms'),
      async handle(request) {
        const body = await request.text();
        const events = body === 'bad' ? [msg('sms', phone('nope'), 0, body)] : [event(Number(body))];
        return { response: new Response('<Response/>', { status: 200 }), events };
      },
    };
    const hub = createHub({ store, adapters: [adapter], groupCommit: true });
    const post = (body: string) =>
      hub.handle(new Request('https://app.example.com/webhooks/sms', { method: 'POST', body }));
    const responses = await Promise.all([post('1'), post('2'), post('bad'), post('3'), post('2')]);
    // The invalid event is kept as rejected; the provider is answered as usual, so it does not retry.
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // Five requests, four commits' worth of messages (the retry of 2 stores nothing) in fewer commits.
    expect(batches.reduce((a, b) => a + b, 0)).toBe(3);
    expect(batches.length).toBeLessThan(4);
    expect((await hub.rejected.list()).items).toMatchObject([
      { channel: 'sms', error: { code: 'VALIDATION' } },
    ]);
    const stored = (await canonical(hub)).conversations.join(' ');
    for (const id of ['gc-1', 'gc-2', 'gc-3']) expect(stored).toContain(`${id}:received`);
  });

  it('refuses a maxBatch it cannot use, naming the setting', () => {
    for (const maxBatch of [0, 1.5, 10_001]) {
      let error: unknown;
      try {
        createHub({ store: memoryStore(), groupCommit: { maxBatch } });
      } catch (thrown) {
        error = thrown;
      }
      expect(isConfigurationError(error)).toBe(true);
      expect((error as Error).message).toContain('maxBatch');
    }
  });
});
