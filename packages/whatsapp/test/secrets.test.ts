import { inspect } from 'node:util';
import { createHub, memoryStore, metaSignature } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { createWhatsAppCloudAdapter, fetchMedia } from '@omnithread/whatsapp/cloud';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, pywa } from './helpers.js';

// No secret in errors or logs: the app secret and the access token never appear in a thrown error
// (message, cause, properties), an HTTP answer, a rejected record or console output.
const APP = 'AppSecretZ9x8c7v6b5n4m3';
const TOKEN = 'EAAGaccessTokenQ1w2e3r4t5y6u7i8';
const URL_ = 'https://example.com/webhooks/whatsapp';
let output: ConsoleCapture | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  output?.restore();
});
function clean(text: string) {
  expect(text).not.toContain(APP);
  expect(text).not.toContain(TOKEN);
}
const graphError = {
  status: 401,
  body: {
    error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'A1' },
  },
};

describe('WhatsApp Cloud secrets stay secret', () => {
  it('in webhook refusals, answers, rejected records and the verifySignature:false warning', async () => {
    output = captureConsole();
    createWhatsAppCloudAdapter({
      verifySignature: false,
      verifyToken: 'v',
      accessToken: TOKEN,
      phoneNumberId: '1',
    });
    const adapter = createWhatsAppCloudAdapter({
      appSecret: APP,
      verifyToken: 'v',
      accessToken: TOKEN,
      phoneNumberId: '1',
    });
    const hub = createHub({ store: memoryStore(), adapters: [adapter] });
    const body = JSON.stringify(pywa('message.json', 'text'));
    const requests = () => [
      new Request(URL_, { method: 'POST', body }),
      new Request(URL_, {
        method: 'POST',
        headers: { 'x-hub-signature-256': metaSignature('other', body) },
        body,
      }),
      new Request(URL_, {
        method: 'POST',
        headers: { 'x-hub-signature-256': metaSignature(APP, '{') },
        body: '{',
      }),
      new Request(`${URL_}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`),
    ];
    for (const request of requests()) clean(await (await hub.handle(request)).text());
    for (const request of requests())
      clean(inspect(await adapter.handle!(request).catch((e: unknown) => e), { depth: 8 }));
    clean(JSON.stringify(await hub.rejected.list()));
    expect(output!.lines.length).toBeGreaterThan(0);
    clean(output!.lines.join('\n'));
  });
  it('in Graph API send and media failures', async () => {
    const sendMock = mockFetch([graphError]);
    const adapter = createWhatsAppCloudAdapter({
      appSecret: APP,
      verifyToken: 'v',
      accessToken: TOKEN,
      phoneNumberId: '1122334455667',
      fetch: sendMock.fetch,
      clock: () => new Date(1697043223_000 + 60_000),
    });
    // One minute after the customer wrote: the service window is open, so the send reaches Graph.
    const hub = createHub({
      store: memoryStore(),
      adapters: [adapter],
      clock: () => new Date(1697043223_000 + 60_000),
    });
    const body = JSON.stringify(pywa('message.json', 'text'));
    const signed = new Request(URL_, {
      method: 'POST',
      headers: { 'x-hub-signature-256': metaSignature(APP, body) },
      body,
    });
    expect((await hub.handle(signed)).status).toBe(200);
    const [conversation] = (await hub.conversations.list()).items;
    const error = await hub.reply(conversation!.id, { text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    clean(inspect(error, { depth: 8 }));
    expect(new Headers(sendMock.calls[0]!.init?.headers).get('authorization')).toContain(TOKEN);

    const mediaMock = mockFetch([graphError]);
    const mediaError = await fetchMedia(
      { id: 'm1', providerId: '123', contentType: 'image/jpeg', size: -1 },
      { accessToken: TOKEN, fetch: mediaMock.fetch },
    ).catch((e: unknown) => e);
    expect(mediaError).toBeInstanceOf(Error);
    clean(inspect(mediaError, { depth: 8 }));
  });
});
