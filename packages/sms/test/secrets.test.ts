import { inspect } from 'node:util';
import { createHub, memoryStore, twilioSignature } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSmsAdapter, fetchTwilioMedia } from '../src/index.js';
import { ACCOUNT_SID, CUSTOMER, inboundMms, inboundSms, OUR_NUMBER, WEBHOOK_URL } from './payloads.js';

// No secret in errors or logs: the auth token never appears in a thrown error (message, cause,
// properties), in an HTTP answer, or in console output, whatever goes wrong.
const SECRET = 'Zq9secretAuthTokenValue0123456789';
const BASIC = Buffer.from(`${ACCOUNT_SID}:${SECRET}`).toString('base64');

let output: ConsoleCapture | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  output?.restore();
});
function clean(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(BASIC);
}

describe('the Twilio auth token stays secret', () => {
  it('in webhook refusals, answers, rejected records and warnings', async () => {
    output = captureConsole();
    const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: SECRET, from: OUR_NUMBER });
    const unsafe = createSmsAdapter({
      accountSid: ACCOUNT_SID,
      authToken: SECRET,
      from: OUR_NUMBER,
      verifySignature: false,
    });
    const hub = createHub({ store: memoryStore(), adapters: [sms] });
    const body = new URLSearchParams(inboundSms).toString();
    const requests = () => [
      new Request(WEBHOOK_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
      new Request(WEBHOOK_URL, { method: 'POST', headers: { 'x-twilio-signature': 'bad' }, body }),
      new Request(WEBHOOK_URL, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain',
          'x-twilio-signature': twilioSignature(SECRET, WEBHOOK_URL, {}),
        },
        body: 'hi',
      }),
      new Request(WEBHOOK_URL, {
        method: 'POST',
        headers: { 'x-twilio-signature': 'x' },
        body: 'x'.repeat(300_000),
      }),
    ];
    for (const request of requests()) clean(await (await hub.handle(request)).text());
    for (const request of requests()) {
      const error = await sms.handle(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      clean(inspect(error, { depth: 8 }));
    }
    clean(JSON.stringify(await hub.rejected.list()));
    expect(unsafe.channel).toBe('sms');
    expect(output!.lines.length).toBeGreaterThan(0);
    clean(output!.lines.join('\n'));
  });
  it('in the signature-mismatch message, even with credentials or a token in webhookUrl', async () => {
    const sms = createSmsAdapter({
      accountSid: ACCOUNT_SID,
      authToken: SECRET,
      from: OUR_NUMBER,
      webhookUrl: `https://twilio:${SECRET}@support.example.com/webhooks/sms?token=${SECRET}`,
    });
    const body = new URLSearchParams(inboundSms).toString();
    const error = await sms
      .handle(new Request(WEBHOOK_URL, { method: 'POST', headers: { 'x-twilio-signature': 'bad' }, body }))
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('https://support.example.com/webhooks/sms?…');
    clean(inspect(error, { depth: 8 }));
  });
  it('in media fetch failures (the token travels as Basic auth to Twilio only)', async () => {
    const seen: Request[] = [];
    const answers = [
      new Response('{"code":20003,"message":"Authenticate"}', { status: 401 }),
      new Error('ECONNRESET'),
    ];
    for (const answer of answers) {
      const fetch = (async (url: URL, init: RequestInit) => {
        seen.push(new Request(url, init));
        if (answer instanceof Error) throw answer;
        return answer;
      }) as unknown as typeof globalThis.fetch;
      const error = await fetchTwilioMedia(
        { id: 'ME1', url: inboundMms.MediaUrl0!, contentType: 'image/jpeg' },
        { accountSid: ACCOUNT_SID, authToken: SECRET, fetch },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      clean(inspect(error, { depth: 8 }));
    }
    expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${BASIC}`);
    // A media URL that is not Twilio's gets no credentials.
    const foreign: Request[] = [];
    await fetchTwilioMedia(
      { id: 'ME2', url: `https://evil.example/${CUSTOMER}`, contentType: 'image/jpeg' },
      {
        accountSid: ACCOUNT_SID,
        authToken: SECRET,
        fetch: (async (url: URL, init: RequestInit) => {
          foreign.push(new Request(url, init));
          return new Response('x', { status: 200, headers: { 'content-type': 'image/jpeg' } });
        }) as unknown as typeof globalThis.fetch,
      },
    );
    expect(foreign[0]!.headers.get('authorization')).toBeNull();
  });
});
