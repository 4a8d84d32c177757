import {
  isRateLimitedError,
  isSendFailedError,
  isValidationError,
  type Message,
  type OutboundMessage,
  type SendContext,
} from '@omnithread/core';
import { makeContact, makeConversation, makeMessage } from '@omnithread/core/testing';
import { createXAdapter } from '@omnithread/social/x';
import nock from 'nock';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_SECRET } from './helpers.js';

const BRAND = '3001';
const DANA = '2244994945';
const NOW = new Date('2023-11-15T10:00:00.000Z');
const api = () => nock('https://api.x.com');

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function adapter(options: Partial<Parameters<typeof createXAdapter>[0]> = {}) {
  return createXAdapter({
    client: new TwitterApi('test-bearer'),
    userId: BRAND,
    consumerSecret: CONSUMER_SECRET,
    now: () => NOW.getTime(),
    ...options,
  });
}

function context(last?: Partial<Message>): SendContext {
  const conversation = makeConversation({ channels: ['x'], lastChannel: 'x' });
  const contact = makeContact();
  const ctx: SendContext = { conversation, contact, now: NOW };
  if (last) {
    ctx.lastInbound = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      channel: 'x',
      from: { kind: 'x', value: DANA },
      ...last,
    });
  }
  return ctx;
}
const publicMention = {
  visibility: 'public' as const,
  external: { id: '1710000000000000001', threadId: '1710000000000000001' },
};
const privateDm = {
  visibility: 'private' as const,
  external: { id: '1710000000000000101', threadId: '3001-2244994945' },
};

const outbound = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: 'msg_1',
  conversationId: 'cv_1',
  channel: 'x',
  to: [{ kind: 'x', value: DANA }],
  text: 'Sorry about that! Could you DM us your order number?',
  attachments: [],
  threadKeys: [],
  ...over,
});

