import { describe, expect, it } from 'vitest';
import type { Driver, QueryRunner } from './runner.js';
import { createSqlStore } from './sql-store.js';

/** A driver that records each statement and answers none of them with rows. */
function recordingDriver(inProcess: boolean) {
  const sent: string[] = [];
  const runner: QueryRunner = {
    async query(sql) {
      sent.push(sql);
      return [];
    },
  };
  const driver: Driver = {
    ...runner,
    inProcess,
    transaction: (fn) => fn(runner),
    withMigrationLock: (fn) => fn(runner),
    close: async () => undefined,
  };
  return { driver, sent };
}

const hint = (messages: number) => ({
  identityKeys: ['phone:+14155550100'],
  threadKeys: [],
  messages: Array.from({ length: messages }, (_, i) => ({ channel: 'sms', externalId: `SM${i}` })),
});

describe('createSqlStore prefetch', () => {
  it('in process (PGlite), skips the prefetch of a single event and runs a batch’s', async () => {
    const { driver, sent } = recordingDriver(true);
    const store = createSqlStore(driver);
    await store.transaction(async (tx) => tx.prefetch?.(hint(1)));
    expect(sent).toEqual([]);
    await store.transaction(async (tx) => tx.prefetch?.(hint(2)));
    expect(sent.length).toBeGreaterThan(0);
  });
  it('over a network (PostgreSQL), prefetches a single event too', async () => {
    const { driver, sent } = recordingDriver(false);
    const store = createSqlStore(driver);
    await store.transaction(async (tx) => tx.prefetch?.(hint(1)));
    expect(sent.length).toBeGreaterThan(0);
  });
});
