import { inspect } from 'node:util';
import { createHub, memoryStore } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmailAdapter } from '../adapter.js';
import { mailgunPayload, mailgunSignature, postmarkPayload } from './fixtures.js';

// No secret in errors or logs: webhook passwords, tokens and the Mailgun signing key never appear in
// a thrown error (message, cause, properties), an HTTP answer, a rejected record or console output.
const PASSWORD = 'BasicPassw0rdQz81';
const TOKEN = 'QueryTokenXy77';
const KEY = 'key-MailgunSigningKeyR5t6';
let output: ConsoleCapture | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  output?.restore();
});
function clean(text: string) {
  for (const secret of [PASSWORD, TOKEN, KEY]) expect(text).not.toContain(secret);
}
const basic = (password: string) => `Basic ${Buffer.from(`omni:${password}`).toString('base64')}`;

describe('email webhook secrets stay secret', () => {
  it('in refusals, answers, rejected records and logs', async () => {
    output = captureConsole();
    const adapter = createEmailAdapter({
      from: 'help@shop.test',
      inbound: {
        sendgrid: { basicAuth: { username: 'omni', password: PASSWORD }, token: TOKEN },
        postmark: { basicAuth: { username: 'omni', password: PASSWORD } },
        mailgun: { signingKey: KEY },
      },
    });
    const hub = createHub({ store: memoryStore(), adapters: [adapter] });
    const mailgunForm = (signature: string, timestamp = String(Math.floor(Date.now() / 1000))) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(mailgunPayload.fields)) form.set(k, v);
      form.set('timestamp', timestamp);
      form.set('token', 't'.repeat(50));
      form.set('signature', signature);
      return form;
    };
    const requests = () => [
      new Request('https://a.test/webhooks/email/postmark', {
        method: 'POST',
        body: JSON.stringify(postmarkPayload),
      }),
      new Request('https://a.test/webhooks/email/postmark', {
        method: 'POST',
        headers: { authorization: basic(`${PASSWORD}x`) },
        body: JSON.stringify(postmarkPayload),
      }),
      new Request('https://a.test/webhooks/email/postmark', {
        method: 'POST',
        headers: { authorization: basic(PASSWORD) },
        body: '{',
      }),
      new Request(`https://a.test/webhooks/email/sendgrid?token=${TOKEN}z`, {
        method: 'POST',
        headers: { authorization: basic(PASSWORD) },
        body: new FormData(),
      }),
      new Request('https://a.test/webhooks/email/mailgun', {
        method: 'POST',
        body: mailgunForm('0'.repeat(64)),
      }),
      new Request('https://a.test/webhooks/email/mailgun', {
        method: 'POST',
        body: mailgunForm(mailgunSignature('1', 't'.repeat(50), KEY), '1'),
      }),
    ];
    for (const request of requests()) clean(await (await hub.handle(request)).text());
    for (const request of requests())
      clean(inspect(await adapter.handle!(request).catch((e: unknown) => e), { depth: 8 }));
    const rejected = JSON.stringify(await hub.rejected.list());
    clean(rejected);
    expect(rejected).not.toContain('authorization');
    clean(output!.lines.join('\n'));
  });
});
