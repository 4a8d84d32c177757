import assert from 'node:assert/strict';
import { createHub } from '../hub/hub.js';
import type { Store } from '../store/contract.js';
import type { ConformanceCase } from './cases.js';
import { inboundMessage } from './fixtures.js';

// Text a database may not hold as JavaScript does: PostgreSQL keeps neither U+0000 nor half a
// surrogate pair (each becomes U+FFFD), so two keys that differ only there are one key in it. A
// store may merge such keys or keep them apart, but every ingest must succeed and be found again.

const T = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();

/** A key, and the same key with what a database may replace: U+0000, U+FFFD, half a surrogate pair. */
const twins = (base: string) => [base, `${base}\u0000`, `${base}\ufffd`, `${base}\ud800`, `${base}\udc00`];

export function textCases(c: (name: string, body: (store: Store) => Promise<void>) => ConformanceCase) {
  return [
    c(
      'ingests thread keys and identities that differ only by U+0000 or half a surrogate pair',
      async (store) => {
        const hub = createHub({ store, clock: () => new Date(T(100)) });
        const event = inboundMessage({
          channel: 'sms',
          from: { kind: 'custom', value: 'v\ud800' },
          sentAt: T(1),
          external: { id: 'x\ud800' },
          thread: { keys: twins('t'), refs: twins('r') },
          links: twins('v').map((value) => ({
            identity: { kind: 'custom', value },
            trust: 'provider' as const,
          })),
        });
        const first = await hub.ingest(event);
        assert.equal(first.type, 'message');
        const again = await hub.ingest(event);
        assert.equal(
          again.type === 'message' && again.duplicate,
          true,
          'the same event again is a duplicate',
        );
        const reply = await hub.ingest(
          inboundMessage({
            channel: 'sms',
            from: { kind: 'custom', value: 'someone else' },
            sentAt: T(2),
            external: { id: 'y' },
            thread: { keys: [], refs: ['t\udc00'] },
          }),
        );
        assert.ok(first.type === 'message' && reply.type === 'message');
        assert.equal(
          reply.conversation.id,
          first.conversation.id,
          'a reply to one of the keys joins its thread',
        );
      },
    ),
    c('finds a sender again by an identity holding U+0000 or half a surrogate pair', async (store) => {
      const hub = createHub({ store, clock: () => new Date(T(100)) });
      for (const value of ['n\u0000', 'h\ud800']) {
        for (const n of [1, 2])
          await hub.ingest(
            inboundMessage({
              channel: 'sms',
              from: { kind: 'custom', value },
              sentAt: T(n),
              external: { id: `${value}-${n}` },
            }),
          );
        assert.ok(await hub.contacts.findByIdentity({ kind: 'custom', value }), 'found by its identity');
      }
      assert.equal((await store.listContacts()).items.length, 2, 'one contact for each sender');
      assert.equal((await store.listConversations()).items.length, 2, 'one conversation for each sender');
    }),
  ];
}
