import type { AddressInfo } from 'node:net';
import { createHub, memoryStore } from '@omnithread/core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../adapter.js';
import { parseEmail } from '../mime/email.js';
import { parseMime } from '../mime/parse.js';
import { replySubject, threadingHeaders } from './headers.js';

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

describe('replySubject and threadingHeaders', () => {
  it.each([
    ['Order 42', 'Re: Order 42'],
    ['Re: Order 42', 'Re: Order 42'],
    ['RE: Re: re: Order 42', 'Re: Order 42'],
    ['AW: Bestellung', 'Re: Bestellung'],
    ['Fwd: Invoice', 'Re: Fwd: Invoice'],
    ['', 'Re:'],
  ])('%j → %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });

  it('puts the answered message last in References and skips other channels', () => {
    expect(threadingHeaders(['email:root@x', 'sms:SM1', 'email:b@x', 'email:a@x'], 'b@x')).toEqual({
      inReplyTo: '<b@x>',
      references: ['<root@x>', '<a@x>', '<b@x>'],
    });
    expect(threadingHeaders([])).toEqual({ references: [] });
  });
});

describe('sending over a real SMTP server (smtp-server on 127.0.0.1)', () => {
  const inbox: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          inbox.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends a reply with threading headers that threads back with the original in the hub', async () => {
    const email = createEmailAdapter({
      from: 'Shop Support <help@shop.test>',
      messageIdDomain: 'mail.shop.test',
      smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
    });
    const hub = createHub({ store: memoryStore(), adapters: [email] });
    const original = [
      'From: Ann <ann@example.org>',
      'To: help@shop.test',
      'Subject: Where is order 42?',
      'Message-ID: <q1@example.org>',
      'References: <older@example.org>',
      'In-Reply-To: <older@example.org>',
      'Date: Mon, 02 Mar 2026 09:00:00 +0000',
      '',
      'It has not arrived.',
    ].join('\r\n');
    const [event] = await parseEmail(original, { addresses: ['help@shop.test'] });
    const ingested = await hub.ingest(event!);
    if (ingested.type !== 'message') throw new Error('expected a message');
    const conversationId = ingested.message.conversationId;

    const sent = await hub.reply(conversationId, {
      text: 'It ships today.',
      html: '<p>It ships today.</p>',
      attachments: [
        {
          id: 'a1',
          contentType: 'text/plain',
          filename: 'label.txt',
          size: 5,
          content: Buffer.from('label').toString('base64'),
        },
      ],
    });
    expect(sent.status).toBe('sent');
    expect(sent.external.id).toMatch(/@mail\.shop\.test$/);

    expect(inbox).toHaveLength(1);
    const delivered = inbox[0]!;
    expect(delivered.to).toEqual(['ann@example.org']);
    const parsed = await parseMime(delivered.raw);
    expect(parsed.subject).toBe('Re: Where is order 42?');
    expect(parsed.messageId).toBe(sent.external.id);
    expect(parsed.inReplyTo).toEqual(['q1@example.org']);
    expect(parsed.references).toEqual(['older@example.org', 'q1@example.org']);
    expect(parsed.text?.trim()).toBe('It ships today.');
    expect(parsed.html).toContain('<p>It ships today.</p>');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['label.txt']);

    // The copy that went out, read back (a Sent folder import), is the same message in the same conversation.
    const [echo] = await parseEmail(delivered.raw, { addresses: ['help@shop.test'] });
    const again = await hub.ingest(echo!);
    expect(again.type === 'message' && again.message.conversationId).toBe(conversationId);
    expect(again.type === 'message' && again.message.id).toBe(sent.id);

    // The customer's answer to our reply threads back by its References.
    const answer = [
      'From: ann@example.org',
      'To: help@shop.test',
      'Subject: Re: Where is order 42?',
      'Message-ID: <q2@example.org>',
      `In-Reply-To: <${sent.external.id}>`,
      `References: <older@example.org> <q1@example.org> <${sent.external.id}>`,
      'Date: Mon, 02 Mar 2026 12:00:00 +0000',
      '',
      'Thanks!',
    ].join('\r\n');
    const [answerEvent] = await parseEmail(answer);
    const placed = await hub.ingest(answerEvent!);
    expect(placed.type === 'message' && placed.message.conversationId).toBe(conversationId);
    expect(placed.type === 'message' && placed.message.placement.rule).toBe('explicit-thread');
  });

  it('turns a refused recipient into a SendFailedError', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const refusingPort = (refusing.server.address() as AddressInfo).port;
    try {
      const email = createEmailAdapter({
        from: 'help@shop.test',
        smtp: { host: '127.0.0.1', port: refusingPort, ignoreTLS: true },
      });
      await expect(
        email.send(
          {
            id: 'm1',
            conversationId: 'c1',
            channel: 'email',
            to: [{ kind: 'email', value: 'x@example.org' }],
            text: 'hi',
            attachments: [],
            threadKeys: [],
          },
          // biome-ignore lint/suspicious/noExplicitAny: the send context is not used for a fresh message
          undefined as any,
        ),
      ).rejects.toMatchObject({ code: 'SEND_FAILED', providerCode: '550', retryable: false });
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
