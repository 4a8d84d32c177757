import { isWebhookParseError } from '@omnithread/core';
import { adapterConformanceCases } from '@omnithread/core/testing';
import {
  crcResponseToken,
  createXAdapter,
  oneToOneConversationId,
  parseXPayload,
  verifyXSignature,
  xWebhookSignature,
} from '@omnithread/social/x';
import { TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { CONSUMER_SECRET, fixture, xRequest } from './helpers.js';

const BRAND = '3001';
const DANA = '2244994945';

describe('Account Activity webhook bodies', () => {
  it('reads a DM with the sender’s name and handle as display data, media and quick reply', () => {
    const [event] = parseXPayload(fixture('x/aaa-dm.json'), BRAND);
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message).toMatchObject({
      channel: 'x',
      direction: 'inbound',
      visibility: 'private',
      from: { kind: 'x', value: DANA },
      to: [{ kind: 'x', value: BRAND }],
      fromName: 'Dana Customer',
      endpoint: BRAND,
      sentAt: '2023-11-14T22:15:00.000Z',
      text: "Hi, it's me from the tweet about my broken order. Order #4411.",
      external: { id: '1710000000000000101', threadId: '3001-2244994945' },
      thread: { keys: ['x:dm:3001-2244994945'], refs: [] },
      metadata: { handle: 'dana_c', kind: 'dm', quickReply: 'order_help' },
    });
    expect(event.message.attachments).toMatchObject([
      { id: '1710000000000000500', contentType: 'image/*', url: expect.stringContaining('ton.twitter.com') },
    ]);
  });

  it('treats a DM the brand sent as outbound to the customer (an echo), never as a new inbound', () => {
    const [event] = parseXPayload(fixture('x/aaa-dm-echo.json'), BRAND);
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message).toMatchObject({
      direction: 'outbound',
      status: 'sent',
      from: { value: BRAND },
      to: [{ kind: 'x', value: DANA }],
    });
    expect(event.message.fromName).toBeUndefined();
  });

  it('reads a public mention as a public message threaded by its own id and conversation', () => {
    const [event] = parseXPayload(fixture('x/aaa-tweet-mention.json'), BRAND);
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message).toMatchObject({
      visibility: 'public',
      direction: 'inbound',
      from: { kind: 'x', value: DANA },
      fromName: 'Dana Customer',
      sentAt: '2023-11-14T22:13:20.000Z',
      thread: { keys: ['x:tweet:1710000000000000001', 'x:conversation:1710000000000000001'], refs: [] },
      metadata: { handle: 'dana_c', kind: 'tweet' },
    });
  });

  it('reads a reply with its full extended text, media and the Tweet it answers', () => {
    const [event] = parseXPayload(fixture('x/aaa-tweet-reply.json'), BRAND);
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message.text).toContain('photos attached.');
    expect(event.message.replyTo).toBe('1710000000000000001');
    expect(event.message.thread).toEqual({
      keys: ['x:tweet:1710000000000000003'],
      refs: ['x:tweet:1710000000000000001'],
    });
    expect(event.message.attachments).toMatchObject([
      { url: 'https://pbs.twimg.com/media/Fxyz.jpg', caption: 'crushed box' },
    ]);
  });

  it('reads likes, deletes and read receipts; typing indicators become notices', () => {
    expect(parseXPayload(fixture('x/aaa-activity.json'), BRAND)).toMatchObject([
      { type: 'delete', targetExternalId: '1710000000000000003', by: { kind: 'x', value: '987654321' } },
      {
        type: 'reaction',
        targetExternalId: '1710000000000000002',
        emoji: '❤️',
        by: { kind: 'x', value: DANA },
      },
      {
        type: 'status',
        status: { externalId: '1710000000000000102', status: 'read', at: '2023-11-14T22:18:20.000Z' },
      },
      { type: 'notice', name: 'x.direct_message_indicate_typing_events' },
    ]);
  });
});

describe('v2 pages', () => {
  it('reads a dm_events page: direction, media from includes, sender names', () => {
    const events = parseXPayload(fixture('x/dm-events-page-1.json'), BRAND);
    expect(events).toMatchObject([
      {
        type: 'message',
        message: {
          direction: 'inbound',
          fromName: 'Dana Customer',
          attachments: [{ id: '3_1710000000000000600', url: 'https://pbs.twimg.com/dm_media/box.jpg' }],
          thread: { keys: ['x:dm:3001-2244994945'] },
        },
      },
      { type: 'message', message: { direction: 'outbound', to: [{ kind: 'x', value: DANA }] } },
    ]);
  });
  it('ties a DM that shares a Tweet to that Tweet, and keeps join events as notices', () => {
    const [dm, join] = parseXPayload(fixture('x/dm-events-page-2.json'), BRAND);
    expect(dm).toMatchObject({
      type: 'message',
      message: { thread: { refs: ['x:tweet:1710000000000000001'] } },
    });
    expect(join).toMatchObject({ type: 'notice', name: 'x.dm.ParticipantsJoin' });
  });
  it('reads a mentions page with conversation_id and referenced_tweets', () => {
    const [event] = parseXPayload(fixture('x/mentions-page.json'), BRAND);
    expect(event).toMatchObject({
      type: 'message',
      message: {
        visibility: 'public',
        thread: {
          keys: ['x:tweet:1710000000000000011', 'x:conversation:1710000000000000001'],
          refs: ['x:tweet:1710000000000000002'],
        },
        external: { threadId: '1710000000000000001' },
      },
    });
  });
  it('computes one-to-one conversation ids the way X does (smaller id first, numerically)', () => {
    expect(oneToOneConversationId('2244994945', '3001')).toBe('3001-2244994945');
    expect(oneToOneConversationId('3001', '2244994945')).toBe('3001-2244994945');
  });
});

