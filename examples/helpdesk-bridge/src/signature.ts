import { hmacSha256, timingSafeEqualString, WebhookVerificationError } from '@omnithread/core';

/**
 * How the helpdesk signs its webhooks to the bridge (the scheme Stripe and Slack use): the signature
 * covers the timestamp as well as the body, so a captured request cannot be replayed once the
 * timestamp is outside the tolerance window, and the timestamp cannot be changed without the secret.
 */
export const TIMESTAMP_HEADER = 'X-Helpdesk-Timestamp';
export const SIGNATURE_HEADER = 'X-Helpdesk-Signature';
/** How far the timestamp may be from our clock, either way (clock skew), by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function helpdeskSignature(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${hmacSha256(secret, `${timestamp}.${body}`, 'hex')}`;
}

/** The two headers of a webhook signed at `nowMs` (what the helpdesk, and the mock helpdesk, send). */
export function signedHeaders(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: helpdeskSignature(secret, timestamp, body),
  };
}

export interface VerifyHelpdeskSignatureOptions {
  secret: string;
  toleranceSeconds: number;
  /** Our clock, in ms. */
  nowMs: number;
}

/**
 * Checks a webhook's timestamp and signature; returns the timestamp (unix seconds). Throws
 * `WebhookVerificationError` naming what is wrong: a missing or malformed timestamp, one outside the
 * window, a missing or wrong signature.
 */
export function verifyHelpdeskSignature(
  headers: Headers,
  body: string,
  options: VerifyHelpdeskSignatureOptions,
): number {
  const given = headers.get(TIMESTAMP_HEADER);
  if (given === null) throw new WebhookVerificationError(`Missing ${TIMESTAMP_HEADER}`);
  // Digits only: "1e9", "0x10", " 12" or "-5" would be read as numbers by Number() but are not what
  // the helpdesk signs, and accepting them would let one signature stand for several spellings.
  if (!/^\d{1,12}$/.test(given))
    throw new WebhookVerificationError(`${TIMESTAMP_HEADER} is not unix seconds: ${given.slice(0, 40)}`);
  const timestamp = Number(given);
  const skewSeconds = Math.abs(options.nowMs / 1000 - timestamp);
  if (skewSeconds > options.toleranceSeconds)
    throw new WebhookVerificationError(
      `${TIMESTAMP_HEADER} is ${Math.round(skewSeconds)} s from our clock, over the ${options.toleranceSeconds} s tolerance (a stale or replayed request, or a skewed clock)`,
    );
  const signature = headers.get(SIGNATURE_HEADER);
  if (!signature) throw new WebhookVerificationError(`Missing ${SIGNATURE_HEADER}`);
  if (!timingSafeEqualString(helpdeskSignature(options.secret, given, body), signature))
    throw new WebhookVerificationError(`Wrong ${SIGNATURE_HEADER}`);
  return timestamp;
}
