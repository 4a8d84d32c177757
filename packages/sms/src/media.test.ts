import { createHash } from 'node:crypto';
import { isPayloadTooLargeError, isValidationError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SID, AUTH_TOKEN, inboundMms } from '../test/payloads.js';
import { createSmsAdapter } from './adapter.js';
import { parseTwilioWebhook } from './webhook/parse.js';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

function recordingFetch(body: Uint8Array<ArrayBuffer>, init: ResponseInit = {}) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetchImpl = (async (input: string | URL | Request, options?: RequestInit) => {
    calls.push({ url: String(input), headers: { ...(options?.headers as Record<string, string>) } });
    return new Response(body as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { 'content-type': 'image/jpeg' },
      ...init,
    });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const mmsAttachments = () => {
  const [event] = parseTwilioWebhook({ params: inboundMms, receivedAt: '2026-03-02T10:00:00.000Z' });
  if (event?.type !== 'message') throw new Error('expected a message');
  return event.message.attachments ?? [];
};

describe('fetchMedia', () => {
  it("downloads an MMS attachment with the account's Basic auth and fills size and sha256", async () => {
    const { fetchImpl, calls } = recordingFetch(jpeg);
    const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch: fetchImpl });
    const attachment = mmsAttachments()[0]!;
    const media = await sms.fetchMedia(attachment);
    expect(calls[0]?.url).toBe(inboundMms.MediaUrl0);
    expect(calls[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(media.bytes).toEqual(jpeg);
    expect(media.attachment).toMatchObject({
      id: 'ME88ee37a8772f605eb9a588dca17b62ba',
      contentType: 'image/jpeg',
      size: jpeg.byteLength,
      sha256: createHash('sha256').update(jpeg).digest('hex'),
    });
  });

  it('never sends the credentials to a host that is not Twilio', async () => {
    const { fetchImpl, calls } = recordingFetch(jpeg);
    const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch: fetchImpl });
    await sms.fetchMedia({
      id: 'x',
      contentType: 'image/jpeg',
      url: 'https://evil.example.com/api.twilio.com/Media/ME1',
    });
    expect(calls[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses a file over maxMediaBytes, and reports HTTP errors', async () => {
    const big = createSmsAdapter({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      maxMediaBytes: 4,
      fetch: recordingFetch(jpeg).fetchImpl,
    });
    expect(isPayloadTooLargeError(await big.fetchMedia(mmsAttachments()[0]!).catch((e) => e))).toBe(true);
    const missing = createSmsAdapter({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      fetch: recordingFetch(new Uint8Array(), { status: 404 }).fetchImpl,
    });
    expect(isValidationError(await missing.fetchMedia(mmsAttachments()[1]!).catch((e) => e))).toBe(true);
    expect(
      isValidationError(await missing.fetchMedia({ id: 'no-url', contentType: 'image/png' }).catch((e) => e)),
    ).toBe(true);
  });
});