describe('malformed X payloads', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ['a string', 'hello', undefined],
    ['an unknown object', { hello: 'world' }, undefined],
    ['data that is not an array', { data: {} }, 'data'],
    [
      'a DM without sender_id',
      {
        data: [
          {
            id: '1',
            event_type: 'MessageCreate',
            created_at: '2023-11-14T22:00:00Z',
            dm_conversation_id: '1-2',
          },
        ],
      },
      'data[0].sender_id',
    ],
    ['a DM without created_at', { event_type: 'MessageCreate', id: '1', sender_id: '2' }, '$.created_at'],
    [
      'an AAA DM without recipient',
      {
        for_user_id: BRAND,
        direct_message_events: [
          {
            type: 'message_create',
            id: '1',
            created_timestamp: '1700000000000',
            message_create: { sender_id: '2' },
          },
        ],
      },
      'direct_message_events[0].message_create.target.recipient_id',
    ],
    [
      'tweet_create_events not an array',
      { for_user_id: BRAND, tweet_create_events: {} },
      'tweet_create_events',
    ],
  ];
  for (const [name, payload, path] of cases) {
    it(`refuses ${name} with a WebhookParseError keeping the payload`, () => {
      let caught: unknown;
      try {
        parseXPayload(payload, BRAND);
      } catch (error) {
        caught = error;
      }
      expect(isWebhookParseError(caught)).toBe(true);
      expect((caught as { raw: unknown }).raw).toEqual(payload);
      expect((caught as { path?: string }).path).toBe(path);
    });
  }
});

const create = () =>
  createXAdapter({ client: new TwitterApi('test-bearer'), userId: BRAND, consumerSecret: CONSUMER_SECRET });

describe('X webhook security', () => {
  it('answers the CRC challenge with sha256= base64 HMAC-SHA256(consumer secret, crc_token)', async () => {
    // Known answer computed independently: printf %s challenge | openssl dgst -sha256 -hmac x-consumer-secret -binary | base64
    expect(crcResponseToken(CONSUMER_SECRET, 'challenge')).toBe(
      'sha256=9/A3GrBmMRqghTlUXpje5T/0+1JRqbkUt5Txh7HhyWc=',
    );
    const result = await create().handle!(new Request('https://example.com/webhooks/x?crc_token=challenge'));
    expect(result.response.status).toBe(200);
    expect(await result.response.json()).toEqual({
      response_token: crcResponseToken(CONSUMER_SECRET, 'challenge'),
    });
    expect(result.events).toEqual([]);
    const missing = await create().handle!(new Request('https://example.com/webhooks/x'));
    expect(missing.response.status).toBe(400);
  });
  it('verifies x-twitter-webhooks-signature: valid, invalid, missing', async () => {
    const payload = fixture('x/aaa-dm.json');
    const body = JSON.stringify(payload);
    expect(verifyXSignature(CONSUMER_SECRET, body, xWebhookSignature(CONSUMER_SECRET, body))).toBe(true);
    expect(verifyXSignature(CONSUMER_SECRET, `${body} `, xWebhookSignature(CONSUMER_SECRET, body))).toBe(
      false,
    );
    expect(verifyXSignature(CONSUMER_SECRET, body, undefined)).toBe(false);
    const ok = await create().handle!(xRequest(payload, ''));
    expect(ok.events).toHaveLength(1);
    await expect(create().handle!(xRequest(payload, null))).rejects.toThrow(
      /missing x-twitter-webhooks-signature/,
    );
    await expect(create().handle!(xRequest(payload, 'wrong'))).rejects.toThrow(/does not match/);
  });
});

describe('X adapter conformance', () => {
  for (const c of adapterConformanceCases({
    create,
    validPayloads: [
      'aaa-dm',
      'aaa-dm-echo',
      'aaa-tweet-mention',
      'aaa-tweet-reply',
      'aaa-activity',
      'dm-events-page-1',
      'dm-events-page-2',
      'mentions-page',
    ].map((n) => fixture(`x/${n}.json`)),
    invalidPayloads: [{ data: [{ id: '1' }] }, { for_user_id: BRAND, direct_message_events: [5] }],
    signedRequest: (p) => xRequest(p, ''),
    unsignedRequest: (p) => xRequest(p, null),
    badlySignedRequest: (p) => xRequest(p, 'wrong'),
  })) {
    it(c.name, c.run);
  }
});
