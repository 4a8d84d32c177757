import { createHash } from 'node:crypto';
import { createHub, type InboundMessage, memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { createEmailAdapter, type EmailAdapterConfig } from '../adapter.js';
import { DEFAULT_LIMITS } from '../mime/limits.js';
import { BASIC, formRequest, MAILGUN_KEY, postmarkRequest } from './fixtures.js';
import type { InboundFormPayload, PostmarkInbound } from './payloads.js';

// The email limits of raw MIME (`maxInlineAttachmentBytes`, `maxHeaders`) hold, with the same
// defaults and outcome, for the providers' parsed webhook fields: an attachment over the limit keeps
// its metadata but not its content (the message and its text stay); too many header fields is a 413
// with the payload kept as rejected.
const inbound: EmailAdapterConfig['inbound'] = {
  sendgrid: { basicAuth: BASIC, token: 'sg-token' },
  mailgun: { signingKey: MAILGUN_KEY },
  postmark: { basicAuth: BASIC },
};
const adapterWith = (limits?: EmailAdapterConfig['limits']) =>
  createEmailAdapter({ from: 'help@shop.test', inbound, ...(limits ? { limits } : {}) });

const TEXT = 'Please see the two files attached.';
type File = { name: string; bytes: Buffer };
const b64 = (bytes: Buffer) => bytes.toString('base64');

function mime(files: File[], headerCount = 4): string {
  const fillers = Array.from({ length: headerCount - 4 }, (_, i) => `X-Filler-${i}: ${i}`);
  return [
    'From: Ann <ann@example.org>',
    'Message-ID: <files@example.org>',
    ...fillers,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    TEXT,
    ...files.flatMap((f) => [
      '--b',
      `Content-Type: application/octet-stream; name="${f.name}"`,
      `Content-Disposition: attachment; filename="${f.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(b64(f.bytes).match(/.{1,76}/g) ?? []),
    ]),
    '--b--',
    '',
  ].join('\r\n');
}

/** Header fields besides From and Message-ID, so a payload has exactly `count` of them. */
const fillers = (count: number) => Array.from({ length: count - 2 }, (_, i) => [`X-Filler-${i}`, `${i}`]);

const postmark = (files: File[], headerCount = 2): PostmarkInbound => ({
  From: 'ann@example.org',
  TextBody: TEXT,
  Headers: [
    ['From', 'Ann <ann@example.org>'],
    ['Message-ID', '<files@example.org>'],
    ...fillers(headerCount),
  ].map(([Name, Value]) => ({ Name: Name!, Value: Value! })),
  Attachments: files.map((f) => ({ Name: f.name, Content: b64(f.bytes), ContentType: 'application/pdf' })),
});
const sendgrid = (files: File[], headerCount = 2): InboundFormPayload => ({
  provider: 'sendgrid',
  fields: {
    headers: [
      ['From', 'Ann <ann@example.org>'],
      ['Message-ID', '<files@example.org>'],
      ...fillers(headerCount),
    ]
      .map(([k, v]) => `${k}: ${v}\n`)
      .join(''),
    text: TEXT,
    attachments: String(files.length),
    'attachment-info': JSON.stringify(
      Object.fromEntries(
        files.map((f, i) => [`attachment${i + 1}`, { filename: f.name, type: 'application/pdf' }]),
      ),
    ),
  },
  files: files.map((f, i) => ({
    field: `attachment${i + 1}`,
    filename: f.name,
    contentType: 'application/pdf',
    content: b64(f.bytes),
  })),
});
const mailgun = (files: File[], headerCount = 2): InboundFormPayload => ({
  provider: 'mailgun',
  fields: {
    'message-headers': JSON.stringify([
      ['From', 'Ann <ann@example.org>'],
      ['Message-Id', '<files@example.org>'],
      ...fillers(headerCount),
    ]),
    'body-plain': TEXT,
    'attachment-count': String(files.length),
  },
  files: files.map((f, i) => ({
    field: `attachment-${i + 1}`,
    filename: f.name,
    contentType: 'application/pdf',
    content: b64(f.bytes),
  })),
});

/**
 * Each way an email reaches `handle()`: a provider's parsed fields, or raw MIME inside its post. The
 * raw-MIME ways went through `parseMime` already: they are the reference the parsed ways must match.
 */
const ways: { name: string; request: (files: File[], headerCount?: number) => Request }[] = [
  { name: 'Postmark JSON', request: (f, h) => postmarkRequest(postmark(f, h), 'good') },
  { name: 'SendGrid parsed form', request: (f, h) => formRequest(sendgrid(f, h), 'good') },
  { name: 'Mailgun parsed form', request: (f, h) => formRequest(mailgun(f, h), 'good') },
  {
    name: 'Postmark RawEmail',
    request: (f, h) =>
      postmarkRequest({ From: 'ann@example.org', Headers: [], RawEmail: mime(f, h) }, 'good'),
  },
  {
    name: 'SendGrid raw form',
    request: (f, h) =>
      formRequest({ provider: 'sendgrid', fields: { email: mime(f, h) }, files: [] }, 'good'),
  },
  {
    name: 'Mailgun …/mime route',
    request: (f, h) =>
      formRequest(
        { provider: 'mailgun', fields: { 'body-mime': mime(f, h) }, files: [] },
        'good',
        'mailgun/mime',
      ),
  },
];

async function messageOf(result: Promise<{ events: { type: string }[] }>): Promise<InboundMessage> {
  const [event] = (await result).events as { type: string; message?: InboundMessage }[];
  if (event?.type !== 'message' || !event.message) throw new Error('no message');
  return event.message;
}

/** At the limit the bytes stay on the message; one byte more keeps only the metadata. */
function expectCappedAt(message: InboundMessage, atLimit: File, overLimit: File) {
  expect(message.text).toContain(TEXT);
  const [kept, capped] = message.attachments ?? [];
  expect(kept).toMatchObject({
    filename: atLimit.name,
    size: atLimit.bytes.length,
    content: b64(atLimit.bytes),
  });
  expect(capped).toMatchObject({
    filename: overLimit.name,
    size: overLimit.bytes.length,
    sha256: createHash('sha256').update(overLimit.bytes).digest('hex'),
  });
  expect(capped).not.toHaveProperty('content');
}

const filesAround = (limit: number): [File, File] => [
  { name: 'at-limit.pdf', bytes: Buffer.alloc(limit, 0x61) },
  { name: 'over-limit.pdf', bytes: Buffer.alloc(limit + 1, 0x62) },
];

describe('maxInlineAttachmentBytes on webhook attachments', () => {
  const [atDefault, overDefault] = filesAround(DEFAULT_LIMITS.maxInlineAttachmentBytes);
  for (const way of ways) {
    it(`${way.name}: the 256 KiB default, at the limit and one byte over`, async () => {
      expectCappedAt(
        await messageOf(adapterWith().handle!(way.request([atDefault, overDefault]))),
        atDefault,
        overDefault,
      );
    });
    it(`${way.name}: a configured limit (limits.maxInlineAttachmentBytes)`, async () => {
      const [at, over] = filesAround(8);
      expectCappedAt(
        await messageOf(adapterWith({ maxInlineAttachmentBytes: 8 }).handle!(way.request([at, over]))),
        at,
        over,
      );
    });
  }
  it('parse() of provider payloads applies the configured limit too', () => {
    const [at, over] = filesAround(8);
    const adapter = adapterWith({ maxInlineAttachmentBytes: 8 });
    for (const payload of [postmark([at, over]), sendgrid([at, over]), mailgun([at, over])]) {
      const [event] = adapter.parse(payload);
      if (event?.type !== 'message') throw new Error('no message');
      expectCappedAt(event.message, at, over);
    }
  });
});

describe('maxHeaders on webhook payloads', () => {
  const max = DEFAULT_LIMITS.maxHeaders;
  for (const way of ways) {
    it(`${way.name}: ${max} header fields are read, ${max + 1} answer 413 with the payload kept`, async () => {
      const hub = createHub({ store: memoryStore(), adapters: [adapterWith()] });
      expect((await hub.handle(way.request([], max))).status).toBe(200);
      const refused = way.request([], max + 1);
      const body = await refused.clone().text();
      expect((await hub.handle(refused)).status).toBe(413);
      const [rejected] = (await hub.rejected.list()).items;
      expect(rejected?.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(rejected?.error.message).toContain(`more than ${max} header fields`);
      // Kept as the adapter read it: Postmark's JSON, or the form's fields.
      const kept = JSON.stringify(rejected?.raw);
      expect(kept).toContain('X-Filler-');
      if (way.name.startsWith('Postmark')) expect(rejected?.raw).toEqual(JSON.parse(body));
    });
  }
  it('parse() of provider payloads applies a configured maxHeaders', () => {
    const adapter = adapterWith({ maxHeaders: 5 });
    for (const make of [postmark, sendgrid, mailgun]) {
      expect(adapter.parse(make([], 5))).toHaveLength(1);
      expect(() => adapter.parse(make([], 6))).toThrow(/more than 5 header fields/);
    }
  });
});
