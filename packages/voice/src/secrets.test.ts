import { inspect } from 'node:util';
import { createHub, memoryStore, twilioSignature } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVoiceAdapter } from './adapter.js';
import { callStatus, URL_ } from './test-helpers.js';

// No secret in errors or logs, and credentials only ever sent to Twilio's own host.
const SECRET = 'VoiceAuthTokenS3cr3t000000000000';
const ACCOUNT = 'AC00000000000000000000000000000000';
const BASIC = Buffer.from(`${ACCOUNT}:${SECRET}`).toString('base64');
let output: ConsoleCapture | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  output?.restore();
});
function clean(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(BASIC);
}
/** A Twilio-signed JSON post (Intelligence webhooks are JSON, signed over the body's SHA-256). */
async function signedJson(payload: unknown): Promise<Request> {
  const body = JSON.stringify(payload);
  const hash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString(
    'hex',
  );
  const url = `${URL_}?bodySHA256=${hash}`;
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature(SECRET, url, {}) },
    body,
  });
}
const notification = (sid: string) => ({
  account_sid: ACCOUNT,
  transcript_sid: sid,
  event_type: 'voice_intelligence_transcript_available',
});

describe('the voice auth token stays secret', () => {
  it('in refusals, answers, rejected records, API failures and the verification-off warning', async () => {
    output = captureConsole();
    createVoiceAdapter({ authToken: SECRET, verifySignature: false } as never);
    const failing = (async () =>
      new Response('{"message":"Authenticate"}', { status: 401 })) as unknown as typeof fetch;
    const adapter = createVoiceAdapter({ authToken: SECRET, accountSid: ACCOUNT, fetch: failing });
    const hub = createHub({ store: memoryStore(), adapters: [adapter] });
    const form = new URLSearchParams(callStatus).toString();
    const requests = async () => [
      new Request(URL_, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      }),
      new Request(URL_, { method: 'POST', headers: { 'x-twilio-signature': 'nope' }, body: form }),
      await signedJson(notification('GT11111111111111111111111111111111')),
      await signedJson(notification('../../../etc')),
    ];
    for (const request of await requests()) clean(await (await hub.handle(request)).text());
    for (const request of await requests())
      clean(inspect(await adapter.handle!(request).catch((e: unknown) => e), { depth: 8 }));
    clean(JSON.stringify(await hub.rejected.list()));
    clean(output!.lines.join('\n'));
  });
  it('a malformed transcript_sid in an authentic notification is a 400 kept as rejected, not a 500', async () => {
    const hub = createHub({
      store: memoryStore(),
      adapters: [
        createVoiceAdapter({
          authToken: SECRET,
          accountSid: ACCOUNT,
          fetch: (() => Promise.reject(new Error('no fetch'))) as never,
        }),
      ],
    });
    const response = await hub.handle(await signedJson(notification('GT1/../../x')));
    expect(response.status).toBe(400);
    expect((await hub.rejected.list()).items[0]).toMatchObject({ raw: { transcript_sid: 'GT1/../../x' } });
  });
  it('pages are followed only on the Intelligence host: a foreign next_page_url gets no credentials', async () => {
    const hosts: string[] = [];
    const fetch = (async (input: string) => {
      const url = new URL(input);
      hosts.push(url.host);
      if (url.pathname.endsWith('/Sentences'))
        return Response.json({ sentences: [], meta: { next_page_url: 'https://evil.example/steal' } });
      return Response.json({ sid: 'GT11111111111111111111111111111111', customer_key: callStatus.CallSid });
    }) as unknown as typeof globalThis.fetch;
    const adapter = createVoiceAdapter({ authToken: SECRET, accountSid: ACCOUNT, fetch });
    await adapter.handle!(await signedJson(notification('GT11111111111111111111111111111111'))).catch(
      () => undefined,
    );
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts).not.toContain('evil.example');
  });
});
