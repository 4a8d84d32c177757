import { inspect } from 'node:util';
import { createHub, memoryStore, metaSignature } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { createMessengerAdapter } from '@omnithread/social/messenger';
import { createXAdapter, xWebhookSignature } from '@omnithread/social/x';
import nock from 'nock';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeFetch, fixture } from './helpers.js';

// No secret in errors or logs: X's consumer secret and bearer token, Meta's app secret and page
// token never appear in a thrown error (message, cause, properties), an HTTP answer, a rejected
// record or console output.
const CONSUMER = 'ConsumerSecretK8j7h6g5f4';
const BEARER = 'BearerTokenAAAAxyz987654321';
const APP = 'MetaAppSecretP0o9i8u7';
const PAGE_TOKEN = 'EAAGpageTokenL1k2j3h4g5';
const SECRETS = [CONSUMER, BEARER, APP, PAGE_TOKEN];

let output: ConsoleCapture | undefined;
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  vi.restoreAllMocks();
  nock.cleanAll();
  output?.restore();
});
afterAll(() => nock.enableNetConnect());
function clean(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}
const x = (verifySignature = true) =>
  createXAdapter({
    client: new TwitterApi(BEARER),
    userId: '3001',
    consumerSecret: CONSUMER,
    verifySignature,
    pollMentions: false,
  });
const messenger = (options: { verifySignature?: boolean; fetch?: typeof fetch } = {}) =>
  createMessengerAdapter({
    appSecret: APP,
    verifyToken: 'v',
    pageAccessToken: PAGE_TOKEN,
    pageId: '104000000000001',
    ...options,
  });

describe('social secrets stay secret', () => {
  it('in webhook refusals, answers, rejected records and verifySignature:false warnings', async () => {
    output = captureConsole();
    x(false);
    messenger({ verifySignature: false });
    const hub = createHub({ store: memoryStore(), adapters: [x(), messenger()] });
    const xBody = JSON.stringify(fixture('x/aaa-dm.json'));
    const mBody = JSON.stringify(fixture('meta/messenger-text.json'));
    const requests = () => [
      new Request('https://e.x/webhooks/x', { method: 'POST', body: xBody }),
      new Request('https://e.x/webhooks/x', {
        method: 'POST',
        headers: { 'x-twitter-webhooks-signature': xWebhookSignature('no', xBody) },
        body: xBody,
      }),
      new Request('https://e.x/webhooks/x', {
        method: 'POST',
        headers: { 'x-twitter-webhooks-signature': xWebhookSignature(CONSUMER, '[') },
        body: '[',
      }),
      new Request('https://e.x/webhooks/x?crc_token='),
      new Request('https://e.x/webhooks/messenger', {
        method: 'POST',
        headers: { 'x-hub-signature-256': 'sha256=00' },
        body: mBody,
      }),
      new Request('https://e.x/webhooks/messenger', {
        method: 'POST',
        headers: { 'x-hub-signature-256': metaSignature(APP, '{"object":1}') },
        body: '{"object":1}',
      }),
    ];
    for (const request of requests()) clean(await (await hub.handle(request)).text());
    const [xa, ma] = [x(), messenger()];
    for (const request of requests()) {
      const adapter = request.url.includes('/x') ? xa : ma;
      clean(inspect(await adapter.handle!(request).catch((e: unknown) => e), { depth: 8 }));
    }
    clean(JSON.stringify(await hub.rejected.list()));
    expect(output!.lines.length).toBeGreaterThanOrEqual(2);
    clean(output!.lines.join('\n'));
  });
  it('in X API failures (twitter-api-v2 errors keep the request) and Meta Send API failures', async () => {
    nock('https://api.x.com')
      .get(/.*/)
      .reply(401, { title: 'Unauthorized', status: 401, detail: 'Unauthorized' });
    const pollError = await x()
      .poll(async () => {})
      .catch((e: unknown) => e);
    expect(pollError).toBeInstanceOf(Error);
    clean(inspect(pollError, { depth: 8, showHidden: true }));

    const { fetch, calls } = fakeFetch([
      {
        status: 400,
        body: {
          error: {
            message: 'Invalid OAuth access token - Cannot parse access token',
            type: 'OAuthException',
            code: 190,
          },
        },
      },
    ]);
    let now = new Date('2030-01-01T00:00:00Z');
    const hub = createHub({ store: memoryStore(), adapters: [messenger({ fetch })], clock: () => now });
    const body = JSON.stringify(fixture('meta/messenger-text.json'));
    const signed = new Request('https://e.x/webhooks/messenger', {
      method: 'POST',
      headers: { 'x-hub-signature-256': metaSignature(APP, body) },
      body,
    });
    expect((await hub.handle(signed)).status).toBe(200);
    const [conversation] = (await hub.conversations.list()).items;
    now = new Date(Date.parse(conversation!.lastMessageAt) + 60_000);
    const sendError = await hub.reply(conversation!.id, { text: 'hi' }).catch((e: unknown) => e);
    expect(sendError).toBeInstanceOf(Error);
    expect(calls).toHaveLength(1);
    clean(inspect(sendError, { depth: 8, showHidden: true }));
  });
});
