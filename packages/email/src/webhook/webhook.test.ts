import { createHub, isPayloadTooLargeError, isWebhookVerificationError, memoryStore } from '@omnithread/core';
import { adapterConformanceCases } from '@omnithread/core/testing';
import { describe, expect, it } from 'vitest';
import { createEmailAdapter, type EmailAdapterConfig } from '../adapter.js';
import { parseMime } from '../mime/parse.js';
import type { ParsedEmail } from '../mime/types.js';
import {
  BASIC,
  formRequest,
  MAILGUN_KEY,
  mailgunPayload,
  mailgunSignature,
  postmarkPayload,
  postmarkRequest,
  RAW_MIME,
  sendgridPayload,
} from './fixtures.js';
import type { InboundFormPayload, PostmarkInbound } from './payloads.js';

const config: EmailAdapterConfig = {
  from: 'Support <help@shop.test>',
  inbound: {
    sendgrid: { basicAuth: BASIC, token: 'sg-token' },
    mailgun: { signingKey: MAILGUN_KEY },
    postmark: { basicAuth: BASIC },
  },
};
const create = () => createEmailAdapter(config);
// A ParsedEmail is what parse() takes for raw MIME; over HTTP its source travels as Postmark's RawEmail.
const parsedRaw = await parseMime(RAW_MIME);
const request = (payload: unknown, mode: 'good' | 'none' | 'bad') => {
  if ((payload as ParsedEmail).type === 'parsed-email') {
    return postmarkRequest(
      { From: 'carol@example.net', Headers: [], RawEmail: (payload as ParsedEmail).raw!.data },
      mode,
    );
  }
  return (payload as InboundFormPayload).provider
    ? formRequest(payload as InboundFormPayload, mode)
    : postmarkRequest(payload as PostmarkInbound, mode);
};

describe('email adapter conformance (webhook payloads)', () => {
  for (const c of adapterConformanceCases({
    create,
    validPayloads: [postmarkPayload, sendgridPayload, mailgunPayload, parsedRaw],
    invalidPayloads: [
      { provider: 'mailgun', fields: { 'message-headers': 'not json' }, files: [] },
      { provider: 'sendgrid', fields: {}, files: [] },
      { ...postmarkPayload, FromFull: { Email: 'not-an-address' }, From: 'not-an-address' },
      { provider: 'mailgun', fields: { 'body-mime': RAW_MIME }, files: [] },
    ],
    signedRequest: (p) => request(p, 'good'),
    unsignedRequest: (p) => request(p, 'none'),
    badlySignedRequest: (p) => request(p, 'bad'),
  }))
    it(c.name, c.run);
});

describe('parse() of a ParsedEmail', () => {
  it('gives a message event keeping the MIME source as raw', () => {
    const events = create().parse(parsedRaw);
    expect(events).toHaveLength(1);
    const message = events[0]?.type === 'message' ? events[0].message : undefined;
    expect(message?.external.id).toBe('raw-1@example.net');
    expect(message?.raw).toEqual({ encoding: 'utf8', data: RAW_MIME });
  });
});

describe('provider payloads', () => {
  it('maps Postmark inbound JSON', () => {
    const [event] = create().parse(postmarkPayload);
    if (event?.type !== 'message') throw new Error('no message');
    const m = event.message;
    expect(m.from).toEqual({ kind: 'email', value: 'support@postmarkapp.com' });
    expect(m.external.id).toBe('CAK3Z6-test@mail.gmail.com');
    expect(m.thread).toEqual({
      keys: ['email:CAK3Z6-test@mail.gmail.com'],
      refs: ['email:root@example.org', 'email:parent@example.org'],
    });
    expect(m.participants?.map((p) => p.value)).toEqual([
      'yourhash+SampleHash@inbound.postmarkapp.com',
      'firstcc@postmarkapp.com',
      'secondCc@postmarkapp.com',
    ]);
    expect(m.newText).toBe('This is a test text body.');
    expect(m.metadata?.replyTo).toEqual(['replyto@postmarkapp.com']);
    expect(m.attachments?.[0]).toMatchObject({ filename: 'test.txt', size: 28 });
    expect(m.raw).toBe(postmarkPayload);
  });

  it('maps SendGrid parsed fields and attachment-info', () => {
    const [event] = create().parse(sendgridPayload);
    if (event?.type !== 'message') throw new Error('no message');
    expect(event.message.external.id).toBe(
      'CAN_P_JMvV7ZpAQhOnDienypLrJmuhN=LQWweu4yScw4jQyXY2w@mail.gmail.com',
    );
    expect(event.message.fromName).toBe('Example User');
    expect(event.message.sentAt).toBe('2016-07-27T20:53:05.000Z');
    expect(event.message.attachments?.[0]).toMatchObject({
      filename: 'hello.txt',
      contentType: 'text/plain',
      size: 5,
    });
  });

  it('maps Mailgun fields with content-id-map', () => {
    const [event] = create().parse(mailgunPayload);
    if (event?.type !== 'message') throw new Error('no message');
    expect(event.message.thread?.refs).toEqual(['email:517AC78B.5060404@mg.shop.test']);
    expect(event.message.attachments?.[0]?.contentId).toBe('part1.04060802.06030207@example.com');
    expect(event.message.newText).toBe('Hi Alice, This is Bob.');
  });
});

