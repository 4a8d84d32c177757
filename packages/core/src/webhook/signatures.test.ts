import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metaSignature, twilioSignature, verifyMetaSignature, verifyTwilioSignature } from './signatures.js';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../../../../shared/fixtures/sms/twilio-signature-vectors.json', import.meta.url),
    'utf8',
  ),
);

describe('Twilio signatures (known-answer vectors from twilio-node)', () => {
  const { authToken } = vectors;
  it('computes the form-post signature', () => {
    expect(twilioSignature(authToken, vectors.formRequest.url, vectors.formRequest.params)).toBe(
      vectors.formRequest.signature,
    );
  });
  it('verifies a form post and refuses a wrong, missing or tampered one', () => {
    const { url, params, signature } = vectors.formRequest;
    expect(verifyTwilioSignature({ authToken, url, params, signature })).toBe(true);
    expect(verifyTwilioSignature({ authToken, url, params, signature: vectors.wrongSignature })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url, params, signature: null })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url, params: { ...params, Digits: '9999' }, signature })).toBe(
      false,
    );
    expect(verifyTwilioSignature({ authToken: 'other', url, params, signature })).toBe(false);
  });
  it('accepts the URL with the default port added, as Twilio may sign it', () => {
    const { url, params, signature } = vectors.formRequest;
    expect(
      verifyTwilioSignature({
        authToken,
        url: url.replace('mycompany.com', 'mycompany.com:443'),
        params,
        signature,
      }),
    ).toBe(true);
  });
  for (const name of ['jsonBodyRequest', 'emptyJsonBodyRequest'] as const) {
    it(`verifies the bodySHA256 variant (${name})`, () => {
      const v = vectors[name];
      expect(verifyTwilioSignature({ authToken, url: v.url, rawBody: v.body, signature: v.signature })).toBe(
        true,
      );
      expect(
        verifyTwilioSignature({ authToken, url: v.url, rawBody: `${v.body} `, signature: v.signature }),
      ).toBe(false);
      expect(
        verifyTwilioSignature({ authToken, url: v.url, rawBody: v.body, signature: vectors.wrongSignature }),
      ).toBe(false);
    });
  }
});

describe('Meta X-Hub-Signature-256', () => {
  it('round-trips and refuses tampering', () => {
    const body = '{"object":"whatsapp_business_account"}';
    const header = metaSignature('s3cret', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyMetaSignature('s3cret', body, header)).toBe(true);
    expect(verifyMetaSignature('s3cret', body, header.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyMetaSignature('s3cret', `${body} `, header)).toBe(false);
    expect(verifyMetaSignature('wrong', body, header)).toBe(false);
    expect(verifyMetaSignature('s3cret', body, undefined)).toBe(false);
  });
});
