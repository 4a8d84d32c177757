import { createHub, memoryStore } from '@omnithread/core';
import { createMessengerAdapter } from '@omnithread/social/messenger';
import { createXAdapter } from '@omnithread/social/x';
import nock from 'nock';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_SECRET, CONSUMER_SECRET, fakeFetch, fixture, metaRequest, xRequest } from './helpers.js';

const BRAND = '3001';
const DANA = '2244994945';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('one customer across a public X complaint, an X DM and an email', () => {
  it('gives one contact and one conversation with the channels in order', async () => {
    const x = createXAdapter({
      client: new TwitterApi('test-bearer'),
      userId: BRAND,
      consumerSecret: CONSUMER_SECRET,
    });
    const hub = createHub({
      store: memoryStore(),
      adapters: [x],
      clock: () => new Date('2023-11-14T22:20:00.000Z'),
    });

    // 1. A public complaint mentioning the brand (Account Activity tweet_create_events).
    expect((await hub.handle(xRequest(fixture('x/aaa-tweet-mention.json'), ''))).status).toBe(200);
    // 2. A DM from the same X user, which the brand answers by DM (its echo comes back by webhook).
    expect((await hub.handle(xRequest(fixture('x/aaa-dm.json'), ''))).status).toBe(200);
    const contact = await hub.contacts.findByIdentity({ kind: 'x', value: DANA });
    expect(contact?.name).toBe('Dana Customer');
    const [conversation] = (await hub.conversations.list()).items;
    nock('https://api.x.com')
      .post('/2/dm_conversations/3001-2244994945/messages', { text: 'Thanks Dana, we’re on it.' })
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000102' } });
    const reply = await hub.reply(conversation!.id, { text: 'Thanks Dana, we’re on it.' });
    expect(reply).toMatchObject({
      channel: 'x',
      direction: 'outbound',
      status: 'sent',
      external: { id: '1710000000000000102' },
    });
    expect((await hub.handle(xRequest(fixture('x/aaa-dm-echo.json'), ''))).status).toBe(200);

    // 3. The app learns Dana's email (her account page) and links it before her email arrives.
    await hub.contacts.link(contact!.id, { kind: 'email', value: 'dana@example.com' });
    const email = await hub.ingest({
      type: 'message',
      message: {
        channel: 'email',
        from: { kind: 'email', value: 'Dana@Example.com' },
        to: [{ kind: 'email', value: 'support@acme.example' }],
        sentAt: '2023-11-14T23:00:00.000Z',
        subject: 'Broken order #4411',
        text: 'Sending the invoice by email as asked.',
        thread: { keys: ['email:<c0ffee@example.com>'], refs: [] },
        external: { id: '<c0ffee@example.com>' },
        raw: 'From: Dana <Dana@Example.com>\r\n\r\nSending the invoice by email as asked.',
      },
    });
    expect(email.type === 'message' && email.message.placement.rule).toBe('cross-channel-continuation');

    const contacts = (await hub.contacts.list()).items.filter((c) => !c.mergedInto);
    expect(contacts).toHaveLength(1);
    const conversations = (await hub.conversations.list()).items.filter((c) => !c.mergedInto);
    expect(conversations).toHaveLength(1);
    const final = conversations[0]!;
    expect(final.channels).toEqual(['x', 'email']);
    expect(final.publicChannels).toEqual(['x']);

    const messages = (await hub.conversations.messages(final.id)).items;
    // The echo of our DM was recognised as the reply already stored: four messages, not five.
    expect(messages.map((m) => [m.channel, m.visibility, m.direction, m.placement.rule])).toEqual([
      ['x', 'public', 'inbound', 'new-conversation'],
      ['x', 'private', 'inbound', 'same-channel-session'],
      ['x', 'private', 'outbound', 'reply'],
      ['email', 'private', 'inbound', 'cross-channel-continuation'],
    ]);
    expect(new Set(messages.map((m) => m.contactId))).toEqual(new Set([contact!.id]));
    expect(final.switches).toMatchObject([{ from: 'x', to: 'email' }]);
  });

  it('answers a public mention publicly and records the reply in the same thread', async () => {
    const x = createXAdapter({
      client: new TwitterApi('test-bearer'),
      userId: BRAND,
      consumerSecret: CONSUMER_SECRET,
    });
    const hub = createHub({
      store: memoryStore(),
      adapters: [x],
      clock: () => new Date('2023-11-14T22:20:00.000Z'),
    });
    await hub.handle(xRequest(fixture('x/aaa-tweet-mention.json'), ''));
    const [conversation] = (await hub.conversations.list()).items;
    nock('https://api.x.com')
      .post('/2/tweets', {
        text: 'Sorry Dana! Please DM us.',
        reply: { in_reply_to_tweet_id: '1710000000000000001' },
      })
      .reply(201, { data: { id: '1710000000000000002', text: 'Sorry Dana! Please DM us.' } });
    const reply = await hub.reply(conversation!.id, { text: 'Sorry Dana! Please DM us.' });
    expect(reply.external.id).toBe('1710000000000000002');
    expect(reply.metadata).toMatchObject({ visibility: 'public' });
    // A third party's reply to our public answer joins the same conversation by thread evidence.
    const other = {
      for_user_id: BRAND,
      tweet_create_events: [
        {
          created_at: 'Tue Nov 14 22:40:00 +0000 2023',
          id_str: '1710000000000000004',
          text: '@AcmeSupport @dana_c same here',
          in_reply_to_status_id_str: '1710000000000000002',
          in_reply_to_user_id_str: BRAND,
          user: { id_str: '987654321', name: 'Sam Other', screen_name: 'sam_o' },
          timestamp_ms: '1700001600000',
        },
      ],
    };
    await hub.handle(xRequest(other, ''));
    const messages = (await hub.conversations.messages(conversation!.id)).items;
    expect(messages.map((m) => m.external.id)).toEqual([
      '1710000000000000001',
      '1710000000000000002',
      '1710000000000000004',
    ]);
    expect(messages[2]!.placement.rule).toBe('explicit-thread');
  });
});

