import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isPayloadTooLargeError, isWebhookParseError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { parseEmail } from './email.js';
import { normalizeMessageId, parseIdList } from './ids.js';
import { syntheticMessageId, toInboundMessage } from './message.js';
import { parseMime } from './parse.js';

const fixture = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../../shared/fixtures/email/${path}`, import.meta.url)));

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const reply = [
  'From: "Ann Example" <Ann@Example.ORG>',
  'To: support@shop.test, "Bob" <bob@example.net>',
  'Cc: =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.de>',
  'Reply-To: ann+replies@example.org',
  'Subject: =?UTF-8?Q?Re:_Caf=C3=A9_order?=',
  'Message-ID: <reply-1@example.org>',
  'In-Reply-To: <order-1@shop.test>',
  'References: <root@shop.test>\r\n <order-1@shop.test>',
  'Date: Tue, 03 Mar 2026 10:00:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related; boundary="b1"',
  '',
  '--b1',
  'Content-Type: multipart/alternative; boundary="b2"',
  '',
  '--b2',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Where is my café order?',
  '',
  'On Mon, 2 Mar 2026 at 09:00, Shop <support@shop.test> wrote:',
  '> Your order shipped.',
  '--b2',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Where is my café order?</p><img src="cid:logo@x">',
  '--b2--',
  '--b1',
  'Content-Type: image/png',
  'Content-ID: <logo@x>',
  'Content-Disposition: inline',
  'Content-Transfer-Encoding: base64',
  '',
  PNG.toString('base64'),
  '--b1--',
  '',
].join('\r\n');

describe('parseEmail', () => {
  it('maps a MIME reply onto the model', async () => {
    const [event] = await parseEmail(reply, { addresses: ['support@shop.test'] });
    expect(event?.type).toBe('message');
    if (event?.type !== 'message') return;
    const m = event.message;
    expect(m.from).toEqual({ kind: 'email', value: 'Ann@example.org' });
    expect(m.fromName).toBe('Ann Example');
    expect(m.to).toEqual([
      { kind: 'email', value: 'support@shop.test' },
      { kind: 'email', value: 'bob@example.net' },
    ]);
    // Our own mailbox is not a participant; To and Cc people are.
    expect(m.participants).toEqual([
      { kind: 'email', value: 'bob@example.net' },
      { kind: 'email', value: 'juergen@example.de' },
    ]);
    expect(m.subject).toBe('Re: Café order');
    expect(m.sentAt).toBe('2026-03-03T09:00:00.000Z');
    expect(m.thread).toEqual({
      keys: ['email:reply-1@example.org'],
      refs: ['email:root@shop.test', 'email:order-1@shop.test'],
    });
    expect(m.external).toEqual({ id: 'reply-1@example.org', threadId: 'root@shop.test' });
    expect(m.replyTo).toBe('order-1@shop.test');
    expect(m.metadata?.replyTo).toEqual(['ann+replies@example.org']);
    expect(m.text).toContain('Where is my café order?');
    expect(m.newText).toBe('Where is my café order?');
    expect(m.html).toContain('cid:logo@x');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments?.[0]).toMatchObject({
      contentType: 'image/png',
      contentId: 'logo@x',
      size: PNG.length,
    });
    const { createHash } = await import('node:crypto');
    expect(m.attachments?.[0]?.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
    expect(m.warnings).toEqual([]);
  });

  it('gives a stable synthetic Message-ID to messages without one', async () => {
    const raw = 'From: a@example.org\r\nSubject: no id\r\nDate: Tue, 03 Mar 2026 10:00:00 +0000\r\n\r\nbody';
    const first = await parseMime(raw);
    const again = await parseMime(`${raw}`);
    expect(first.messageId).toBeUndefined();
    expect(first.warnings.some((w) => w.startsWith('missing-message-id'))).toBe(true);
    expect(syntheticMessageId(first)).toBe(syntheticMessageId(again));
    const other = await parseMime(raw.replace('body', 'other body'));
    expect(syntheticMessageId(other)).not.toBe(syntheticMessageId(first));
    const m = toInboundMessage(first);
    expect(m.external.id).toBe(syntheticMessageId(first));
    expect(m.metadata?.syntheticMessageId).toBe('true');
  });

  it('refuses an invalid From with a WebhookParseError that keeps the parsed message', async () => {
    const parsed = await parseMime('From: not an address@@x\r\nMessage-ID: <x@y>\r\n\r\nhi');
    expect(() => toInboundMessage(parsed)).toThrow(
      expect.objectContaining({ code: 'WEBHOOK_PARSE', raw: parsed }),
    );
    const noFrom = await parseMime('Subject: hi\r\n\r\nhi');
    try {
      toInboundMessage(noFrom);
      expect.unreachable();
    } catch (error) {
      expect(isWebhookParseError(error) && error.path).toBe('from');
    }
  });

  it('bounds size and header count with PayloadTooLargeError', async () => {
    await expect(parseMime('From: a@b.c\r\n\r\nxxxxxxxx', { maxBytes: 10 })).rejects.toSatisfy(
      isPayloadTooLargeError,
    );
    const many = `${Array.from({ length: 50 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\nbody`;
    await expect(parseMime(many, { maxHeaders: 20 })).rejects.toSatisfy(isPayloadTooLargeError);
    await expect(parseMime(many, { maxHeaders: 60 })).resolves.toBeDefined();
  });

  it('warns about broken MIME instead of failing', async () => {
    const parsed = await parseMime(
      'From: a@example.org\r\nMessage-ID: <m@x>\r\nDate: yesterday\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\ncut off',
    );
    expect(parsed.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^invalid-date/),
        expect.stringMatching(/^unterminated-multipart/),
      ]),
    );
    expect(parsed.text).toContain('cut off');
    const m = toInboundMessage(parsed, {});
    expect(m.sentAt).toBe('1970-01-01T00:00:00.000Z');
    expect(m.warnings?.some((w) => w.includes('epoch'))).toBe(true);
  });

  it('decodes legacy charsets from a real fixture', async () => {
    const parsed = await parseMime(fixture('mikel-mail/multi_charset/japanese_iso_2022.eml'));
    expect(parsed.subject).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
  });

  it('keeps a non-UTF-8 source as base64 raw', async () => {
    const bytes = Buffer.concat([
      Buffer.from(
        'From: a@example.org\r\nMessage-ID: <l@x>\r\nContent-Type: text/plain; charset=latin1\r\n\r\ncaf',
      ),
      Buffer.from([0xe9]),
    ]);
    const parsed = await parseMime(bytes);
    expect(parsed.raw?.encoding).toBe('base64');
    expect(Buffer.from(parsed.raw!.data, 'base64').equals(bytes)).toBe(true);
    expect(parsed.text).toContain('café');
  });
});

describe('Message-ID lists', () => {
  it('normalizes ids and splits reference lists', () => {
    expect(normalizeMessageId('  <a@b> ')).toBe('a@b');
    expect(parseIdList('<a@b> <c@d>\r\n\t<a@b>')).toEqual(['a@b', 'c@d']);
    expect(parseIdList('a@b c@d')).toEqual(['a@b', 'c@d']);
    expect(parseIdList('<unterminated@x')).toEqual([]);
    expect(parseIdList(`${'<x@y>'.repeat(10_000)}`, 512)).toHaveLength(1);
  });
});
