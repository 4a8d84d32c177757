import {
  isConfigurationError,
  isRateLimitedError,
  isReplyWindowClosedError,
  isSendFailedError,
  isWebhookVerificationError,
  type OutboundMessage,
  type SendContext,
} from '@omnithread/core';
import {
  adapterConformanceCases,
  makeContact,
  makeConversation,
  makeMessage,
} from '@omnithread/core/testing';
import { createInstagramAdapter } from '@omnithread/social/instagram';
import { createMessengerAdapter } from '@omnithread/social/messenger';
import { describe, expect, it } from 'vitest';
import { APP_SECRET, fakeFetch, fixture, metaRequest } from './helpers.js';

const PAGE = '104000000000001';
const PSID = '6100000000000001';
const base = { appSecret: APP_SECRET, verifyToken: 'verify-me', pageAccessToken: 'EAAG-token', pageId: PAGE };

const messengerPayloads = [
  'messenger-text',
  'messenger-attachments',
  'messenger-echo',
  'messenger-postback',
  'messenger-reaction',
  'messenger-delivery-read',
  'messenger-edit',
].map((n) => fixture(`meta/${n}.json`));
const instagramPayloads = ['instagram-text', 'instagram-story', 'instagram-unsend-echo'].map((n) =>
  fixture(`meta/${n}.json`),
);
const invalid = [
  { object: 'page' },
  {
    object: 'page',
    entry: [{ id: PAGE, messaging: [{ sender: {}, recipient: { id: PAGE }, timestamp: 1 }] }],
  },
];

describe('Messenger adapter conformance', () => {
  for (const c of adapterConformanceCases({
    create: () => createMessengerAdapter(base),
    validPayloads: messengerPayloads,
    invalidPayloads: invalid,
    signedRequest: (p) => metaRequest(p, ''),
    unsignedRequest: (p) => metaRequest(p, null),
    badlySignedRequest: (p) => metaRequest(p, 'wrong'),
  })) {
    it(c.name, c.run);
  }
});

describe('Instagram adapter conformance', () => {
  for (const c of adapterConformanceCases({
    create: () => createInstagramAdapter({ ...base, igUserId: '17841400000000001' }),
    validPayloads: instagramPayloads,
    invalidPayloads: [{ object: 'instagram', entry: 'x' }, ...messengerPayloads.slice(0, 1)],
    signedRequest: (p) => metaRequest(p, ''),
    unsignedRequest: (p) => metaRequest(p, null),
    badlySignedRequest: (p) => metaRequest(p, 'wrong'),
  })) {
    it(c.name, c.run);
  }
});

describe('Graph webhook handshake and signatures', () => {
  const adapter = createMessengerAdapter(base);
  it('answers the GET verification with the challenge when the token matches', async () => {
    const url =
      'https://example.com/webhooks/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444';
    const result = await adapter.handle!(new Request(url));
    expect(result.response.status).toBe(200);
    expect(await result.response.text()).toBe('1158201444');
    expect(result.events).toEqual([]);
  });
  it('refuses a GET verification with a wrong token', async () => {
    const url =
      'https://example.com/webhooks/messenger?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1';
    await expect(adapter.handle!(new Request(url))).rejects.toSatisfy(isWebhookVerificationError);
  });
  it('verifies X-Hub-Signature-256: valid → events, missing or wrong → WebhookVerificationError', async () => {
    const payload = fixture('meta/messenger-text.json');
    const ok = await adapter.handle!(metaRequest(payload, ''));
    expect(ok.response.status).toBe(200);
    expect(ok.events).toHaveLength(1);
    await expect(adapter.handle!(metaRequest(payload, null))).rejects.toThrow(/missing X-Hub-Signature-256/);
    await expect(adapter.handle!(metaRequest(payload, 'wrong'))).rejects.toThrow(/does not match/);
  });
  it('refuses a body that was changed after signing', async () => {
    const signed = metaRequest(fixture('meta/messenger-text.json'), '');
    const header = signed.headers.get('x-hub-signature-256')!;
    const tampered = new Request(signed.url, {
      method: 'POST',
      headers: { 'x-hub-signature-256': header },
      body: JSON.stringify(fixture('meta/messenger-echo.json')),
    });
    await expect(adapter.handle!(tampered)).rejects.toSatisfy(isWebhookVerificationError);
  });
  it('names the missing setting at creation', () => {
    expect(() => createMessengerAdapter({ ...base, pageId: '' })).toThrow(
      expect.objectContaining({ setting: 'pageId' }),
    );
    expect(() => createMessengerAdapter({ ...base, appSecret: '' })).toThrow(
      expect.objectContaining({ setting: 'appSecret' }),
    );
    let caught: unknown;
    try {
      createInstagramAdapter({ ...base, igUserId: undefined as unknown as string });
    } catch (error) {
      caught = error;
    }
    expect(isConfigurationError(caught) && caught.setting).toBe('igUserId');
    expect(() => createMessengerAdapter({ ...base, verifyToken: '' })).toThrow(
      expect.objectContaining({ setting: 'verifyToken' }),
    );
  });
});

