import {
  isNotSupportedError,
  isOptedOutError,
  isRateLimitedError,
  isReplyWindowClosedError,
  isSendFailedError,
  type OutboundMessage,
  type SendContext,
} from '@omnithread/core';
import { makeContact, makeConversation } from '@omnithread/core/testing';
import nock from 'nock';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_SID, AUTH_TOKEN, CUSTOMER, OUR_NUMBER } from '../../test/payloads.js';
import { createSmsAdapter } from '../adapter.js';
import type { SmsAdapterConfig } from '../config.js';

const API = 'https://api.twilio.com';
const PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const STATUS_URL = 'https://support.example.com/webhooks/sms';

function twilioMessage(sid: string, overrides: Record<string, unknown> = {}) {
  return {
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: 'Your parcel ships today',
    date_created: 'Mon, 02 Mar 2026 10:00:00 +0000',
    date_sent: null,
    date_updated: 'Mon, 02 Mar 2026 10:00:00 +0000',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: OUR_NUMBER,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media.json` },
    to: CUSTOMER,
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    ...overrides,
  };
}

/** A JSON reply with a Content-Length, as Twilio's API gives (the SDK's HTTP client relies on it). */
function json(body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  return {
    text,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
      ...headers,
    },
  };
}

function twilioError(status: number, code: number, message: string) {
  return json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_1',
    conversationId: 'conv_1',
    channel: 'sms',
    to: [{ kind: 'phone', value: CUSTOMER }],
    text: 'Your parcel ships today',
    attachments: [],
    threadKeys: [],
    ...overrides,
  };
}

const context: SendContext = {
  conversation: makeConversation(),
  contact: makeContact(),
  now: new Date('2026-03-02T10:00:00Z'),
};

function adapter(extra: Partial<SmsAdapterConfig> = {}) {
  const sleep = vi.fn(async (_ms: number) => {});
  const sms = createSmsAdapter({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: OUR_NUMBER,
    statusCallbackUrl: STATUS_URL,
    sleep,
    ...extra,
  });
  return { sms, sleep };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('send() through the twilio SDK, HTTP mocked with nock', () => {
  it('creates the message with body, sender and status callback, and reports segments', async () => {
    let posted: Record<string, unknown> = {};
    const scope = nock(API)
      .post(PATH, (body) => {
        posted = body;
        return true;
      })
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(201, json(twilioMessage(sid(1))).text, json(twilioMessage(sid(1))).headers);
    const result = await adapter().sms.send(outbound(), context);
    expect(scope.isDone()).toBe(true);
    expect(posted).toEqual({
      To: CUSTOMER,
      From: OUR_NUMBER,
      Body: 'Your parcel ships today',
      StatusCallback: STATUS_URL,
    });
    expect(result).toMatchObject({
      externalId: sid(1),
      status: 'queued',
      sentAt: '2026-03-02T10:00:00.000Z',
      from: { kind: 'phone', value: OUR_NUMBER },
      thread: { keys: [`twilio:${sid(1)}`] },
      metadata: { segments: 1, encoding: 'GSM-7', twilioNumSegments: 1 },
    });
  });

  it('sends media URLs, and WhatsApp replies from the whatsapp: endpoint the customer wrote to', async () => {
    let posted: Record<string, unknown> = {};
    nock(API)
      .post(PATH, (body) => {
        posted = body;
        return true;
      })
      .reply(201, json(twilioMessage(sid(2))).text, json(twilioMessage(sid(2))).headers);
    await adapter().sms.send(
      outbound({
        channel: 'whatsapp',
        endpoint: `whatsapp:${OUR_NUMBER}`,
        to: [{ kind: 'whatsapp', value: '14155550123' }],
        text: 'Here is your label',
        attachments: [
          { id: 'a1', contentType: 'application/pdf', size: 1200, url: 'https://cdn.example.com/label.pdf' },
        ],
      }),
      context,
    );
    expect(posted).toMatchObject({
      To: `whatsapp:${CUSTOMER}`,
      From: `whatsapp:${OUR_NUMBER}`,
      MediaUrl: 'https://cdn.example.com/label.pdf',
    });
  });

  it('uses the Messaging Service when no sender is configured', async () => {
    let posted: Record<string, unknown> = {};
    nock(API)
      .post(PATH, (body) => {
        posted = body;
        return true;
      })
      .reply(201, json(twilioMessage(sid(3))).text, json(twilioMessage(sid(3))).headers);
    const { sms } = adapter({ from: undefined, messagingServiceSid: 'MG9752274e9e519418a7406176694466fa' });
    await sms.send(outbound(), context);
    expect(posted).toMatchObject({ MessagingServiceSid: 'MG9752274e9e519418a7406176694466fa' });
    expect(posted.From).toBeUndefined();
  });

  it('refuses what Twilio cannot send before any HTTP call', async () => {
    const { sms } = adapter();
    const noUrl = outbound({
      attachments: [{ id: 'a1', contentType: 'image/png', size: 3, content: 'AAAA' }],
    });
    expect(isNotSupportedError(await sms.send(noUrl, context).catch((e) => e))).toBe(true);
    expect(
      isNotSupportedError(
        await sms.send(outbound({ template: { name: 'x', language: 'en' } }), context).catch((e) => e),
      ),
    ).toBe(true);
  });
});

describe('send(): retries', () => {
  it('retries 5xx with exponential backoff, then succeeds', async () => {
    const scope = nock(API)
      .post(PATH)
      .reply(503, twilioError(503, 20500, 'Service unavailable').text, twilioError(503, 20500, 'x').headers)
      .post(PATH)
      .reply(500, twilioError(500, 20500, 'Internal error').text, twilioError(500, 20500, 'x').headers)
      .post(PATH)
      .reply(201, json(twilioMessage(sid(4))).text, json(twilioMessage(sid(4))).headers);
    const { sms, sleep } = adapter();
    const result = await sms.send(outbound({ id: 'msg_retry' }), context);
    expect(result.externalId).toBe(sid(4));
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([500, 1000]);
    expect(scope.isDone()).toBe(true);
  });

  it('honours Retry-After on 429', async () => {
    const limited = twilioError(429, 20429, 'Too Many Requests');
    nock(API)
      .post(PATH)
      .reply(429, limited.text, { ...limited.headers, 'Retry-After': '7' })
      .post(PATH)
      .reply(201, json(twilioMessage(sid(5))).text, json(twilioMessage(sid(5))).headers);
    const { sms, sleep } = adapter();
    await sms.send(outbound({ id: 'msg_429' }), context);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([7000]);
  });

  it('gives up after the configured retries with a RateLimitedError carrying retryAfterMs', async () => {
    const limited = twilioError(429, 20429, 'Too Many Requests');
    const scope = nock(API)
      .post(PATH)
      .times(3)
      .reply(429, limited.text, { ...limited.headers, 'Retry-After': '2' });
    const { sms, sleep } = adapter({ retry: { retries: 2 } });
    const error = await sms.send(outbound({ id: 'msg_limited' }), context).catch((e) => e);
    expect(isRateLimitedError(error)).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    expect(sleep).toHaveBeenCalledTimes(2);
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 4xx refusal', async () => {
    const refused = twilioError(400, 21211, "The 'To' number +1555 is not a valid phone number.");
    const scope = nock(API).post(PATH).reply(400, refused.text, refused.headers);
    const { sms, sleep } = adapter();
    const error = await sms.send(outbound({ id: 'msg_invalid' }), context).catch((e) => e);
    expect(isSendFailedError(error)).toBe(true);
    expect(sleep).not.toHaveBeenCalled();
    expect(scope.isDone()).toBe(true);
  });
});

describe('send(): idempotency', () => {
  it('sends one outbound message at most once, even when send is retried', async () => {
    const scope = nock(API)
      .post(PATH)
      .once()
      .reply(201, json(twilioMessage(sid(6))).text, json(twilioMessage(sid(6))).headers);
    const { sms } = adapter();
    const first = await sms.send(outbound({ id: 'msg_once' }), context);
    const again = await sms.send(outbound({ id: 'msg_once' }), context);
    expect(again).toEqual(first);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('answers concurrent retries of one message with one Twilio send', async () => {
    const scope = nock(API)
      .post(PATH)
      .once()
      .delay(20)
      .reply(201, json(twilioMessage(sid(7))).text, json(twilioMessage(sid(7))).headers);
    const { sms } = adapter();
    const results = await Promise.all(
      [1, 2, 3].map(() => sms.send(outbound({ id: 'msg_parallel' }), context)),
    );
    expect(new Set(results.map((r) => r.externalId))).toEqual(new Set([sid(7)]));
    expect(scope.isDone()).toBe(true);
  });

  it('lets a retry send again after a definite refusal', async () => {
    const refused = twilioError(
      400,
      21408,
      'Permission to send an SMS has not been enabled for the region indicated by the To number',
    );
    nock(API)
      .post(PATH)
      .reply(400, refused.text, refused.headers)
      .post(PATH)
      .reply(201, json(twilioMessage(sid(8))).text, json(twilioMessage(sid(8))).headers);
    const { sms } = adapter();
    expect(isSendFailedError(await sms.send(outbound({ id: 'msg_again' }), context).catch((e) => e))).toBe(
      true,
    );
    expect((await sms.send(outbound({ id: 'msg_again' }), context)).externalId).toBe(sid(8));
  });

  it('refuses to resend when an earlier attempt may have reached Twilio (no answer)', async () => {
    const scope = nock(API).post(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const { sms } = adapter();
    const first = await sms.send(outbound({ id: 'msg_unknown' }), context).catch((e) => e);
    expect(isSendFailedError(first)).toBe(true);
    expect(first.retryable).toBe(false);
    expect(scope.isDone()).toBe(true);
    // No interceptor is left: a second HTTP call would fail differently.
    const second = await sms.send(outbound({ id: 'msg_unknown' }), context).catch((e) => e);
    expect(isSendFailedError(second)).toBe(true);
    expect(second.message).toMatch(/may have reached Twilio/);
  });

  it('uses a shared idempotency store when given one', async () => {
    const calls: string[] = [];
    const store = {
      claim: vi.fn(async (key: string) => {
        calls.push(`claim ${key}`);
        return { state: 'done' as const, result: { externalId: sid(9), status: 'sent' as const } };
      }),
      complete: vi.fn(async () => {}),
      markUncertain: vi.fn(async () => {}),
      release: vi.fn(async () => {}),
    };
    const { sms } = adapter({ idempotencyStore: store });
    const result = await sms.send(outbound({ id: 'msg_elsewhere' }), context);
    expect(result.externalId).toBe(sid(9));
    expect(calls).toEqual([`claim twilio:${ACCOUNT_SID}:msg_elsewhere`]);
  });
});

describe('send(): Twilio error codes become typed errors', () => {
  const cases: Array<[number, number, string, (e: unknown) => boolean, RegExp]> = [
    [
      400,
      21211,
      "The 'To' number is not a valid phone number.",
      isSendFailedError,
      /not a valid phone number/,
    ],
    [400, 21614, "'To' number is not a valid mobile number", isSendFailedError, /not a mobile number/],
    [400, 21408, 'Permission to send an SMS has not been enabled', isSendFailedError, /Geo Permissions/],
    [400, 30007, 'Message filtered', isSendFailedError, /filtered/],
    [400, 21610, 'Attempt to send to unsubscribed recipient', isOptedOutError, /unsubscribed/],
    [429, 20429, 'Too Many Requests', isRateLimitedError, /rate limit/],
    [
      400,
      63016,
      'Failed to send freeform message because you are outside the allowed window',
      isReplyWindowClosedError,
      /24-hour/,
    ],
  ];
  it.each(cases)('HTTP %i / %i', async (status, code, message, guard, text) => {
    const reply = twilioError(status, code, message);
    nock(API).post(PATH).times(4).reply(status, reply.text, reply.headers);
    const { sms } = adapter();
    const error = await sms.send(outbound({ id: `msg_${code}` }), context).catch((e) => e);
    expect(guard(error)).toBe(true);
    expect(error.message).toMatch(text);
    if (isSendFailedError(error)) expect(error.providerCode).toBe(String(code));
  });

  it("maps the SDK's own RestException when the app injects its own twilio client", async () => {
    const reply = twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
    nock(API).post(PATH).reply(400, reply.text, reply.headers);
    const { sms } = adapter({ client: twilio(ACCOUNT_SID, AUTH_TOKEN) });
    const error = await sms.send(outbound({ id: 'msg_own_client' }), context).catch((e) => e);
    expect(isOptedOutError(error)).toBe(true);
  });
});
