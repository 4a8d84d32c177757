import { createHub, memoryStore, type Store } from '@omnithread/core';
import { pgliteStore } from '@omnithread/postgres';
import { describe, expect, it } from 'vitest';
import { deliveries, JOURNEY_NOW, journeyEvents } from '../harness/journey.mjs';
import { snapshot } from './helpers/snapshot.js';

const JOURNEY = { phoneCustomers: 12, emailThreads: 6 };

async function ingest(store: Store, batchSize?: number) {
  const hub = createHub({ store, clock: () => JOURNEY_NOW });
  // Replies before parents, statuses before messages, every fourth event twice.
  const events = deliveries(journeyEvents(JOURNEY), { seed: 11, duplicateEvery: 4 });
  if (batchSize === undefined) {
    for (const event of events) await hub.ingest(event);
    return;
  }
  const results = await hub.ingestMany(events, { batchSize });
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  return events.length;
}

/** The store, counting its transactions (a batch that failed would be redone one event at a time). */
function counting(store: Store) {
  const counted = { store: { ...store } as Store, transactions: 0 };
  counted.store.transaction = (fn) => {
    counted.transactions++;
    return store.transaction(fn);
  };
  return counted;
}

// The same transactions on the embedded driver: no pipelining, every statement awaited in turn.
describe('pgliteStore with hub.ingestMany', () => {
  it('ends as one event a transaction on memoryStore, whatever the batch size', async () => {
    const reference = memoryStore();
    await ingest(reference);
    const expected = await snapshot(reference);
    expect(expected.messages).toBe(JOURNEY.phoneCustomers * 6 + JOURNEY.emailThreads * 3);
    for (const batchSize of [7, 100]) {
      const store = await pgliteStore();
      try {
        const counted = counting(store);
        const events = await ingest(counted.store, batchSize);
        expect(counted.transactions).toBe(Math.ceil(Number(events) / batchSize));
        expect(await snapshot(store)).toEqual(expected);
      } finally {
        await store.close();
      }
    }
  }, 120_000);
});
