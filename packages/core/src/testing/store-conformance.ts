import assert from 'node:assert/strict';
import { createHub } from '../hub/hub.js';
import type { MessageChannel, Page, Store } from '../store/contract.js';
import { encodeCursor } from '../store/pagination.js';
import type { ConformanceCase } from './cases.js';
import { inboundMessage, makeContact, makeConversation, makeMessage } from './fixtures.js';
import { textCases } from './store-conformance-text.js';

export interface StoreConformanceOptions {
  /** A fresh, empty store for each case. */
  create(): Promise<Store> | Store;
  /** Called after each case (the store is closed first). */
  destroy?(store: Store): Promise<void> | void;
}

function storeCase(
  options: StoreConformanceOptions,
  name: string,
  body: (store: Store) => Promise<void>,
): ConformanceCase {
  return {
    name,
    async run() {
      const store = await options.create();
      try {
        await body(store);
      } finally {
        await store.close();
        await options.destroy?.(store);
      }
    },
  };
}

const T = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();

/**
 * The checks every `Store` must pass: the contract's reads and writes, pagination, search,
 * rollback, and the hub's ingest rules running on top of it (dedup, concurrency).
 *
 * @example
 * ```ts
 * import { storeConformanceCases } from '@omnithread/core/testing';
 * describe('my store', () => {
 *   for (const c of storeConformanceCases({ create: () => myStore() })) it(c.name, c.run);
 * });
 * ```
 */
