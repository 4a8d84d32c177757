import {
  isRateLimitedError,
  isReplyWindowClosedError,
  isSendFailedError,
  type OutboundMessage,
  type SendContext,
} from '@omnithread/core';
import { makeContact, makeConversation, makeMessage } from '@omnithread/core/testing';
import { createWhatsAppCloudAdapter, fetchMedia } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { APP_SECRET, mockFetch, VERIFY_TOKEN } from './helpers.js';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const GRAPH = 'https://graph.facebook.com/v24.0/1122334455667/messages';
const accepted = (id: string, waId = '972987654321') => ({
  body: { messaging_product: 'whatsapp', contacts: [{ input: waId, wa_id: waId }], messages: [{ id }] },
});

function setup(answers: Parameters<typeof mockFetch>[0], extra: Record<string, unknown> = {}) {
  const mock = mockFetch(answers);
  const adapter = createWhatsAppCloudAdapter({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    accessToken: 'EAAtoken',
    phoneNumberId: '1122334455667',
    fetch: mock.fetch,
    clock: () => NOW,
    ...extra,
  });
  return { adapter, calls: mock.calls };
}

/** A send context whose customer last wrote `hoursAgo` hours before NOW. */
function context(hoursAgo: number | undefined): SendContext {
  const contact = makeContact();
  const conversation = makeConversation({
    contactIds: [contact.id],
    channels: ['whatsapp'],
    lastChannel: 'whatsapp',
  });
  if (hoursAgo === undefined) return { conversation, contact, now: NOW };
  const sentAt = new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
  const lastInbound = makeMessage({
    conversationId: conversation.id,
    contactId: contact.id,
    channel: 'whatsapp',
    sentAt,
  });
  return { conversation, contact, lastInbound, now: NOW };
}

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_1',
    conversationId: 'cv_1',
    channel: 'whatsapp',
    to: [{ kind: 'whatsapp', value: '972987654321' }],
    text: 'Your order shipped',
    attachments: [],
    threadKeys: [],
    ...overrides,
  };
}

describe('WhatsApp Cloud send()', () => {
  it('sends text inside the window and returns the wamid as thread evidence', async () => {
    const { adapter, calls } = setup([accepted('wamid.OUT1')]);
    const result = await adapter.send(outbound({ replyToExternalId: 'wamid.IN' }), context(2));
    expect(calls[0]!.url).toBe(GRAPH);
    expect((calls[0]!.init!.headers as Record<string, string>).authorization).toBe('Bearer EAAtoken');
    expect(calls[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '972987654321',
      biz_opaque_callback_data: 'msg_1',
      type: 'text',
      text: { body: 'Your order shipped', preview_url: false },
    });
    expect(result).toMatchObject({
      externalId: 'wamid.OUT1',
      status: 'queued',
      thread: { keys: ['whatsapp:wamid.OUT1'] },
      metadata: { waId: '972987654321' },
    });
  });

  it('answers from the business number the customer wrote to (the conversation endpoint)', async () => {
    const { adapter, calls } = setup([accepted('wamid.EP')]);
    await adapter.send(outbound({ endpoint: '998877665544' }), context(1));
    expect(calls[0]!.url).toBe('https://graph.facebook.com/v24.0/998877665544/messages');
  });

  it('quotes the customer message (context.message_id) when quoteReplies is on', async () => {
    const { adapter, calls } = setup([accepted('wamid.OUT2')], { quoteReplies: true });
    await adapter.send(outbound({ replyToExternalId: 'wamid.IN' }), context(1));
    expect(calls[0]!.json).toMatchObject({ context: { message_id: 'wamid.IN' } });
  });

  it('sends to a business-scoped user id with `recipient` when no phone is known', async () => {
    const { adapter, calls } = setup([accepted('wamid.OUT3')]);
    await adapter.send(
      outbound({ to: [{ kind: 'whatsapp-bsuid', value: 'BR.1502576394655843' }] }),
      context(1),
    );
    expect(calls[0]!.json).toMatchObject({ recipient: 'BR.1502576394655843', type: 'text' });
    expect(calls[0]!.json).not.toHaveProperty('to');
  });

  it('sends media by link, by media id, and by uploading inline bytes, with the text as caption', async () => {
    const { adapter, calls } = setup([
      accepted('wamid.M1'),
      { body: { id: 'MEDIA42' } },
      accepted('wamid.M2'),
      accepted('wamid.M3'),
    ]);
    const result = await adapter.send(
      outbound({
        text: 'Here is the invoice',
        attachments: [
          {
            id: 'a1',
            contentType: 'application/pdf',
            filename: 'invoice.pdf',
            size: 10,
            url: 'https://cdn.example.com/invoice.pdf',
          },
          {
            id: 'a2',
            contentType: 'image/png',
            size: 3,
            content: Buffer.from('png').toString('base64'),
            filename: 'p.png',
          },
          { id: 'a3', contentType: 'audio/ogg', size: -1, providerId: '998877' },
        ],
      }),
      context(1),
    );
    expect(calls[0]!.json).toMatchObject({
      type: 'document',
      document: {
        link: 'https://cdn.example.com/invoice.pdf',
        caption: 'Here is the invoice',
        filename: 'invoice.pdf',
      },
    });
    expect(calls[1]!.url).toBe('https://graph.facebook.com/v24.0/1122334455667/media');
    const form = calls[1]!.init!.body as FormData;
    expect(form.get('messaging_product')).toBe('whatsapp');
    expect(form.get('type')).toBe('image/png');
    expect(await (form.get('file') as Blob).text()).toBe('png');
    expect(calls[2]!.json).toMatchObject({ type: 'image', image: { id: 'MEDIA42' } });
    expect(calls[3]!.json).toMatchObject({ type: 'audio', audio: { id: '998877' } });
    expect(result.thread?.keys).toEqual(['whatsapp:wamid.M1', 'whatsapp:wamid.M2', 'whatsapp:wamid.M3']);
    expect(result.metadata?.externalIds).toEqual(['wamid.M1', 'wamid.M2', 'wamid.M3']);
  });

  it('sends text first when the first attachment cannot carry a caption', async () => {
    const { adapter, calls } = setup([accepted('wamid.T'), accepted('wamid.S')]);
    await adapter.send(
      outbound({
        text: 'sticker!',
        attachments: [{ id: 's', contentType: 'image/webp', size: -1, providerId: '55' }],
      }),
      context(1),
    );
    expect(calls.map((c) => (c.json as { type: string }).type)).toEqual(['text', 'sticker']);
  });

  it('reacts to a message, and removes the reaction with an empty emoji', async () => {
    const { adapter, calls } = setup([accepted('wamid.R1'), accepted('wamid.R2')]);
    await adapter.react({
      to: { kind: 'whatsapp', value: '972987654321' },
      messageId: 'wamid.IN',
      emoji: '👍',
    });
    await adapter.react({
      to: { kind: 'whatsapp', value: '972987654321' },
      messageId: 'wamid.IN',
      emoji: '',
    });
    expect(calls[0]!.json).toMatchObject({
      type: 'reaction',
      reaction: { message_id: 'wamid.IN', emoji: '👍' },
    });
    expect(calls[1]!.json).toMatchObject({ reaction: { emoji: '' } });
  });
});