describe('Messenger through the hub', () => {
  it('stores an inbound message, sends the reply, and recognises its echo instead of adding a message', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { recipient_id: '6100000000000001', message_id: 'm_echo_1' } },
    ]);
    const messenger = createMessengerAdapter({
      appSecret: APP_SECRET,
      verifyToken: 't',
      pageAccessToken: 'EAAG',
      pageId: '104000000000001',
      fetch,
    });
    const hub = createHub({
      store: memoryStore(),
      adapters: [messenger],
      clock: () => new Date('2023-11-14T23:00:00.000Z'),
    });
    expect((await hub.handle(metaRequest(fixture('meta/messenger-text.json'), ''))).status).toBe(200);
    const [conversation] = (await hub.conversations.list()).items;
    await hub.reply(conversation!.id, { text: 'It ships tomorrow.' });
    expect(calls[0]!.body).toMatchObject({
      messaging_type: 'RESPONSE',
      recipient: { id: '6100000000000001' },
    });
    expect((await hub.handle(metaRequest(fixture('meta/messenger-echo.json'), ''))).status).toBe(200);
    const messages = (await hub.conversations.messages(conversation!.id)).items;
    expect(messages.map((m) => [m.direction, m.text])).toEqual([
      ['inbound', 'Hi! Where is my order?'],
      ['outbound', 'It ships tomorrow.'],
    ]);
    // The reaction to our reply and its delivery land on the stored message.
    await hub.handle(metaRequest(fixture('meta/messenger-delivery-read.json'), ''));
    await hub.handle(metaRequest(fixture('meta/messenger-reaction.json'), ''));
    const updated = await hub.messages.get(messages[1]!.id);
    expect(updated.status).toBe('delivered');
    expect(updated.reactions).toMatchObject([{ emoji: '' }]);
  });

  it('keeps an unparseable but authentic payload as rejected', async () => {
    const messenger = createMessengerAdapter({
      appSecret: APP_SECRET,
      verifyToken: 't',
      pageAccessToken: 'EAAG',
      pageId: '104000000000001',
    });
    const hub = createHub({ store: memoryStore(), adapters: [messenger] });
    const bad = {
      object: 'page',
      entry: [
        {
          id: '104000000000001',
          messaging: [{ sender: { id: '1' }, timestamp: 1700000000000, message: { mid: 'm' } }],
        },
      ],
    };
    expect((await hub.handle(metaRequest(bad, ''))).status).toBe(400);
    const rejected = (await hub.rejected.list()).items;
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.raw).toEqual(bad);
  });
});