export function storeConformanceCases(options: StoreConformanceOptions): ConformanceCase[] {
  const c = (name: string, body: (store: Store) => Promise<void>) => storeCase(options, name, body);
  return [
    c('stores, reads and updates contacts', async (store) => {
      const contact = makeContact({
        name: 'Ada',
        identities: [{ kind: 'email', value: 'ada@x.org', trust: 'provider', addedAt: T(0) }],
      });
      await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.claimIdentityKeys(contact.id, ['email:ada@x.org']);
      });
      assert.deepEqual(await store.getContact(contact.id), contact);
      assert.equal(
        (await store.findContactIdsByIdentityKeys(['email:ada@x.org', 'email:nobody@x.org'])).get(
          'email:ada@x.org',
        ),
        contact.id,
      );
      assert.equal((await store.findContactIdsByIdentityKeys(['email:nobody@x.org'])).size, 0);
      await store.transaction((tx) => tx.updateContact({ ...contact, name: 'Ada L.' }));
      assert.equal((await store.getContact(contact.id))?.name, 'Ada L.');
      assert.equal(await store.getContact('missing'), undefined);
    }),
    c('moves an identity key to another contact when claimed again', async (store) => {
      const a = makeContact({ createdAt: T(0) });
      const b = makeContact({ createdAt: T(1) });
      await store.transaction(async (tx) => {
        await tx.insertContact(a);
        await tx.insertContact(b);
        await tx.claimIdentityKeys(b.id, ['phone:+14155550100']);
        await tx.claimIdentityKeys(a.id, ['phone:+14155550100']);
      });
      assert.equal(
        (await store.findContactIdsByIdentityKeys(['phone:+14155550100'])).get('phone:+14155550100'),
        a.id,
      );
      const page = await store.listContacts();
      assert.deepEqual(
        page.items.map((x) => x.id),
        [a.id, b.id],
      );
    }),
    c('rolls a failed transaction back entirely', async (store) => {
      const contact = makeContact();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertContact(contact);
          await tx.claimIdentityKeys(contact.id, ['email:gone@x.org']);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.getContact(contact.id), undefined);
      assert.equal((await store.findContactIdsByIdentityKeys(['email:gone@x.org'])).size, 0);
    }),
    c('dedups messages on (channel, external id) and finds them by it', async (store) => {
      const contact = makeContact();
      const conversation = makeConversation({ contactIds: [contact.id] });
      const first = makeMessage({
        conversationId: conversation.id,
        contactId: contact.id,
        external: { id: 'SM1' },
      });
      const again = makeMessage({
        conversationId: conversation.id,
        contactId: contact.id,
        external: { id: 'SM1' },
      });
      const otherChannel = makeMessage({
        conversationId: conversation.id,
        contactId: contact.id,
        channel: 'whatsapp',
        external: { id: 'SM1' },
      });
      const results = await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.insertConversation(conversation);
        return [
          await tx.insertMessage(first),
          await tx.insertMessage(again),
          await tx.insertMessage(otherChannel),
        ];
      });
      assert.deepEqual(results, [true, false, true]);
      assert.equal((await store.findMessageByExternalId('sms', 'SM1'))?.id, first.id);
      assert.equal((await store.findMessageByExternalId('whatsapp', 'SM1'))?.id, otherChannel.id);
      assert.deepEqual(await store.getMessage(first.id), first);
    }),
    c('re-indexes a message whose external id changed', async (store) => {
      const contact = makeContact();
      const conversation = makeConversation({ contactIds: [contact.id] });
      const m = makeMessage({
        conversationId: conversation.id,
        contactId: contact.id,
        external: { id: 'pending:1' },
      });
      await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.insertConversation(conversation);
        await tx.insertMessage(m);
        await tx.updateMessage({ ...m, external: { id: 'SM42' }, status: 'sent' });
      });
      assert.equal((await store.findMessageByExternalId('sms', 'SM42'))?.status, 'sent');
      assert.equal(await store.findMessageByExternalId('sms', 'pending:1'), undefined);
    }),
    c('lists a conversation’s messages in time order with cursors', async (store) => {
      const contact = makeContact();
      const conversation = makeConversation({ contactIds: [contact.id] });
      const messages = [5, 1, 3, 2, 4].map((n) =>
        makeMessage({ conversationId: conversation.id, contactId: contact.id, sentAt: T(n), text: `m${n}` }),
      );
      await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.insertConversation(conversation);
        for (const m of messages) await tx.insertMessage(m);
      });
      const first = await store.listMessages(conversation.id, { limit: 2 });
      assert.deepEqual(
        first.items.map((m) => m.text),
        ['m1', 'm2'],
      );
      assert.ok(first.nextCursor);
      const second = await store.listMessages(conversation.id, { limit: 2, cursor: first.nextCursor! });
      assert.deepEqual(
        second.items.map((m) => m.text),
        ['m3', 'm4'],
      );
      const third = await store.listMessages(conversation.id, { limit: 2, cursor: second.nextCursor! });
      assert.deepEqual(
        third.items.map((m) => m.text),
        ['m5'],
      );
      assert.equal(third.nextCursor, undefined);
      // Cursors are the shared keyset form (pagination.ts): the hub builds one to resume after a message.
      const m2 = messages.find((m) => m.text === 'm2')!;
      const resumed = await store.listMessages(conversation.id, { cursor: encodeCursor(m2.sentAt, m2.id) });
      assert.deepEqual(
        resumed.items.map((m) => m.text),
        ['m3', 'm4', 'm5'],
      );
    }),
    c(
      'lists a conversation’s message channels (optional) as its messages, with the same cursors',
      async (store) => {
        const listChannels = store.listMessageChannels?.bind(store);
        if (!listChannels) return; // Optional: the hub then reads whole messages instead.
        const contact = makeContact();
        const conversation = makeConversation({ contactIds: [contact.id] });
        const other = makeConversation({ contactIds: [contact.id] });
        // Two messages share a time, so the id decides their order, as it does for listMessages.
        const messages = [
          { n: 3, channel: 'whatsapp' },
          { n: 1, channel: 'sms' },
          { n: 2, channel: 'email' },
          { n: 2, channel: 'sms' },
          { n: 4, channel: 'voice' },
        ].map(({ n, channel }) =>
          makeMessage({ conversationId: conversation.id, contactId: contact.id, sentAt: T(n), channel }),
        );
        await store.transaction(async (tx) => {
          await tx.insertContact(contact);
          await tx.insertConversation(conversation);
          await tx.insertConversation(other);
          for (const m of messages) await tx.insertMessage(m);
          await tx.insertMessage(
            makeMessage({ conversationId: other.id, contactId: contact.id, sentAt: T(2) }),
          );
        });
        const whole = await store.listMessages(conversation.id);
        const expected = whole.items.map(({ id, channel, sentAt }) => ({ id, channel, sentAt }));
        assert.equal(expected.length, 5);
        const seen: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page: Page<MessageChannel> = await listChannels(
            conversation.id,
            cursor ? { limit: 2, cursor } : { limit: 2 },
          );
          // The same cursor resumes listMessages at the same place.
          if (page.nextCursor) {
            const resumed = await store.listMessages(conversation.id, { limit: 1, cursor: page.nextCursor });
            assert.equal(resumed.items[0]?.id, expected[seen.length + page.items.length]?.id);
          }
          seen.push(...page.items.map((m) => ({ ...m })));
          cursor = page.nextCursor;
        } while (cursor);
        assert.deepEqual(seen, expected);
        const m2 = expected[1]!;
        const after = await listChannels(conversation.id, {
          cursor: encodeCursor(m2.sentAt, m2.id),
        });
        assert.deepEqual(
          after.items.map((m) => m.id),
          expected.slice(2).map((m) => m.id),
        );
        assert.deepEqual((await listChannels('cv_missing')).items, []);
      },
    ),
    c('lists conversations by last activity, filtered and paginated, without tombstones', async (store) => {
      const contact = makeContact();
      const other = makeContact();
      const convs = [
        makeConversation({ contactIds: [contact.id], lastMessageAt: T(10) }),
        makeConversation({ contactIds: [contact.id], lastMessageAt: T(30), status: 'closed' }),
        makeConversation({ contactIds: [other.id], lastMessageAt: T(20) }),
        makeConversation({ contactIds: [contact.id], lastMessageAt: T(40), mergedInto: 'elsewhere' }),
      ];
      await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.insertContact(other);
        for (const cv of convs) await tx.insertConversation(cv);
      });
      const all = await store.listConversations();
      assert.deepEqual(
        all.items.map((x) => x.id),
        [convs[1]!.id, convs[2]!.id, convs[0]!.id],
      );
      const page1 = await store.listConversations({ limit: 1 });
      const page2 = await store.listConversations({ limit: 1, cursor: page1.nextCursor! });
      assert.deepEqual(
        [...page1.items, ...page2.items].map((x) => x.id),
        [convs[1]!.id, convs[2]!.id],
      );
      assert.deepEqual(
        (await store.listConversations({ status: 'open' })).items.map((x) => x.id),
        [convs[2]!.id, convs[0]!.id],
      );
      assert.deepEqual(
        (await store.listConversations({ contactId: other.id })).items.map((x) => x.id),
        [convs[2]!.id],
      );
      const ofContact = await store.listConversationsOfContacts([contact.id], {
        statuses: ['open', 'pending'],
      });
      assert.deepEqual(
        ofContact.map((x) => x.id),
        [convs[0]!.id],
      );
    }),
    c('maps thread keys to one conversation and moves them on claim', async (store) => {
      const a = makeConversation();
      const b = makeConversation();
      await store.transaction(async (tx) => {
        await tx.insertConversation(a);
        await tx.insertConversation(b);
        await tx.claimThreadKeys(a.id, ['email:1@x', 'email:2@x']);
        await tx.claimThreadKeys(b.id, ['email:3@x']);
      });
      assert.deepEqual((await store.findConversationIdsByThreadKeys(['email:2@x', 'email:9@x'])).sort(), [
        a.id,
      ]);
      await store.transaction((tx) => tx.claimThreadKeys(b.id, ['email:2@x']));
      assert.deepEqual(
        (await store.findConversationIdsByThreadKeys(['email:1@x', 'email:2@x'])).sort(),
        [a.id, b.id].sort(),
      );
    }),
    c('moves every thread key of one conversation to another, in the same transaction', async (store) => {
      const a = makeConversation();
      const b = makeConversation();
      const c3 = makeConversation();
      await store.transaction(async (tx) => {
        await tx.insertConversation(a);
        await tx.insertConversation(b);
        await tx.insertConversation(c3);
        await tx.claimThreadKeys(a.id, ['wa:1', 'wa:2']);
        await tx.claimThreadKeys(b.id, ['wa:3']);
        await tx.claimThreadKeys(c3.id, ['wa:9']);
      });
      await store.transaction(async (tx) => {
        // Claimed and read in the same transaction as the move: a store that defers writes must see both.
        await tx.claimThreadKeys(a.id, ['wa:4']);
        assert.deepEqual(await tx.findConversationIdsByThreadKeys(['wa:1']), [a.id]);
        await tx.moveThreadKeys(a.id, b.id);
        assert.deepEqual(await tx.findConversationIdsByThreadKeys(['wa:1', 'wa:2', 'wa:3', 'wa:4']), [b.id]);
        await tx.claimThreadKeys(a.id, ['wa:5']);
      });
      assert.deepEqual(await store.findConversationIdsByThreadKeys(['wa:1', 'wa:2', 'wa:3', 'wa:4']), [b.id]);
      assert.deepEqual(await store.findConversationIdsByThreadKeys(['wa:5']), [a.id]);
      assert.deepEqual(await store.findConversationIdsByThreadKeys(['wa:9']), [c3.id]);
      // Rolled back with the rest of its transaction.
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.moveThreadKeys(b.id, c3.id);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(await store.findConversationIdsByThreadKeys(['wa:1', 'wa:3']), [b.id]);
    }),
    c('moves messages between conversations and reassigns contacts', async (store) => {
      const a = makeContact();
      const b = makeContact();
      const c1 = makeConversation({ contactIds: [a.id] });
      const c2 = makeConversation({ contactIds: [b.id, a.id] });
      const m1 = makeMessage({ conversationId: c1.id, contactId: a.id });
      const m2 = makeMessage({ conversationId: c2.id, contactId: b.id });
      await store.transaction(async (tx) => {
        await tx.insertContact(a);
        await tx.insertContact(b);
        await tx.insertConversation(c1);
        await tx.insertConversation(c2);
        await tx.insertMessage(m1);
        await tx.insertMessage(m2);
        await tx.moveMessages(c1.id, c2.id);
        await tx.reassignContact(b.id, a.id);
      });
      assert.deepEqual(
        (await store.listMessages(c2.id)).items.map((m) => m.id).sort(),
        [m1.id, m2.id].sort(),
      );
      assert.equal((await store.listMessages(c1.id)).items.length, 0);
      assert.equal((await store.getMessage(m2.id))?.contactId, a.id);
      assert.deepEqual((await store.getConversation(c2.id))?.contactIds, [a.id]);
    }),
    c('searches message text and transcripts by every word, case-insensitively', async (store) => {
      const contact = makeContact();
      const cv = makeConversation({ contactIds: [contact.id] });
      const call = makeMessage({
        conversationId: cv.id,
        contactId: contact.id,
        channel: 'voice',
        text: '',
        sentAt: T(2),
        transcript: {
          turns: [{ speaker: 'customer', text: 'My parcel never arrived', startMs: 0, endMs: 900 }],
        },
      });
      const sms = makeMessage({
        conversationId: cv.id,
        contactId: contact.id,
        text: 'Where is my PARCEL?',
        sentAt: T(1),
      });
      await store.transaction(async (tx) => {
        await tx.insertContact(contact);
        await tx.insertConversation(cv);
        await tx.insertMessage(call);
        await tx.insertMessage(sms);
      });
      assert.deepEqual(
        (await store.searchMessages('parcel')).items.map((m) => m.id),
        [call.id, sms.id],
      );
      assert.deepEqual(
        (await store.searchMessages('never arrived')).items.map((m) => m.id),
        [call.id],
      );
      assert.deepEqual((await store.searchMessages('parcel refund')).items, []);
      assert.deepEqual((await store.searchMessages('   ')).items, []);
    }),
    c('keeps pending events until deleted', async (store) => {
      const event = {
        type: 'status' as const,
        status: { channel: 'sms', externalId: 'SM9', status: 'delivered' as const, at: T(1) },
      };
      await store.transaction((tx) =>
        tx.addPendingEvent({ channel: 'sms', externalId: 'SM9', event, receivedAt: T(1) }),
      );
      const pending = await store.listPendingEvents('sms', 'SM9');
      assert.equal(pending.length, 1);
      assert.deepEqual(pending[0]!.event, event);
      await store.transaction((tx) => tx.deletePendingEvents('sms', 'SM9'));
      assert.deepEqual(await store.listPendingEvents('sms', 'SM9'), []);
    }),
    c('keeps rejected payloads with their error', async (store) => {
      await store.insertRejected({
        id: 'rej_1',
        channel: 'sms',
        receivedAt: T(1),
        error: { code: 'WEBHOOK_PARSE', message: 'no From' },
        raw: 'Body=hi',
      });
      await store.transaction((tx) =>
        tx.insertRejected({
          id: 'rej_2',
          channel: 'whatsapp',
          receivedAt: T(2),
          error: { code: 'VALIDATION', message: 'bad' },
          raw: { a: 1 },
        }),
      );
      const page = await store.listRejected();
      assert.deepEqual(
        page.items.map((r) => [r.id, r.raw]),
        [
          ['rej_1', 'Body=hi'],
          ['rej_2', { a: 1 }],
        ],
      );
    }),
    c(
      'stores text a database may refuse (U+0000, half a surrogate pair), kept as is or as U+FFFD',
      async (store) => {
        // A truncated emoji leaves half a pair; JSON has an escape for it that jsonb refuses.
        const hostile = 'half \ud83d pair, low \ude00 alone, nul \u0000 here, whole 😀 emoji';
        const replaced = 'half \ufffd pair, low \ufffd alone, nul \ufffd here, whole 😀 emoji';
        const either = (value: unknown) => assert.ok(value === hostile || value === replaced, String(value));
        const hub = createHub({ store });
        const result = await hub.ingest(
          inboundMessage({
            channel: 'whatsapp',
            from: { kind: 'whatsapp', value: '14155550100' },
            sentAt: T(1),
            text: hostile,
            raw: { text: { body: hostile } },
            metadata: { note: hostile },
          }),
        );
        assert.equal(result.type, 'message');
        const stored = await store.getMessage((result as { message: { id: string } }).message.id);
        assert.ok(stored, 'the message is stored');
        either(stored.text);
        either((stored.raw as { text: { body: string } }).text.body);
        either(stored.metadata.note);
        await store.insertRejected({
          id: 'rej_hostile',
          channel: 'whatsapp',
          receivedAt: T(1),
          error: { code: 'VALIDATION', message: hostile },
          raw: { body: hostile },
        });
        const [rejected] = (await store.listRejected()).items;
        assert.ok(rejected, 'the rejected payload is kept');
        either((rejected.raw as { body: string }).body);
      },
    ),
    c('runs the hub: one contact for SMS and WhatsApp of one number, one conversation', async (store) => {
      const hub = createHub({ store, clock: () => new Date(T(100)) });
      await hub.ingest(
        inboundMessage({
          channel: 'sms',
          from: { kind: 'phone', value: '+14155550100' },
          sentAt: T(1),
          external: { id: 'SM1' },
        }),
      );
      const wa = await hub.ingest(
        inboundMessage({
          channel: 'whatsapp',
          from: { kind: 'whatsapp', value: '14155550100' },
          sentAt: T(5),
          external: { id: 'wamid.1' },
        }),
      );
      assert.equal(wa.type, 'message');
      if (wa.type !== 'message') return;
      assert.equal(wa.message.placement.rule, 'cross-channel-continuation');
      assert.deepEqual(wa.conversation.channels, ['sms', 'whatsapp']);
      assert.equal((await store.listContacts()).items.length, 1);
      const again = await hub.ingest(
        inboundMessage({
          channel: 'whatsapp',
          from: { kind: 'whatsapp', value: '14155550100' },
          sentAt: T(5),
          external: { id: 'wamid.1' },
        }),
      );
      assert.equal(again.type === 'message' && again.duplicate, true);
    }),
    c('stays consistent under concurrent ingests of a new customer on two channels', async (store) => {
      const hub = createHub({ store, clock: () => new Date(T(100)) });
      const events = [
        inboundMessage({
          channel: 'sms',
          from: { kind: 'phone', value: '+14155550111' },
          sentAt: T(1),
          external: { id: 'SMc1' },
        }),
        inboundMessage({
          channel: 'whatsapp',
          from: { kind: 'whatsapp', value: '14155550111' },
          sentAt: T(1),
          external: { id: 'wamid.c1' },
        }),
      ];
      await Promise.all([...events, ...events].map((e) => hub.ingest(e)));
      const contacts = (await store.listContacts()).items;
      assert.equal(contacts.length, 1);
      const conversations = (await store.listConversations()).items;
      assert.equal(conversations.length, 1);
      assert.equal((await store.listMessages(conversations[0]!.id)).items.length, 2);
    }),
    ...textCases(c),
  ];
}
