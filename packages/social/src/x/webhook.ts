import { hmacSha256, readBody, timingSafeEqualString, WebhookVerificationError } from '@omnithread/core';
import { jsonResponse, parseJsonBody } from '../common/payload.js';

/**
 * X Account Activity webhook security: the CRC challenge (GET with `crc_token`, answered with
 * `sha256=` + base64 HMAC-SHA256 of the token keyed by the app's consumer secret) and the
 * `x-twitter-webhooks-signature` header on every POST (the same HMAC over the raw body).
 */

/** The `response_token` for a CRC challenge. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${hmacSha256(consumerSecret, crcToken, 'base64')}`;
}

/** The `x-twitter-webhooks-signature` value X sends for a body. */
export function xWebhookSignature(consumerSecret: string, rawBody: string): string {
  return `sha256=${hmacSha256(consumerSecret, rawBody, 'base64')}`;
}

/** Verifies `x-twitter-webhooks-signature` in constant time. */
export function verifyXSignature(
  consumerSecret: string,
  rawBody: string,
  header: string | null | undefined,
): boolean {
  if (!header || !consumerSecret) return false;
  return timingSafeEqualString(xWebhookSignature(consumerSecret, rawBody), header.trim());
}

export type XWebhookRequest = { kind: 'crc'; response: Response } | { kind: 'payload'; payload: unknown };

export interface XWebhookOptions {
  consumerSecret: string;
  verifySignature: boolean;
  maxBodyBytes?: number;
}

export async function readXWebhook(request: Request, options: XWebhookOptions): Promise<XWebhookRequest> {
  if (request.method === 'GET') {
    const token = new URL(request.url).searchParams.get('crc_token');
    if (!token) return { kind: 'crc', response: jsonResponse(400, { error: 'crc_token is missing' }) };
    return {
      kind: 'crc',
      response: jsonResponse(200, { response_token: crcResponseToken(options.consumerSecret, token) }),
    };
  }
  const body = await readBody(
    request,
    options.maxBodyBytes === undefined ? {} : { maxBytes: options.maxBodyBytes },
  );
  if (options.verifySignature) {
    const header = request.headers.get('x-twitter-webhooks-signature');
    if (!header) throw new WebhookVerificationError('missing x-twitter-webhooks-signature header');
    if (!verifyXSignature(options.consumerSecret, body, header)) {
      throw new WebhookVerificationError('x-twitter-webhooks-signature does not match the body');
    }
  }
  return { kind: 'payload', payload: parseJsonBody(body) };
}