describe('WhatsApp Cloud templates (Graph API mocked)', () => {
  it('sends a template outside the window, with plain parameters filling the body', async () => {
    const { adapter, calls } = setup([accepted('wamid.TPL')]);
    const result = await adapter.send(
      outbound({
        text: '',
        template: { name: 'order_update', language: 'en_US', parameters: ['Ada', 'A-1042'] },
      }),
      context(72),
    );
    expect(calls[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '972987654321',
      biz_opaque_callback_data: 'msg_1',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ada' },
              { type: 'text', text: 'A-1042' },
            ],
          },
        ],
      },
    });
    expect(result).toMatchObject({ externalId: 'wamid.TPL', metadata: { template: 'order_update' } });
  });

  it('passes Graph components through as they are', async () => {
    const { adapter, calls } = setup([accepted('wamid.TPL2')]);
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/h.png' } }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1042' }] },
    ];
    await adapter.send(
      outbound({ template: { name: 'shipped', language: 'pt_BR', parameters: components } }),
      context(undefined),
    );
    expect((calls[0]!.json as { template: unknown }).template).toEqual({
      name: 'shipped',
      language: { code: 'pt_BR' },
      components,
    });
  });

  it('sends a template without parameters', async () => {
    const { adapter, calls } = setup([accepted('wamid.TPL3')]);
    await adapter.send(
      outbound({ template: { name: 'hello_world', language: 'en_US' } }),
      context(undefined),
    );
    expect((calls[0]!.json as { template: unknown }).template).toEqual({
      name: 'hello_world',
      language: { code: 'en_US' },
    });
  });
});

