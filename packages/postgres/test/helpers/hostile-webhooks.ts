import { createHash } from 'node:crypto';
import { createHub, type Hub, memoryStore, mutateJson, mutateText, twilioSignature } from '@omnithread/core';
import { expectHandledOrRejected } from '@omnithread/core/testing';
import { createSmsAdapter } from '@omnithread/sms';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { PostgresTarget } from './hostile-check.js';
import { hostileText } from './hostile-events.js';
import { sequentialIds, storable, storeState } from './store-state.js';

// Authentic (correctly signed) Twilio webhooks with hostile bodies, through `hub.handle` on
// PostgreSQL: each is answered 200, or 400/413 with its raw body kept as rejected, never 500; and as
// memoryStore's hub answers the same request, with the same rejected record.

const ACCOUNT_SID = 'AC1463d34872ec53122a2fb0dd7148521e';
const AUTH_TOKEN = 'a3f1c2d4e5b6978812345678deadbeef';
const WEBHOOK_URL = 'https://support.example.com/webhooks/sms';
const CLOCK = () => new Date('2026-03-02T09:00:00Z');

/** An inbound SMS and a status callback, with the parameters Twilio documents. */
const INBOUND: Record<string, string> = {
  MessageSid: 'SM3558804311501f712c1b4772546a80e0',
  SmsSid: 'SM3558804311501f712c1b4772546a80e0',
  AccountSid: ACCOUNT_SID,
  From: '+14155550123',
  To: '+15005550006',
  Body: 'Hi, my order #1234 has not arrived yet',
  NumMedia: '0',
  NumSegments: '1',
  SmsStatus: 'received',
  ApiVersion: '2010-04-01',
};
const STATUS: Record<string, string> = {
  MessageSid: 'SM3558804311501f712c1b4772546a80e0',
  MessageStatus: 'delivered',
  AccountSid: ACCOUNT_SID,
  From: '+15005550006',
  To: '+14155550123',
  ApiVersion: '2010-04-01',
};

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A body and its content type: real payloads with hostile values, or mutated as text or JSON. */
export const hostileWebhook = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(INBOUND, STATUS),
      fc.dictionary(
        fc.constantFrom(
          'Body',
          'From',
          'MessageSid',
          'MessageStatus',
          'ProfileName',
          'NumMedia',
          'MediaUrl0',
        ),
        hostileText,
        { maxKeys: 3 },
      ),
    )
    .map(([params, values]) => ({
      body: form({ ...params, ...values }),
      type: 'application/x-www-form-urlencoded',
    })),
  fc.tuple(fc.constantFrom(INBOUND, STATUS), fc.integer()).map(([params, seed]) => ({
    body: mutateText(form(params), seed),
    type: 'application/x-www-form-urlencoded',
  })),
  fc
    .tuple(fc.constantFrom(INBOUND, STATUS), fc.integer())
    .map(([params, seed]) => ({ body: JSON.stringify(mutateJson(params, seed)), type: 'application/json' })),
);

/** A request signed the way Twilio signs it: authentic, whatever it holds. */
function signed(body: string, contentType: string): Request {
  // Sign what the server will read: the body's UTF-8 bytes decoded again (lone surrogates → U+FFFD).
  const read = new TextDecoder().decode(new TextEncoder().encode(body));
  const json = contentType.includes('json');
  const url = json
    ? `${WEBHOOK_URL}?bodySHA256=${createHash('sha256').update(read).digest('hex')}`
    : WEBHOOK_URL;
  const signature = twilioSignature(AUTH_TOKEN, url, json ? {} : new URLSearchParams(read));
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-twilio-signature': signature },
    body,
  });
}

function smsHub(store: PostgresTarget['store']): Hub {
  const sms = createSmsAdapter({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: '+15005550006',
    clock: CLOCK,
    sleep: async () => {},
  });
  return createHub({ store, adapters: [sms], clock: CLOCK, newId: sequentialIds().next });
}

export async function checkHostileWebhook(target: PostgresTarget, body: string, type: string): Promise<void> {
  await target.reset();
  const hub = smsHub(target.store);
  await expectHandledOrRejected(hub, signed(body, type), { channel: 'sms', body });
  const oracle = smsHub(memoryStore());
  await oracle.handle(signed(body, type));
  // What was stored or kept as rejected, as memoryStore's hub keeps it.
  expect(await storeState(target.store)).toEqual(storable(await storeState(oracle.store)));
  // The store is still usable: the real payload is stored.
  expect((await hub.handle(signed(form(INBOUND), 'application/x-www-form-urlencoded'))).status).toBe(200);
  expect(await target.store.findMessageByExternalId('sms', INBOUND.MessageSid!)).toBeDefined();
}
