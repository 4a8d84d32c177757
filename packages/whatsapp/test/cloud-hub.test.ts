import { createHub, isReplyWindowClosedError, memoryStore } from '@omnithread/core';
import { createWhatsAppCloudAdapter } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { APP_SECRET, envelope, mockFetch, signedRequest, unix, VERIFY_TOKEN } from './helpers.js';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000);

function world(answers: Parameters<typeof mockFetch>[0] = []) {
  let now = at(0);
  const mock = mockFetch(answers);
  const adapter = createWhatsAppCloudAdapter({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    accessToken: 'EAAtoken',
    phoneNumberId: '1122334455667',
    fetch: mock.fetch,
    clock: () => now,
  });
  const hub = createHub({ store: memoryStore(), adapters: [adapter], clock: () => now });
  const post = async (payload: unknown) => {
    const response = await hub.handle(signedRequest(JSON.stringify(payload)));
    expect(response.status).toBe(200);
  };
  return { hub, calls: mock.calls, post, setNow: (d: Date) => (now = d) };
}

const text = (
  id: string,
  hours: number,
  body: string,
  from: Record<string, unknown>,
  context?: Record<string, unknown>,
) => ({
  id,
  timestamp: unix(at(hours).toISOString()),
  type: 'text',
  text: { body },
  ...from,
  ...(context ? { context } : {}),
});
const accepted = (id: string) => ({ body: { messaging_product: 'whatsapp', messages: [{ id }] } });

describe('WhatsApp identities through the hub', () => {
  const BSUID = 'BR.1502576394655843';

  it('a username user known only by BSUID, who later appears with a phone, ends as one contact with both identities', async () => {
    const { hub, post, calls, setNow } = world([accepted('wamid.OUT.bsuid')]);
    // The phone is withheld: only the business-scoped user id and a username.
    await post(
      envelope(text('wamid.A1', 0, 'oi, tudo bem?', { from_user_id: BSUID }), {
        profile: { name: 'Ana', username: 'ana.souza' },
        user_id: BSUID,
      }),
    );
    const first = await hub.contacts.findByIdentity({ kind: 'whatsapp-bsuid', value: BSUID });
    expect(first?.identities.map((i) => i.kind)).toEqual(['whatsapp-bsuid']);
    expect(first?.name).toBe('Ana');

    // A reply goes to the BSUID (`recipient`), since no phone is known.
    const conversation = (await hub.conversations.list()).items[0]!;
    setNow(at(0.5));
    await hub.reply(conversation.id, { text: 'Olá Ana!' });
    expect(calls[0]!.json).toMatchObject({ recipient: BSUID, text: { body: 'Olá Ana!' } });
    expect(calls[0]!.json).not.toHaveProperty('to');

    setNow(at(2));
    await post(
      envelope(text('wamid.A2', 2, 'meu número é este', { from: '5531988888888' }), {
        profile: { name: 'Ana' },
        wa_id: '5531988888888',
        user_id: BSUID,
      }),
    );
    const contacts = (await hub.contacts.list()).items.filter((c) => !c.mergedInto);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      `whatsapp-bsuid:${BSUID}`,
      'whatsapp:5531988888888',
    ]);
    expect((await hub.contacts.findByIdentity({ kind: 'phone', value: '+5531988888888' }))?.id).toBe(
      contacts[0]!.id,
    );
    // Both messages are one conversation.
    expect((await hub.conversations.list()).items).toHaveLength(1);
  });

  it('records the provider link when a payload carries both ids, so a later BSUID-only message finds the phone contact', async () => {
    const { hub, post } = world();
    await post(
      envelope(text('wamid.B1', 0, 'hello', { from: '14155550100' }), {
        profile: { name: 'Bo' },
        wa_id: '14155550100',
        user_id: 'US.13491208655302741918',
      }),
    );
    await post(
      envelope(text('wamid.B2', 1, 'hello again', { from_user_id: 'US.13491208655302741918' }), {
        profile: { username: 'bo' },
        user_id: 'US.13491208655302741918',
      }),
    );
    const contacts = (await hub.contacts.list()).items.filter((c) => !c.mergedInto);
    expect(contacts).toHaveLength(1);
    const bsuid = contacts[0]!.identities.find((i) => i.kind === 'whatsapp-bsuid');
    expect(bsuid).toMatchObject({ value: 'US.13491208655302741918', trust: 'provider' });
  });

  it('a Brazilian wa_id without the ninth digit joins the SMS contact of the dialled number', async () => {
    const { hub, post } = world();
    const sms = await hub.ingest({
      type: 'message',
      message: {
        channel: 'sms',
        from: { kind: 'phone', value: '+55 31 98888-8888' },
        sentAt: at(0).toISOString(),
        text: 'Oi, é a Maria',
        external: { id: 'SM1' },
        raw: {},
      },
    });
    // WhatsApp still reports the old 8-digit subscriber number for this line.
    await post(
      envelope(text('wamid.BR1', 1, 'mandei foto', { from: '553188888888' }), {
        profile: { name: 'Maria' },
        wa_id: '553188888888',
      }),
    );
    const contacts = (await hub.contacts.list()).items.filter((c) => !c.mergedInto);
    expect(contacts).toHaveLength(1);
    expect(sms.type === 'message' && sms.contact.id).toBe(contacts[0]!.id);
    expect(contacts[0]!.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      'phone:+5531988888888',
      'whatsapp:553188888888',
    ]);
  });
});