const NOW = new Date('2026-03-01T12:00:00.000Z');
function sendContext(lastInboundAgoMs: number | undefined): SendContext {
  const conversation = makeConversation({ channels: ['messenger'], lastChannel: 'messenger' });
  const contact = makeContact({
    identities: [{ kind: 'messenger', value: PSID, trust: 'provider', addedAt: NOW.toISOString() }],
  });
  const context: SendContext = { conversation, contact, now: NOW };
  if (lastInboundAgoMs !== undefined) {
    context.lastInbound = makeMessage({
      conversationId: conversation.id,
      contactId: contact.id,
      channel: 'messenger',
      from: { kind: 'messenger', value: PSID },
      sentAt: new Date(NOW.getTime() - lastInboundAgoMs).toISOString(),
    });
  }
  return context;
}
const outbound = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: 'msg_1',
  conversationId: 'cv_1',
  channel: 'messenger',
  to: [{ kind: 'messenger', value: PSID }],
  text: 'Your parcel ships tomorrow.',
  attachments: [],
  threadKeys: [],
  ...over,
});
const HOUR = 3_600_000;

describe('Messenger sends and the 24-hour / HUMAN_AGENT rules', () => {
  it('sends a RESPONSE inside 24 hours, with our id as metadata so the echo can be tied back', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { recipient_id: PSID, message_id: 'm_sent_1' } },
    ]);
    const adapter = createMessengerAdapter({ ...base, fetch, graphVersion: 'v21.0' });
    const result = await adapter.send(outbound(), sendContext(2 * HOUR));
    expect(result).toMatchObject({
      externalId: 'm_sent_1',
      status: 'sent',
      from: { kind: 'messenger', value: PAGE },
      thread: { keys: ['messenger:m_sent_1'] },
    });
    expect(calls[0]!.url).toBe('https://graph.facebook.com/v21.0/me/messages');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer EAAG-token');
    expect(calls[0]!.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Your parcel ships tomorrow.', metadata: 'msg_1' },
    });
  });

  it('sends attachments by URL, one Send API call each', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { recipient_id: PSID, message_id: 'm_text' } },
      { status: 200, body: { recipient_id: PSID, message_id: 'm_img' } },
    ]);
    const adapter = createMessengerAdapter({ ...base, fetch });
    const attachments = [
      { id: 'a1', contentType: 'image/png', size: 10, url: 'https://cdn.example.com/label.png' },
    ];
    const result = await adapter.send(outbound({ attachments }), sendContext(HOUR));
    expect(calls[1]!.body.message).toMatchObject({
      attachment: { type: 'image', payload: { url: 'https://cdn.example.com/label.png', is_reusable: true } },
    });
    expect(result.metadata).toMatchObject({ externalIds: ['m_text', 'm_img'] });
  });

  it('between 24 hours and 7 days: refused by default, sent with the HUMAN_AGENT tag when enabled', async () => {
    const closed = createMessengerAdapter({ ...base, fetch: fakeFetch([]).fetch });
    expect(closed.replyWindow!(makeConversation(), sendContext(30 * HOUR).lastInbound, NOW)).toEqual({
      open: false,
      closesAt: new Date(NOW.getTime() - 30 * HOUR + 24 * HOUR).toISOString(),
    });
    await expect(closed.send(outbound(), sendContext(30 * HOUR))).rejects.toSatisfy(isReplyWindowClosedError);

    const { fetch, calls } = fakeFetch([{ status: 200, body: { recipient_id: PSID, message_id: 'm_tag' } }]);
    const tagged = createMessengerAdapter({ ...base, fetch, humanAgentTag: true });
    expect(tagged.replyWindow!(makeConversation(), sendContext(30 * HOUR).lastInbound, NOW).open).toBe(true);
    await tagged.send(outbound(), sendContext(30 * HOUR));
    expect(calls[0]!.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('after 7 days, or with no inbound message at all: ReplyWindowClosedError before any request', async () => {
    const { fetch, calls } = fakeFetch([]);
    const adapter = createMessengerAdapter({ ...base, fetch, humanAgentTag: true });
    await expect(adapter.send(outbound(), sendContext(8 * 24 * HOUR))).rejects.toSatisfy(
      isReplyWindowClosedError,
    );
    await expect(adapter.send(outbound(), sendContext(undefined))).rejects.toSatisfy(
      isReplyWindowClosedError,
    );
    expect(calls).toHaveLength(0);
  });

  it('maps Send API errors to typed errors', async () => {
    const graphError = (code: number, subcode?: number) => ({
      status: 400,
      body: {
        error: {
          message: 'refused',
          type: 'OAuthException',
          code,
          ...(subcode ? { error_subcode: subcode } : {}),
          fbtrace_id: 'AbC',
        },
      },
    });
    const { fetch } = fakeFetch([
      graphError(10, 2018278),
      graphError(613),
      graphError(4),
      graphError(551),
      { status: 500, body: { error: { code: 2, message: 'try later' } } },
    ]);
    const adapter = createMessengerAdapter({ ...base, fetch });
    const ctx = sendContext(HOUR);
    await expect(adapter.send(outbound(), ctx)).rejects.toSatisfy(isReplyWindowClosedError);
    await expect(adapter.send(outbound(), ctx)).rejects.toSatisfy(isRateLimitedError);
    await expect(adapter.send(outbound(), ctx)).rejects.toSatisfy(isRateLimitedError);
    const unavailable = await adapter.send(outbound(), ctx).catch((e: unknown) => e);
    expect(isSendFailedError(unavailable) && [unavailable.providerCode, unavailable.retryable]).toEqual([
      '551',
      false,
    ]);
    const transient = await adapter.send(outbound(), ctx).catch((e: unknown) => e);
    expect(isSendFailedError(transient) && transient.retryable).toBe(true);
  });

  it('Instagram sends omit Messenger-only metadata and refuse non-Instagram recipients', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { recipient_id: '5300000000000001', message_id: 'ig_m_1' } },
    ]);
    const adapter = createInstagramAdapter({ ...base, igUserId: '17841400000000001', fetch });
    const ctx = sendContext(HOUR);
    await expect(adapter.send(outbound(), ctx)).rejects.toThrow(/instagram page-scoped id/);
    await adapter.send(
      outbound({ channel: 'instagram', to: [{ kind: 'instagram', value: '5300000000000001' }] }),
      ctx,
    );
    expect(calls[0]!.body).toEqual({
      recipient: { id: '5300000000000001' },
      messaging_type: 'RESPONSE',
      message: { text: 'Your parcel ships tomorrow.' },
    });
  });
});
