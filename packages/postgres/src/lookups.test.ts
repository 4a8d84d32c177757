import { makeContact } from '@omnithread/core/testing';
import { describe, expect, it } from 'vitest';
import { prefetch } from './lookups.js';
import type { QueryRunner } from './runner.js';
import { TransactionState } from './tx-state.js';

/** A runner answering by statement, recording what it was sent. */
function fakeRunner(answer: (sql: string, call: number) => unknown[]) {
  const sent: { sql: string; params: readonly unknown[] }[] = [];
  const runner: QueryRunner = {
    pipelined: true,
    async query<R>(sql: string, params: readonly unknown[] = []) {
      sent.push({ sql, params });
      return answer(sql, sent.filter((s) => s.sql === sql).length) as R[];
    },
  };
  return { runner, sent };
}

const isOwnerLocks = (sql: string) => sql.startsWith('SELECT o.contact_id');
const isRead = (sql: string) => sql.startsWith('WITH\n  owner_rows');
const isLock = (sql: string) => sql.includes('count(pg_advisory_xact_lock');

describe('prefetch', () => {
  it('locks an owner that changed between its two statements, then reads again behind the lock', async () => {
    // The key's owner was ct_a when the locks were taken; a merge moved it to ct_b before the read.
    const survivor = makeContact({ id: 'ct_b' });
    const { runner, sent } = fakeRunner((sql) => {
      if (isOwnerLocks(sql)) return [{ contact_id: 'ct_a', waited: false }];
      if (isRead(sql))
        return [
          { kind: 'owner', a: 'phone:+14155550100', b: 'ct_b', data: null, raw: null, n: null },
          { kind: 'contact', a: 'ct_b', b: null, data: survivor, raw: null, n: null },
        ];
      if (isLock(sql)) return [{ locked: 1 }];
      throw new Error(`unexpected ${sql}`);
    });
    const state = new TransactionState();
    const held = new Set<string>();
    await prefetch(
      runner,
      state,
      { identityKeys: ['phone:+14155550100'], threadKeys: [], messages: [] },
      held,
    );
    expect(sent.map((s) => (isOwnerLocks(s.sql) ? 'owners' : isRead(s.sql) ? 'read' : 'lock'))).toEqual([
      'owners',
      'read',
      'lock',
      'read',
    ]);
    expect(sent[2]!.params).toEqual([JSON.stringify(['contact:ct_b'])]);
    expect(held).toEqual(new Set(['contact:ct_a', 'contact:ct_b']));
    expect(state.owners.get('phone:+14155550100')).toBe('ct_b');
    expect(state.contacts.get('ct_b')).toEqual(survivor);
    expect(state.conversationsOf.get('ct_b')).toEqual(new Set());
  });

  it('remembers what it did not find, and asks nothing about what the transaction already knows', async () => {
    const { runner, sent } = fakeRunner((sql) => {
      if (isRead(sql)) return [];
      throw new Error(`unexpected ${sql}`);
    });
    const state = new TransactionState();
    state.writeOwner('phone:+14155550101', 'ct_known');
    const hint = {
      identityKeys: ['phone:+14155550101'],
      threadKeys: ['email:<t1@x>'],
      messages: [{ channel: 'sms', externalId: 'SM1' }],
    };
    await prefetch(runner, state, hint, new Set());
    // The known key is not sent, so no owner locks either: one statement.
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params.slice(0, 3)).toEqual([
      '[]',
      JSON.stringify(['email:<t1@x>']),
      JSON.stringify([{ channel: 'sms', external_id: 'SM1' }]),
    ]);
    expect(state.threads.get('email:<t1@x>')).toBeNull();
    expect(state.messageByExternal('sms', 'SM1')).toBeNull();
    expect(state.pendingOf('sms', 'SM1')).toEqual([]);
    await prefetch(runner, state, hint, new Set());
    expect(sent).toHaveLength(1);
  });
});