describe('WhatsApp replies thread by context.id (end to end through the hub)', () => {
  it('a reply to an outbound message lands in that message’s conversation even when a newer one is open', async () => {
    const { hub, post, setNow, calls } = world([accepted('wamid.OUT1'), accepted('wamid.TPL1')]);
    const customer = { from: '14155550100' };
    const contact = { profile: { name: 'Cy' }, wa_id: '14155550100' };
    await post(envelope(text('wamid.IN1', 0, 'where is my order?', customer), contact));
    const first = (await hub.conversations.list()).items[0]!;
    setNow(at(1));
    const sent = await hub.reply(first.id, { text: 'It ships tomorrow' });
    expect(sent.external.id).toBe('wamid.OUT1');
    expect(sent.thread.keys).toEqual(['whatsapp:wamid.OUT1']);

    // A status for our message arrives by webhook.
    await post({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '1122334455667' },
                statuses: [
                  {
                    id: 'wamid.OUT1',
                    status: 'delivered',
                    timestamp: unix(at(1.1).toISOString()),
                    recipient_id: '14155550100',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await hub.messages.get(sent.id)).status).toBe('delivered');

    // Thirty hours later a new question opens a new conversation (the session window is over)…
    setNow(at(30));
    await post(envelope(text('wamid.IN2', 30, 'new question: returns?', customer), contact));
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(2);
    const newer = conversations.find((c) => c.id !== first.id)!;
    expect(newer.status).toBe('open');

    // …and the reply window of the first conversation is closed: free text is refused, a template goes out.
    await expect(hub.reply(first.id, { text: 'any news?' }, { channel: 'whatsapp' })).rejects.toSatisfy(
      isReplyWindowClosedError,
    );
    const template = await hub.reply(
      first.id,
      { text: '', template: { name: 'order_followup', language: 'en_US' } },
      { channel: 'whatsapp' },
    );
    expect(template.external.id).toBe('wamid.TPL1');
    expect(calls.at(-1)!.json).toMatchObject({ type: 'template', template: { name: 'order_followup' } });

    // The customer swipes-to-reply on our old message: it joins the first conversation, not the newer one.
    setNow(at(31));
    await post(
      envelope(
        text('wamid.IN3', 31, 'thanks, it arrived!', customer, { from: '15550783881', id: 'wamid.OUT1' }),
        contact,
      ),
    );
    const reply = (await hub.messages.search('arrived')).items[0]!;
    expect(reply.conversationId).toBe(first.id);
    expect(reply.placement.rule).toBe('explicit-thread');
    expect(reply.replyTo).toBe('wamid.OUT1');
  });

  it('the same webhook delivered twice stores one message', async () => {
    const { hub, post } = world();
    const payload = envelope(text('wamid.DUP', 0, 'once', { from: '14155550100' }), { wa_id: '14155550100' });
    await post(payload);
    await post(payload);
    const conversation = (await hub.conversations.list()).items[0]!;
    expect((await hub.conversations.messages(conversation.id)).items).toHaveLength(1);
  });
});
