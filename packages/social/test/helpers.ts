import { readFileSync } from 'node:fs';
import { metaSignature } from '@omnithread/core';
import { xWebhookSignature } from '@omnithread/social/x';

/** A fixture of this package, parsed. */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8'));
}

export const APP_SECRET = 'meta-app-secret';
export const CONSUMER_SECRET = 'x-consumer-secret';

export function metaRequest(
  payload: unknown,
  signature: string | null | 'wrong',
  url = 'https://example.com/webhooks/messenger',
): Request {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature === 'wrong') headers['x-hub-signature-256'] = metaSignature('not-the-secret', body);
  else if (signature !== null) headers['x-hub-signature-256'] = signature || metaSignature(APP_SECRET, body);
  return new Request(url, { method: 'POST', headers, body });
}

export function xRequest(
  payload: unknown,
  signature: string | null | 'wrong',
  url = 'https://example.com/webhooks/x',
): Request {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature === 'wrong')
    headers['x-twitter-webhooks-signature'] = xWebhookSignature('not-the-secret', body);
  else if (signature !== null)
    headers['x-twitter-webhooks-signature'] = signature || xWebhookSignature(CONSUMER_SECRET, body);
  return new Request(url, { method: 'POST', headers, body });
}

/** A fetch double that records requests and answers from a queue. */
export function fakeFetch(
  answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>,
) {
  const calls: Array<{ url: string; init: RequestInit; body: Record<string, unknown> }> = [];
  const fn = (async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init, body: JSON.parse(String(init.body ?? '{}')) });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request to ${String(url)}`);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }) as typeof fetch;
  return { fetch: fn, calls };
}
