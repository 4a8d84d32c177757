import { createHash, randomBytes } from 'node:crypto';
import { hmacSha256, metaSignature, twilioSignature } from '@omnithread/core';
import { xWebhookSignature } from '@omnithread/social/x';
import { SANDBOX } from './sandbox-config.js';

/**
 * Webhook requests signed the way each provider signs them, for the sandbox journey: Twilio's
 * X-Twilio-Signature over the URL and sorted form params (or `bodySHA256` for JSON), Meta's
 * X-Hub-Signature-256, X's x-twitter-webhooks-signature, Mailgun's timestamp/token HMAC.
 */
export function twilioFormRequest(url: string, params: Record<string, string>): Request {
  const body = new URLSearchParams(params);
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(SANDBOX.twilio.authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
    },
    body,
  });
}

export function twilioJsonRequest(url: string, payload: unknown): Request {
  const body = JSON.stringify(payload);
  const signedUrl = `${url}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
  return new Request(signedUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twilio-signature': twilioSignature(SANDBOX.twilio.authToken, signedUrl, {}),
    },
    body,
  });
}

export function metaRequest(url: string, payload: unknown): Request {
  const body = JSON.stringify(payload);
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': metaSignature(SANDBOX.meta.appSecret, body),
      'user-agent': 'facebookexternalua',
    },
    body,
  });
}

export function xRequest(url: string, payload: unknown): Request {
  const body = JSON.stringify(payload);
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twitter-webhooks-signature': xWebhookSignature(SANDBOX.x.consumerSecret, body),
    },
    body,
  });
}

/** Mailgun's webhook signature: hex HMAC-SHA256 of `timestamp + token` under the signing key. */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return hmacSha256(signingKey, timestamp + token, 'hex');
}

/**
 * Mailgun's "forward" route to a URL ending in `mime`: the raw message in `body-mime`, signed with a
 * fresh token and the time of the post (`postedAt`, default now; the message's own Date is its time).
 */
export function mailgunMimeRequest(
  url: string,
  mime: string,
  fields: { from: string; recipient: string; subject: string },
  postedAt: Date = new Date(),
): Request {
  const timestamp = String(Math.floor(postedAt.getTime() / 1000));
  const token = randomBytes(25).toString('hex');
  const form = new URLSearchParams({
    recipient: fields.recipient,
    sender: fields.from,
    from: fields.from,
    subject: fields.subject,
    'body-mime': mime,
    timestamp,
    token,
    signature: mailgunSignature(SANDBOX.email.signingKey, timestamp, token),
  });
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
}