describe('X sends through twitter-api-v2, intercepted by nock', () => {
  it('answers a public mention with a public reply (v2.reply)', async () => {
    api()
      .post('/2/tweets', {
        text: 'Sorry about that! Could you DM us your order number?',
        reply: { in_reply_to_tweet_id: '1710000000000000001' },
      })
      .reply(201, {
        data: {
          id: '1710000000000000002',
          text: 'Sorry about that!',
          edit_history_tweet_ids: ['1710000000000000002'],
        },
      });
    const result = await adapter().send(
      outbound({ replyToExternalId: '1710000000000000001' }),
      context(publicMention),
    );
    expect(result).toMatchObject({
      externalId: '1710000000000000002',
      status: 'sent',
      from: { kind: 'x', value: BRAND },
      thread: {
        keys: ['x:tweet:1710000000000000002', 'x:conversation:1710000000000000001'],
        refs: ['x:tweet:1710000000000000001'],
      },
      metadata: { visibility: 'public' },
    });
  });

  it('moves a public conversation to DM when replyMode is "dm", and refuses long public replies', async () => {
    api()
      .post(`/2/dm_conversations/with/${DANA}/messages`, { text: 'Let us continue here.' })
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000110' } });
    const moved = await adapter({ replyMode: 'dm' }).send(
      outbound({ text: 'Let us continue here.' }),
      context(publicMention),
    );
    expect(moved).toMatchObject({
      externalId: '1710000000000000110',
      thread: { keys: ['x:dm:3001-2244994945'] },
      metadata: { visibility: 'private' },
    });
    await expect(
      adapter().send(outbound({ text: 'x'.repeat(281) }), context(publicMention)),
    ).rejects.toSatisfy(isValidationError);
  });

  it('answers a DM in its conversation (sendDmInConversation), or opens one (sendDmToParticipant)', async () => {
    api()
      .post('/2/dm_conversations/3001-2244994945/messages', { text: 'On it.' })
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000111' } });
    const inConversation = await adapter().send(
      outbound({ text: 'On it.', threadKeys: ['x:dm:3001-2244994945'] }),
      context(privateDm),
    );
    expect(inConversation.externalId).toBe('1710000000000000111');
    api()
      .post(`/2/dm_conversations/with/${DANA}/messages`, { text: 'Hello from Acme.' })
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000112' } });
    const fresh = await adapter().send(outbound({ text: 'Hello from Acme.' }), context());
    expect(fresh.externalId).toBe('1710000000000000112');
  });

  it('uploads media (v2 chunked upload) and attaches it to the DM', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    api()
      .post(
        '/2/media/upload/initialize',
        (body) =>
          body.media_type === 'image/png' &&
          body.total_bytes === png.length &&
          body.media_category === 'tweet_image',
      )
      .reply(200, { data: { id: '1710000000000000800', media_key: '3_1710000000000000800' } })
      .post('/2/media/upload/1710000000000000800/append')
      .reply(200, {})
      .post('/2/media/upload/1710000000000000800/finalize')
      .reply(200, { data: { id: '1710000000000000800', size: png.length } })
      .post('/2/dm_conversations/3001-2244994945/messages', {
        text: 'Your label:',
        attachments: [{ media_id: '1710000000000000800' }],
      })
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000113' } });
    const attachments = [
      {
        id: 'att_1',
        contentType: 'image/png',
        size: png.length,
        content: png.toString('base64'),
        filename: 'label.png',
      },
    ];
    const result = await adapter().send(
      outbound({ text: 'Your label:', attachments, threadKeys: ['x:dm:3001-2244994945'] }),
      context(privateDm),
    );
    expect(result.metadata).toMatchObject({ mediaIds: ['1710000000000000800'] });
  });

  it('backs off on 429 until x-rate-limit-reset, then sends', async () => {
    const waits: number[] = [];
    const reset = String(NOW.getTime() / 1000 + 7);
    api()
      .post(`/2/dm_conversations/with/${DANA}/messages`)
      .reply(
        429,
        { title: 'Too Many Requests', status: 429 },
        { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset },
      )
      .post(`/2/dm_conversations/with/${DANA}/messages`)
      .reply(201, { data: { dm_conversation_id: '3001-2244994945', dm_event_id: '1710000000000000114' } });
    const result = await adapter({ sleep: async (ms) => void waits.push(ms) }).send(outbound(), context());
    expect(waits).toEqual([7000]);
    expect(result.externalId).toBe('1710000000000000114');
  });

  it('gives up with RateLimitedError (retryAfterMs) when the limit persists', async () => {
    const waits: number[] = [];
    const headers = {
      'x-rate-limit-limit': '200',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(NOW.getTime() / 1000 + 90),
    };
    api()
      .post(`/2/dm_conversations/with/${DANA}/messages`)
      .times(3)
      .reply(429, { title: 'Too Many Requests', status: 429 }, headers);
    const error = await adapter({ sleep: async (ms) => void waits.push(ms), maxRateLimitRetries: 2 })
      .send(outbound(), context())
      .catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(90_000);
    expect(waits).toEqual([90_000, 90_000]);
  });

  it('does not sleep in-process past maxRateLimitWaitMs', async () => {
    const headers = {
      'x-rate-limit-limit': '200',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(NOW.getTime() / 1000 + 3600),
    };
    api()
      .post(`/2/dm_conversations/with/${DANA}/messages`)
      .reply(429, { title: 'Too Many Requests', status: 429 }, headers);
    const waits: number[] = [];
    const error = await adapter({ sleep: async (ms) => void waits.push(ms) })
      .send(outbound(), context())
      .catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
  });

  it('maps other API errors to SendFailedError with the provider code', async () => {
    api().post(`/2/dm_conversations/with/${DANA}/messages`).reply(403, {
      detail: 'You are not permitted to send Direct Messages to this user.',
      type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
      title: 'Forbidden',
      status: 403,
    });
    const error = await adapter()
      .send(outbound(), context())
      .catch((e: unknown) => e);
    expect(isSendFailedError(error) && [error.providerCode, error.retryable]).toEqual(['403', false]);
    expect(String((error as Error).message)).toContain('not permitted');
  });
});
