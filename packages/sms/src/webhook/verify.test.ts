import { readFileSync } from 'node:fs';
import {
  createHub,
  isPayloadTooLargeError,
  isWebhookParseError,
  isWebhookVerificationError,
  memoryStore,
  twilioSignature,
} from '@omnithread/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  BASE_URL,
  inboundSms,
  signedRequest,
  WEBHOOK_URL,
} from '../../test/payloads.js';
import { createSmsAdapter, EMPTY_TWIML } from '../adapter.js';
import { signedUrl } from './verify.js';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../../../../shared/fixtures/sms/twilio-signature-vectors.json', import.meta.url),
    'utf8',
  ),
);

const adapterFor = (extra: Record<string, unknown> = {}) =>
  createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+15005550006', ...extra });

afterEach(() => vi.restoreAllMocks());

describe('handle(): the known-answer signature vectors', () => {
  const vectorAdapter = (url: string) => adapterFor({ authToken: vectors.authToken, webhookUrl: url });
  const formRequest = (signature: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    return new Request(vectors.formRequest.url, {
      method: 'POST',
      headers,
      body: new URLSearchParams(vectors.formRequest.params).toString(),
    });
  };

  it('accepts the form-post vector: verification passes, then the (voice) params are refused as not a message', async () => {
    // The vector is a voice-call webhook: past the signature it must fail as a parse error (400), not as 401.
    const error = await vectorAdapter(vectors.formRequest.url)
      .handle(formRequest(vectors.formRequest.signature))
      .catch((e) => e);
    expect(isWebhookParseError(error)).toBe(true);
    expect(isWebhookVerificationError(error)).toBe(false);
  });

  it('refuses the vector with a wrong or missing signature (401)', async () => {
    for (const signature of [vectors.wrongSignature, null, vectors.jsonBodyRequest.signature]) {
      const error = await vectorAdapter(vectors.formRequest.url)
        .handle(formRequest(signature))
        .catch((e) => e);
      expect(isWebhookVerificationError(error)).toBe(true);
    }
  });

  for (const name of ['jsonBodyRequest', 'emptyJsonBodyRequest'] as const) {
    it(`verifies the JSON bodySHA256 vector (${name}) and refuses a tampered body`, async () => {
      const v = vectors[name];
      const request = (body: string, signature: string) =>
        new Request(v.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
          body,
        });
      const ok = await vectorAdapter(v.url)
        .handle(request(v.body, v.signature))
        .catch((e) => e);
      expect(isWebhookParseError(ok)).toBe(true); // signed, but no MessageSid in it
      const tampered = await vectorAdapter(v.url)
        .handle(request(`${v.body} `, v.signature))
        .catch((e) => e);
      expect(isWebhookVerificationError(tampered)).toBe(true);
      const wrong = await vectorAdapter(v.url)
        .handle(request(v.body, vectors.wrongSignature))
        .catch((e) => e);
      expect(isWebhookVerificationError(wrong)).toBe(true);
    });
  }
});