describe('handle()', () => {
  it('accepts raw MIME from SendGrid ("send raw"), Mailgun …/mime routes and Postmark RawEmail', async () => {
    const adapter = create();
    const sendgridRaw: InboundFormPayload = {
      provider: 'sendgrid',
      fields: { email: RAW_MIME, to: 'help@shop.test' },
      files: [],
    };
    const mailgunRaw: InboundFormPayload = {
      provider: 'mailgun',
      fields: { 'body-mime': RAW_MIME },
      files: [],
    };
    const requests = [
      formRequest(sendgridRaw, 'good'),
      formRequest(mailgunRaw, 'good', 'mailgun/mime'),
      postmarkRequest({ From: 'x@y.z', Headers: [], RawEmail: RAW_MIME }, 'good'),
    ];
    for (const r of requests) {
      const result = await adapter.handle!(r);
      expect(result.response.status).toBe(200);
      expect(result.events[0]?.type === 'message' && result.events[0].message.external.id).toBe(
        'raw-1@example.net',
      );
    }
  });

  it('refuses stale Mailgun timestamps and replayed tokens', async () => {
    const adapter = createEmailAdapter({
      from: 'help@shop.test',
      inbound: { mailgun: { signingKey: MAILGUN_KEY } },
    });
    const stale = new FormData();
    for (const [k, v] of Object.entries(mailgunPayload.fields)) stale.set(k, v);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    stale.set('timestamp', old);
    stale.set('token', 't'.repeat(50));
    stale.set('signature', mailgunSignature(old, 't'.repeat(50)));
    await expect(
      adapter.handle!(new Request('https://a.test/webhooks/email/mailgun', { method: 'POST', body: stale })),
    ).rejects.toSatisfy(isWebhookVerificationError);
    const once = formRequest(mailgunPayload, 'good');
    const redelivery = once.clone();
    const forged = await once.clone().formData();
    forged.set('subject', 'Please wire the refund to this other account');
    await expect(adapter.handle!(once)).resolves.toBeDefined();
    // Mailgun's own retry of the same request goes through (the hub's dedup makes it harmless)…
    await expect(adapter.handle!(redelivery)).resolves.toBeDefined();
    // …but its signature (timestamp + token only) cannot carry other content.
    const forgedRequest = new Request('https://app.test/webhooks/email/mailgun', {
      method: 'POST',
      body: forged,
    });
    await expect(adapter.handle!(forgedRequest)).rejects.toThrow(/already used for other content/);
  });

  it('refuses a provider that is not configured, a wrong token and oversized bodies', async () => {
    const onlyMailgun = createEmailAdapter({
      from: 'help@shop.test',
      inbound: { mailgun: { signingKey: MAILGUN_KEY } },
    });
    await expect(onlyMailgun.handle!(postmarkRequest(postmarkPayload, 'good'))).rejects.toSatisfy(
      isWebhookVerificationError,
    );
    const badToken = formRequest(sendgridPayload, 'good');
    const wrong = new Request(badToken.url.replace('sg-token', 'guess'), badToken);
    await expect(create().handle!(wrong)).rejects.toSatisfy(isWebhookVerificationError);
    const small = createEmailAdapter({ ...config, inbound: { ...config.inbound, maxBodyBytes: 100 } });
    await expect(small.handle!(postmarkRequest(postmarkPayload, 'good'))).rejects.toSatisfy(
      isPayloadTooLargeError,
    );
  });

  it('every provider refuses an unsigned or wrongly signed request with 401 and keeps nothing of it', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [create()] });
    const cases: [string, Request][] = [];
    for (const mode of ['none', 'bad'] as const) {
      cases.push([`SendGrid ${mode}`, formRequest(sendgridPayload, mode)]);
      cases.push([`Mailgun ${mode}`, formRequest(mailgunPayload, mode)]);
      cases.push([`Postmark ${mode}`, postmarkRequest(postmarkPayload, mode)]);
    }
    // Mailgun signs inside the form: a body that is no form has no signature to check.
    cases.push([
      'Mailgun, not a form',
      new Request('https://app.test/webhooks/email/mailgun', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(4096),
      }),
    ]);
    cases.push([
      'Mailgun, a broken multipart body',
      new Request('https://app.test/webhooks/email/mailgun', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=zz' },
        body: '--zz\r\nContent-Disposition: form-data; name="subject"\r\n\r\nno end',
      }),
    ]);
    for (const [name, request] of cases) {
      expect([name, (await hub.handle(request)).status]).toEqual([name, 401]);
    }
    expect((await hub.rejected.list()).items).toEqual([]);
    expect((await hub.conversations.list()).items).toEqual([]);
    // The same payloads, signed, are taken.
    for (const request of [
      formRequest(sendgridPayload, 'good'),
      formRequest(mailgunPayload, 'good'),
      postmarkRequest(postmarkPayload, 'good'),
    ])
      expect((await hub.handle(request)).status).toBe(200);
  });

  it('works through the hub router', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [create()] });
    const response = await hub.handle(postmarkRequest(postmarkPayload, 'good'));
    expect(response.status).toBe(200);
    const unsigned = await hub.handle(postmarkRequest(postmarkPayload, 'none'));
    expect(unsigned.status).toBe(401);
    const list = await hub.conversations.list();
    expect(list.items).toHaveLength(1);
  });
});
