import {
  readBody,
  timingSafeEqualString,
  verifyMetaSignature,
  WebhookVerificationError,
} from '@omnithread/core';
import { parseJsonBody } from '../common/payload.js';

export interface MetaWebhookOptions {
  appSecret: string;
  verifyToken: string;
  verifySignature: boolean;
  maxBodyBytes?: number;
}

export type MetaWebhookRequest =
  | { kind: 'challenge'; response: Response }
  | { kind: 'payload'; payload: unknown };

/**
 * The Graph webhook handshake and signature check, shared by Messenger and Instagram:
 * - GET with `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge` → echo the challenge when
 *   the token matches, else `WebhookVerificationError`;
 * - POST → verify `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret) BEFORE
 *   parsing, then parse the JSON.
 */
export async function readMetaWebhook(
  request: Request,
  options: MetaWebhookOptions,
): Promise<MetaWebhookRequest> {
  if (request.method === 'GET') {
    const params = new URL(request.url).searchParams;
    const challenge = params.get('hub.challenge');
    if (params.get('hub.mode') !== 'subscribe' || challenge === null) {
      throw new WebhookVerificationError(
        'a Graph verification request needs hub.mode=subscribe and hub.challenge',
      );
    }
    if (!timingSafeEqualString(params.get('hub.verify_token') ?? '', options.verifyToken)) {
      throw new WebhookVerificationError('hub.verify_token does not match the configured verifyToken');
    }
    return {
      kind: 'challenge',
      response: new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain' } }),
    };
  }
  const body = await readBody(
    request,
    options.maxBodyBytes === undefined ? {} : { maxBytes: options.maxBodyBytes },
  );
  if (options.verifySignature) {
    const header = request.headers.get('x-hub-signature-256');
    if (!header) throw new WebhookVerificationError('missing X-Hub-Signature-256 header');
    if (!verifyMetaSignature(options.appSecret, body, header)) {
      throw new WebhookVerificationError('X-Hub-Signature-256 does not match the body');
    }
  }
  return { kind: 'payload', payload: parseJsonBody(body) };
}