describe('WhatsApp 24-hour window (injected clock)', () => {
  const { adapter } = setup([]);
  it('is open for 24 hours after the customer last wrote, then closed', () => {
    const at = (h: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + h * 3_600_000);
    const ctx = context(0);
    const last = { ...ctx.lastInbound!, sentAt: '2026-03-01T10:00:00.000Z' };
    expect(adapter.replyWindow(ctx.conversation, last, at(0))).toEqual({
      open: true,
      closesAt: '2026-03-02T10:00:00.000Z',
    });
    expect(adapter.replyWindow(ctx.conversation, last, at(23.99)).open).toBe(true);
    expect(adapter.replyWindow(ctx.conversation, last, at(24)).open).toBe(false);
    expect(adapter.replyWindow(ctx.conversation, last, at(100))).toEqual({
      open: false,
      closesAt: '2026-03-02T10:00:00.000Z',
    });
  });
  it('uses the conversation channel activity when no message is at hand, and is closed when the customer never wrote', () => {
    const ctx = context(undefined);
    const conversation = {
      ...ctx.conversation,
      channelActivity: {
        whatsapp: { lastMessageAt: '2026-03-02T11:00:00.000Z', lastInboundAt: '2026-03-02T11:00:00.000Z' },
      },
    };
    expect(adapter.replyWindow(conversation, undefined, NOW)).toEqual({
      open: true,
      closesAt: '2026-03-03T11:00:00.000Z',
    });
    expect(adapter.replyWindow(ctx.conversation, undefined, NOW)).toEqual({ open: false });
  });
  it('send() refuses free text outside the window with ReplyWindowClosedError, before calling Graph', async () => {
    const { adapter: a, calls } = setup([]);
    await expect(a.send(outbound(), context(25))).rejects.toSatisfy(
      (e: unknown) =>
        isReplyWindowClosedError(e) &&
        /template/.test((e as Error).message) &&
        (e as { closedAt?: string }).closedAt === '2026-03-02T11:00:00.000Z',
    );
    expect(calls).toHaveLength(0);
  });
});

describe('WhatsApp Cloud Graph errors → typed errors', () => {
  const graphError = (code: number, message: string, status = 400, headers?: Record<string, string>) => ({
    status,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        error_data: { details: `details of ${code}` },
        fbtrace_id: 'A1',
      },
    },
    ...(headers ? { headers } : {}),
  });
  it('131047 re-engagement → ReplyWindowClosedError', async () => {
    const { adapter } = setup([graphError(131047, 'Re-engagement message')]);
    await expect(adapter.send(outbound(), context(undefined))).rejects.toSatisfy(isReplyWindowClosedError);
  });
  it('130429 and 131056 → RateLimitedError, with Retry-After when given', async () => {
    const { adapter } = setup([
      graphError(130429, 'Rate limit hit', 429, { 'retry-after': '30' }),
      graphError(131056, 'Pair rate limit hit'),
    ]);
    await expect(adapter.send(outbound(), context(1))).rejects.toSatisfy(
      (e: unknown) => isRateLimitedError(e) && (e as { retryAfterMs?: number }).retryAfterMs === 30_000,
    );
    await expect(adapter.send(outbound(), context(1))).rejects.toSatisfy(isRateLimitedError);
  });
  it('anything else → SendFailedError with the provider code', async () => {
    const { adapter } = setup([
      graphError(131026, 'Message undeliverable'),
      { status: 502, body: '<html>bad gateway</html>' },
    ]);
    await expect(adapter.send(outbound(), context(1))).rejects.toSatisfy(
      (e: unknown) =>
        isSendFailedError(e) &&
        (e as { providerCode?: string }).providerCode === '131026' &&
        /undeliverable/.test((e as Error).message),
    );
    await expect(adapter.send(outbound(), context(1))).rejects.toSatisfy(
      (e: unknown) => isSendFailedError(e) && (e as { retryable: boolean }).retryable,
    );
  });
  it('a network failure is a retryable SendFailedError', async () => {
    const adapter = createWhatsAppCloudAdapter({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      accessToken: 't',
      phoneNumberId: '1',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(adapter.send(outbound(), context(1))).rejects.toSatisfy(
      (e: unknown) => isSendFailedError(e) && (e as { retryable: boolean }).retryable,
    );
  });
});

describe('fetchMedia', () => {
  it('asks Graph for the URL, then downloads it with the bearer token', async () => {
    const bytes = new TextEncoder().encode('fake jpeg bytes');
    const mock = mockFetch([
      {
        body: {
          url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453',
          mime_type: 'image/jpeg',
          id: '65463453',
        },
      },
      { body: bytes, headers: { 'content-type': 'image/jpeg' } },
    ]);
    const full = await fetchMedia(
      { id: '65463453', providerId: '65463453', contentType: 'image/jpeg', size: -1 },
      { accessToken: 'EAAtoken', fetch: mock.fetch },
    );
    expect(mock.calls[0]!.url).toBe('https://graph.facebook.com/v24.0/65463453');
    expect(mock.calls[1]!.url).toContain('lookaside.fbsbx.com');
    expect((mock.calls[1]!.init!.headers as Record<string, string>).authorization).toBe('Bearer EAAtoken');
    expect(Buffer.from(full.content!, 'base64').toString()).toBe('fake jpeg bytes');
    expect(full.size).toBe(bytes.byteLength);
    expect(full.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses media over the size limit', async () => {
    const mock = mockFetch([{ body: { url: 'https://x/y' } }, { body: new Uint8Array(2048) }]);
    await expect(
      fetchMedia(
        { id: 'm', providerId: 'm', contentType: 'image/jpeg', size: -1 },
        { accessToken: 't', fetch: mock.fetch, maxBytes: 1024 },
      ),
    ).rejects.toThrow(/limit/);
  });
});
