import { verifyTwilioSignature, WebhookVerificationError } from '@omnithread/core';

export interface VerifyInput {
  authToken: string;
  /** The public URL Twilio called; defaults to the request's URL (wrong behind a proxy that rewrites it). */
  url: string;
  signature: string | null;
  contentType: string;
  body: string;
}

/**
 * Checks X-Twilio-Signature before anything is parsed: form posts are signed over the URL and the
 * sorted params; JSON posts (Intelligence webhooks) over the URL, whose `bodySHA256` must match the body.
 */
export function verifyVoiceRequest(input: VerifyInput): void {
  if (!input.signature) throw new WebhookVerificationError('missing X-Twilio-Signature header');
  const json = input.contentType.includes('json');
  const ok = json
    ? verifyTwilioSignature({
        authToken: input.authToken,
        url: input.url,
        signature: input.signature,
        rawBody: input.body,
      })
    : verifyTwilioSignature({
        authToken: input.authToken,
        url: input.url,
        signature: input.signature,
        // Every value of a repeated key is signed (Twilio's algorithm), so no collapsing to one.
        params: new URLSearchParams(input.body),
      });
  if (!ok) throw new WebhookVerificationError('X-Twilio-Signature does not match the request');
}
