import {
  readBody,
  timingSafeEqualString,
  verifyMetaSignature,
  WebhookVerificationError,
} from '@omnithread/core';

/**
 * Answers Meta's subscription check: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
 * The challenge is echoed as text only when the token matches (compared in constant time); anything
 * else is a 403.
 */
export function answerVerificationChallenge(url: URL, verifyToken: string): Response {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge');
  if (mode === 'subscribe' && challenge !== null && timingSafeEqualString(token, verifyToken)) {
    return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  return new Response('verification failed', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

export interface VerifyPostOptions {
  appSecret: string;
  /** False only when the app turned signature checks off explicitly (the factory warns loudly). */
  verifySignature: boolean;
  maxBodyBytes: number;
}

/**
 * Reads a webhook POST's body with a size limit and checks X-Hub-Signature-256 (HMAC-SHA256 of the
 * raw body with the app secret, constant time) BEFORE anything parses it. Returns the body text.
 * Throws `WebhookVerificationError` (401) or `PayloadTooLargeError` (413).
 */
export async function readVerifiedBody(request: Request, options: VerifyPostOptions): Promise<string> {
  const body = await readBody(request, { maxBytes: options.maxBodyBytes });
  if (
    options.verifySignature &&
    !verifyMetaSignature(options.appSecret, body, request.headers.get('x-hub-signature-256'))
  ) {
    throw new WebhookVerificationError('WhatsApp Cloud webhook: missing or invalid X-Hub-Signature-256');
  }
  return body;
}
