import assert from 'node:assert/strict';
import { createHub } from '../hub/hub.js';
import type { ConversationStatus } from '../model/conversation.js';
import type { Page, Store } from '../store/contract.js';
import { encodeCursor } from '../store/pagination.js';
import type { ConformanceCase } from './cases.js';
import { inboundMessage } from './fixtures.js';

// Text a database may not hold as JavaScript does: PostgreSQL keeps neither U+0000 nor half a
// surrogate pair (each becomes U+FFFD), so two keys that differ only there are one key in it. A
// store may merge such keys or keep them apart, but every ingest must succeed and be found again.

const T = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();

/** A key, and the same key with what a database may replace: U+0000, U+FFFD, half a surrogate pair. */
const twins = (base: string) => [base, `${base}\u0000`, `${base}\ufffd`, `${base}\ud800`, `${base}\udc00`];

/** `length` characters spread over the BMP by a seeded generator: nothing a database compresses. */
function noise(seed: number, length: number): string {
  let x = seed * 0x9e3779b1;
  const units: number[] = [];
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    units.push(0x21 + ((x >>> 0) % 0xd000));
  }
  return String.fromCharCode(...units);
}

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
    c(
      'pages from a cursor holding U+0000 or half a surrogate pair, and lists by an unknown status',
      async (store) => {
        const hub = createHub({ store, clock: () => new Date(T(100)) });
        for (const n of [1, 2, 3])
          await hub.ingest(
            inboundMessage({
              channel: 'sms',
              from: { kind: 'custom', value: `sender ${n}` },
              sentAt: T(n),
              text: 'hello',
              external: { id: `cursor-${n}` },
            }),
          );
        await store.insertRejected({
          id: 'rej_1',
          channel: 'sms',
          receivedAt: T(1),
          error: { code: 'VALIDATION', message: 'bad' },
          raw: 'x',
        });
        // Before and after every stored timestamp, whatever a store makes of the character at the end.
        for (const tail of ['\u0000', '\ud800']) {
          const [before, after] = [
            encodeCursor(`2025${tail}`, `x${tail}`),
            encodeCursor(`2027${tail}`, `x${tail}`),
          ];
          const ids = (page: Page<{ id: string }>) => page.items.map((item) => item.id);
          assert.deepEqual(
            ids(await store.listContacts({ cursor: before, limit: 2 })),
            ids(await store.listContacts({ limit: 2 })),
          );
          assert.deepEqual(ids(await store.listContacts({ cursor: after })), []);
          assert.equal(ids(await store.listConversations({ cursor: after })).length, 3);
          assert.deepEqual(ids(await store.listConversations({ cursor: before })), []);
          assert.equal(ids(await store.searchMessages('hello', { cursor: after })).length, 3);
          assert.deepEqual(ids(await store.listRejected({ cursor: before })), ['rej_1']);
        }
        // A status from an app's query string, not one of the model's.
        const unknown = 'open\u0000' as ConversationStatus;
        assert.deepEqual((await store.listConversations({ status: unknown })).items, []);
      },
    ),
    c('searches with a query of thousands of words: a message must hold every one', async (store) => {
      const hub = createHub({ store, clock: () => new Date(T(100)) });
      const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ');
      for (const [id, text] of [
        ['all', words(8_000)],
        ['some', words(100)],
      ] as const)
        await hub.ingest(
          inboundMessage({
            channel: 'sms',
            from: { kind: 'custom', value: id },
            sentAt: T(1),
            text,
            external: { id },
          }),
        );
      const found = async (query: string) =>
        (await store.searchMessages(query)).items.map((m) => m.external.id).sort();
      assert.deepEqual(await found(words(8_000)), ['all']);
      assert.deepEqual(await found(words(100)), ['all', 'some']);
      assert.deepEqual(await found(`${words(100)} w8000`), []);
      // Past what a database may parse as one query: 60,000 words, or 1.2 MB of long ones.
      assert.deepEqual(await found(words(60_000)), []);
      assert.deepEqual(
        await found(Array.from({ length: 600 }, (_, i) => `${'q'.repeat(2_000)}${i}`).join(' ')),
        [],
      );
    }),
    c('keeps external ids, thread keys and channels of thousands of characters', async (store) => {
      const hub = createHub({ store, clock: () => new Date(T(100)) });
      const [channel, id, threadKey] = [noise(1, 3_000), noise(2, 3_000), noise(3, 3_000)];
      const from = { kind: 'custom', value: 'long keys' };
      const status = await hub.ingest({
        type: 'status',
        status: { channel, externalId: id, status: 'delivered', at: T(2) },
      });
      assert.equal(status.type, 'status');
      const event = inboundMessage({
        channel,
        from,
        sentAt: T(1),
        external: { id },
        thread: { keys: [threadKey] },
      });
      const first = await hub.ingest(event);
      assert.ok(first.type === 'message' && !first.duplicate);
      assert.equal(first.message.status, 'delivered', 'the status that came first is applied');
      const again = await hub.ingest(event);
      assert.equal(again.type === 'message' && again.duplicate, true, 'the same event again is a duplicate');
      const other = await hub.ingest(
        inboundMessage({
          channel,
          from,
          sentAt: T(3),
          external: { id: `${id}x` },
          thread: { keys: [], refs: [threadKey] },
        }),
      );
      assert.ok(
        other.type === 'message' && !other.duplicate,
        'an id longer by one character is another message',
      );
      assert.equal(other.conversation.id, first.conversation.id, 'a reply to the long thread key joins it');
      assert.equal((await store.findMessageByExternalId(channel, id))?.id, first.message.id);
      // A batch loads what it needs up front (prefetch): the status kept for one of its messages too.
      await hub.ingest({
        type: 'status',
        status: { channel, externalId: `${id}y`, status: 'read', at: T(5) },
      });
      const batch = await hub.ingestMany(
        [`${id}y`, `${id}z`].map((externalId) =>
          inboundMessage({
            channel,
            from,
            sentAt: T(4),
            external: { id: externalId },
            thread: { keys: [], refs: [threadKey] },
          }),
        ),
      );
      assert.deepEqual(
        batch.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
      );
      const late = await store.findMessageByExternalId(channel, `${id}y`);
      assert.equal(late?.status, 'read');
      assert.equal(late?.conversationId, first.conversation.id);
      if (store.listMessageChannels) {
        const page = await store.listMessageChannels(first.conversation.id);
        assert.deepEqual(
          page.items.map((m) => m.channel),
          [channel, channel, channel, channel],
        );
      }
    }),
  ];
}
