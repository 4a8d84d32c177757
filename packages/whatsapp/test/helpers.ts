import { readdirSync, readFileSync } from 'node:fs';
import { metaSignature } from '@omnithread/core';

export const PYWA_DIR = new URL('../../../../shared/fixtures/whatsapp/pywa/', import.meta.url);

/** Every envelope of the pywa fixtures: `{ file, name, envelope }`. */
export function pywaEnvelopes(): Array<{ file: string; name: string; envelope: unknown }> {
  const out: Array<{ file: string; name: string; envelope: unknown }> = [];
  for (const file of readdirSync(PYWA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const doc = JSON.parse(readFileSync(new URL(file, PYWA_DIR), 'utf8')) as Record<string, unknown>;
    for (const [name, envelope] of Object.entries(doc)) out.push({ file, name, envelope });
  }
  return out;
}

export function pywa(file: string, name: string): unknown {
  const doc = JSON.parse(readFileSync(new URL(file, PYWA_DIR), 'utf8')) as Record<string, unknown>;
  return doc[name];
}

export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'verify-me';

export function signedRequest(
  body: string,
  url = 'https://example.com/webhooks/whatsapp',
  secret = APP_SECRET,
): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(secret, body) },
    body,
  });
}

/** A minimal inbound Cloud envelope for tests that need their own numbers and ids. */
export function envelope(
  message: Record<string, unknown>,
  contact: Record<string, unknown>,
  phoneNumberId = '1122334455667',
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: [contact],
              messages: [message],
            },
          },
        ],
      },
    ],
  };
}

export const unix = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

/** A recording fetch that answers from a queue of responses. */
export function mockFetch(
  answers: Array<{ status?: number; body: unknown; headers?: Record<string, string> }>,
) {
  const calls: Array<{ url: string; init: RequestInit | undefined; json: unknown }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    let json: unknown;
    if (typeof init?.body === 'string') json = JSON.parse(init.body);
    calls.push({ url, init, json });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected fetch ${url}`);
    const body = next.body instanceof Uint8Array ? next.body : JSON.stringify(next.body);
    return new Response(body, {
      status: next.status ?? 200,
      headers: next.headers ?? { 'content-type': 'application/json' },
    });
  };
  return { fetch, calls };
}