describe('handle(): a signed inbound message', () => {
  it('answers valid empty TwiML as text/xml and yields the events', async () => {
    const result = await adapterFor().handle(signedRequest(inboundSms));
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await result.response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(EMPTY_TWIML).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(result.events).toMatchObject([
      { type: 'message', message: { external: { id: inboundSms.MessageSid } } },
    ]);
  });

  it('refuses a body over maxBodyBytes with PayloadTooLargeError', async () => {
    const error = await adapterFor({ maxBodyBytes: 100 })
      .handle(signedRequest(inboundSms))
      .catch((e) => e);
    expect(isPayloadTooLargeError(error)).toBe(true);
  });

  it('warns loudly, once per adapter, when verification is turned off, and then accepts unsigned requests', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const adapter = adapterFor({ verifySignature: false });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/verifySignature is OFF/);
    const result = await adapter.handle(signedRequest(inboundSms, { signature: null }));
    expect(result.events).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('URL reconstruction behind proxies', () => {
  // What the app server sees behind a TLS-terminating proxy: plain http on an internal host.
  const internal = 'http://10.0.0.5:3000/webhooks/sms?tenant=7';
  const publicUrl = `${BASE_URL}/webhooks/sms?tenant=7`;

  it('does not trust X-Forwarded-* unless told to', async () => {
    const request = signedRequest(inboundSms, {
      url: internal,
      signature: twilioSignature(AUTH_TOKEN, publicUrl, inboundSms),
    });
    const forged = new Request(request, {
      headers: {
        ...Object.fromEntries(request.headers),
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'support.example.com',
      },
    });
    expect(signedUrl(forged, {})).toBe(internal);
    const error = await adapterFor()
      .handle(forged)
      .catch((e) => e);
    expect(isWebhookVerificationError(error)).toBe(true);
    const again = signedRequest(inboundSms, {
      url: internal,
      signature: twilioSignature(AUTH_TOKEN, publicUrl, inboundSms),
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'support.example.com' },
    });
    const trusted = await adapterFor({ trustForwardedHeaders: true }).handle(again);
    expect(trusted.events).toHaveLength(1);
  });

  it('rebuilds the URL on publicBaseUrl, keeping path and query', async () => {
    const request = signedRequest(inboundSms, {
      url: internal,
      signature: twilioSignature(AUTH_TOKEN, publicUrl, inboundSms),
    });
    expect(signedUrl(request, { publicBaseUrl: BASE_URL })).toBe(publicUrl);
    const result = await adapterFor({ publicBaseUrl: BASE_URL }).handle(request);
    expect(result.events).toHaveLength(1);
  });

  it('uses the first value of a multi-proxy X-Forwarded-Host chain', () => {
    const request = new Request(internal, {
      headers: { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'support.example.com, lb.internal' },
    });
    expect(signedUrl(request, { trustForwardedHeaders: true })).toBe(
      'https://support.example.com/webhooks/sms?tenant=7',
    );
    const withPort = new Request(internal, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'support.example.com:8443' },
    });
    expect(signedUrl(withPort, { trustForwardedHeaders: true })).toBe(
      'https://support.example.com:8443/webhooks/sms?tenant=7',
    );
  });
});

describe('through the hub', () => {
  const hubWith = () => {
    const sms = adapterFor();
    return createHub({ store: memoryStore(), adapters: [sms] });
  };

  it('answers 401 to a wrong or missing signature and ingests nothing', async () => {
    const hub = hubWith();
    for (const request of [
      signedRequest(inboundSms, { signature: null }),
      signedRequest(inboundSms, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      signedRequest(inboundSms, { token: 'another-token' }),
    ]) {
      const response = await hub.handle(request);
      expect(response.status).toBe(401);
    }
    expect((await hub.contacts.list()).items).toEqual([]);
    expect((await hub.conversations.list()).items).toEqual([]);
    expect((await hub.rejected.list()).items).toEqual([]);
  });

  it('answers 400 to a signed but malformed body and keeps it as rejected', async () => {
    const hub = hubWith();
    const params = { From: '+14155550123', Body: 'no sid here', AccountSid: ACCOUNT_SID };
    const response = await hub.handle(signedRequest(params));
    expect(response.status).toBe(400);
    const rejected = (await hub.rejected.list()).items;
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ channel: 'sms', error: { code: 'WEBHOOK_PARSE' } });
    expect(rejected[0]?.raw).toBe(new URLSearchParams(params).toString());
    expect((await hub.contacts.list()).items).toEqual([]);
  });

  it('answers 400 to a body that is not a form, keeping the raw text', async () => {
    const hub = hubWith();
    const body = '<xml>not a twilio webhook</xml>';
    const request = new Request(WEBHOOK_URL, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        'x-twilio-signature': twilioSignature(AUTH_TOKEN, WEBHOOK_URL, new URLSearchParams(body)),
      },
      body,
    });
    expect((await hub.handle(request)).status).toBe(400);
    expect((await hub.rejected.list()).items[0]?.raw).toBe(body);
  });

  it('ingests a signed message and answers TwiML', async () => {
    const hub = hubWith();
    const response = await hub.handle(signedRequest(inboundSms));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(EMPTY_TWIML);
    const contact = await hub.contacts.findByIdentity({ kind: 'phone', value: '+14155550123' });
    expect(contact).toBeDefined();
  });
});
