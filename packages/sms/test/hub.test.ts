import { createHub, isOptedOutError, memoryStore } from '@omnithread/core';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../src/index.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  CUSTOMER,
  inboundSms,
  inboundWhatsApp,
  OUR_NUMBER,
  signedRequest,
  statusCallback,
  withBody,
} from './payloads.js';

const API = 'https://api.twilio.com';
const PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const HOUR = 3_600_000;

function created(sid: string, to = CUSTOMER, from = OUR_NUMBER) {
  const text = JSON.stringify({
    sid,
    status: 'queued',
    to,
    from,
    body: 'x',
    num_segments: '1',
    date_created: 'Mon, 02 Mar 2026 12:00:00 +0000',
  });
  return [
    text,
    { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) },
  ] as const;
}

/** A hub with the SMS adapter, both on one movable clock. */
function setup() {
  let now = new Date('2026-03-02T09:00:00.000Z');
  const clock = () => now;
  const sms = createSmsAdapter({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: OUR_NUMBER,
    statusCallbackUrl: 'https://support.example.com/webhooks/sms',
    clock,
    sleep: async () => {},
  });
  const hub = createHub({ store: memoryStore(), adapters: [sms], clock });
  return {
    hub,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('end to end through the hub', () => {
  it('an SMS and a later WhatsApp message (via Twilio) from one number: one contact, one conversation', async () => {
    const { hub, advance } = setup();
    expect((await hub.handle(signedRequest(inboundSms))).status).toBe(200);
    advance(2 * HOUR);
    expect((await hub.handle(signedRequest(inboundWhatsApp))).status).toBe(200);

    const contacts = (await hub.contacts.list()).items;
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identities.map((i) => i.kind).sort()).toEqual(['phone', 'whatsapp']);
    expect(contacts[0]!.name).toBe('Jane Doe');

    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.channels).toEqual(['sms', 'whatsapp']);
    const messages = (await hub.conversations.messages(conversations[0]!.id)).items;
    expect(messages.map((m) => m.channel)).toEqual(['sms', 'whatsapp']);
    expect(messages[1]!.placement.rule).toBe('cross-channel-continuation');
  });

  it('after the continuation window, the WhatsApp message starts a new conversation for the same contact', async () => {
    const { hub, advance } = setup();
    await hub.handle(signedRequest(inboundSms));
    advance(30 * 24 * HOUR);
    await hub.handle(signedRequest(inboundWhatsApp));
    expect((await hub.contacts.list()).items).toHaveLength(1);
    expect((await hub.conversations.list()).items).toHaveLength(2);
  });

  it('replies on the channel the customer last used: WhatsApp via Twilio', async () => {
    const { hub, advance } = setup();
    await hub.handle(signedRequest(inboundSms));
    advance(HOUR);
    await hub.handle(signedRequest(inboundWhatsApp));
    let posted: Record<string, unknown> = {};
    const scope = nock(API)
      .post(PATH, (body) => {
        posted = body;
        return true;
      })
      .reply(
        201,
        ...created('SM7a000000000000000000000000000001', `whatsapp:${CUSTOMER}`, `whatsapp:${OUR_NUMBER}`),
      );
    const conversation = (await hub.conversations.list()).items[0]!;
    const reply = await hub.reply(conversation.id, { text: 'It ships today!' });
    expect(scope.isDone()).toBe(true);
    expect(posted).toMatchObject({
      To: `whatsapp:${CUSTOMER}`,
      From: `whatsapp:${OUR_NUMBER}`,
      Body: 'It ships today!',
    });
    expect(reply).toMatchObject({
      channel: 'whatsapp',
      external: { id: 'SM7a000000000000000000000000000001' },
      metadata: { segments: 1 },
    });
  });

  it('STOP is ingested, recorded on the contact, and the hub refuses to reply; START lifts it', async () => {
    const { hub, advance } = setup();
    await hub.handle(signedRequest(withBody(inboundSms, 'STOP', 'SM5t0p0000000000000000000000000001')));
    const contact = await hub.contacts.findByIdentity({ kind: 'phone', value: CUSTOMER });
    expect(contact?.consent.sms).toMatchObject({ optedOut: true, keyword: 'STOP' });
    const conversation = (await hub.conversations.list()).items[0]!;
    expect((await hub.conversations.messages(conversation.id)).items.map((m) => m.text)).toEqual(['STOP']);

    // No interceptor and no network: a send attempt would fail with another error.
    const refused = await hub.reply(conversation.id, { text: 'Are you sure?' }).catch((e) => e);
    expect(isOptedOutError(refused)).toBe(true);
    expect(refused.message).toMatch(/opted out of sms \(STOP\)/);

    advance(60_000);
    await hub.handle(signedRequest(withBody(inboundSms, 'START', 'SM5ta70000000000000000000000000002')));
    const scope = nock(API)
      .post(PATH)
      .reply(201, ...created('SM7a000000000000000000000000000002'));
    const reply = await hub.reply(conversation.id, { text: 'Welcome back' });
    expect(reply.status).toBe('queued');
    expect(scope.isDone()).toBe(true);
  });

  it('applies delivery statuses in any arrival order, including one that beats the send', async () => {
    const { hub, advance } = setup();
    await hub.handle(signedRequest(inboundSms));
    const conversation = (await hub.conversations.list()).items[0]!;
    const sid = 'SM7a000000000000000000000000000003';
    // Twilio's "delivered" callback reaches us before the API answer is processed.
    await hub.handle(signedRequest(statusCallback(sid, 'delivered', { RawDlrDoneDate: '2603020901' })));
    nock(API)
      .post(PATH)
      .reply(201, ...created(sid));
    const reply = await hub.reply(conversation.id, { text: 'On its way' });
    expect(reply.status).toBe('delivered');

    advance(1000);
    // Then the older callbacks arrive late and out of order.
    for (const status of ['sent', 'queued']) {
      expect((await hub.handle(signedRequest(statusCallback(sid, status)))).status).toBe(200);
    }
    const stored = await hub.messages.get(reply.id);
    expect(stored.status).toBe('delivered');
    expect(stored.statusHistory.map((h) => h.status)).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivered']),
    );
    // A delivery failure reported after all that wins, with Twilio's reason kept.
    await hub.handle(signedRequest(statusCallback(sid, 'undelivered', { ErrorCode: '30003' })));
    const failed = await hub.messages.get(reply.id);
    expect(failed.status).toBe('undelivered');
    expect(failed.statusHistory.find((h) => h.status === 'undelivered')?.error).toEqual({
      code: '30003',
      message: 'the recipient handset is unreachable (off or out of coverage)',
    });
  });

  it('a webhook retry of the same message is stored once', async () => {
    const { hub } = setup();
    await hub.handle(signedRequest(inboundSms));
    await hub.handle(signedRequest(inboundSms));
    const conversation = (await hub.conversations.list()).items[0]!;
    expect((await hub.conversations.messages(conversation.id)).items).toHaveLength(1);
  });
});
