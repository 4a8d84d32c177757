import { createHash } from 'node:crypto';
import { createHub, type InboundEvent, isNotSupportedError, memoryStore } from '@omnithread/core';
import { createWhatsAppWebAdapter } from '@omnithread/whatsapp/web';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeMessageMedia, fakeMessage, settle } from './web-fake-client.js';

const ME = '15550001111@c.us';
const CUSTOMER = '14155550100@c.us';

async function listening(options: { downloadMedia?: boolean; quoteReplies?: boolean } = {}) {
  const client = new FakeClient();
  const adapter = createWhatsAppWebAdapter({
    client,
    MessageMedia: FakeMessageMedia,
    clock: () => new Date('2026-05-04T09:00:00Z'),
    ...options,
  });
  const events: InboundEvent[] = [];
  const stop = await adapter.listen(async (event) => void events.push(event));
  return { client, adapter, events, stop };
}

describe('whatsapp-web.js listen()', () => {
  it('maps an incoming chat message', async () => {
    const { client, events } = await listening();
    client.emit(
      'message',
      fakeMessage({
        id: '3EB0AAA',
        from: CUSTOMER,
        to: ME,
        body: 'hi there',
        notifyName: 'Dee',
        timestamp: 1_777_000_000,
      }),
    );
    await settle();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'message',
      message: {
        direction: 'inbound',
        from: { kind: 'whatsapp', value: '14155550100' },
        to: [{ kind: 'whatsapp', value: '15550001111' }],
        fromName: 'Dee',
        text: 'hi there',
        sentAt: new Date(1_777_000_000_000).toISOString(),
        external: { id: `false_${CUSTOMER}_3EB0AAA` },
        thread: { keys: ['whatsapp:3EB0AAA'], refs: [] },
      },
    });
  });

  it('maps own messages from message_create as outbound, and ignores message_create of received ones (message covers them)', async () => {
    const { client, events } = await listening();
    const incoming = fakeMessage({ id: '3EB0IN', from: CUSTOMER, to: ME, body: 'q' });
    client.emit('message_create', incoming);
    client.emit('message', incoming);
    client.emit(
      'message_create',
      fakeMessage({
        id: '3EB0OUT',
        fromMe: true,
        from: ME,
        to: CUSTOMER,
        body: 'answer from the phone',
        ack: 1,
      }),
    );
    await settle();
    expect(events.map((e) => e.type === 'message' && e.message.direction)).toEqual(['inbound', 'outbound']);
    expect(events[1]).toMatchObject({
      message: {
        from: { kind: 'whatsapp', value: '15550001111' },
        to: [{ kind: 'whatsapp', value: '14155550100' }],
        status: 'sent',
      },
    });
  });

  it('maps replies (quoted messages), forwards, acks, reactions, edits and revokes', async () => {
    const { client, events } = await listening();
    const original = fakeMessage({
      id: '3EB0ORIG',
      fromMe: true,
      from: ME,
      to: CUSTOMER,
      body: 'your code is 42',
    });
    client.emit(
      'message',
      fakeMessage({
        id: '3EB0RE',
        from: CUSTOMER,
        to: ME,
        body: 'thanks',
        quoted: original,
        isForwarded: true,
        forwardingScore: 5,
      }),
    );
    for (const ack of [-1, 1, 2, 3, 4]) client.emit('message_ack', original, ack);
    client.emit('message_reaction', {
      id: { fromMe: false, remote: CUSTOMER, id: 'R1', _serialized: 'R1' },
      orphan: 0,
      timestamp: 1_777_000_100,
      reaction: '❤️',
      read: false,
      msgId: original.id,
      senderId: CUSTOMER,
    });
    client.emit('message_reaction', {
      id: { fromMe: false, remote: CUSTOMER, id: 'R2', _serialized: 'R2' },
      orphan: 0,
      timestamp: 1_777_000_200,
      reaction: '',
      read: false,
      msgId: original.id,
      senderId: CUSTOMER,
    });
    const edited = fakeMessage({ id: '3EB0RE', from: CUSTOMER, to: ME, body: 'thanks a lot' });
    client.emit('message_edit', edited, 'thanks a lot', 'thanks');
    client.emit(
      'message_revoke_everyone',
      fakeMessage({ id: '3EB0RE', from: CUSTOMER, to: ME, type: 'revoked' }),
      edited,
    );
    await settle();
    const [reply, ...rest] = events;
    expect(reply).toMatchObject({
      type: 'message',
      message: {
        replyTo: original.id._serialized,
        thread: { refs: ['whatsapp:3EB0ORIG'] },
        metadata: { forwarded: true, forwardingScore: 5, frequentlyForwarded: true },
      },
    });
    expect(
      rest.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status.status),
    ).toEqual(['failed', 'sent', 'delivered', 'read', 'read']);
    expect(
      rest
        .filter((e) => e.type === 'reaction')
        .map((e) => e.type === 'reaction' && [e.targetExternalId, e.emoji]),
    ).toEqual([
      [original.id._serialized, '❤️'],
      [original.id._serialized, ''],
    ]);
    expect(rest.find((e) => e.type === 'edit')).toMatchObject({
      targetExternalId: edited.id._serialized,
      text: 'thanks a lot',
    });
    expect(rest.find((e) => e.type === 'delete')).toMatchObject({
      targetExternalId: edited.id._serialized,
      by: { kind: 'whatsapp', value: '14155550100' },
    });
  });

  it('downloads media into the attachment with its sha256, and keeps the message when the download fails', async () => {
    const { client, events } = await listening();
    const data = Buffer.from('jpeg bytes').toString('base64');
    client.emit(
      'message',
      fakeMessage({
        id: '3EB0IMG',
        from: CUSTOMER,
        to: ME,
        body: 'my receipt',
        hasMedia: true,
        media: new FakeMessageMedia('image/jpeg', data, 'r.jpg'),
      }),
    );
    client.emit(
      'message',
      fakeMessage({ id: '3EB0GONE', from: CUSTOMER, to: ME, hasMedia: true, media: null }),
    );
    await settle();
    const [ok, gone] = events.map((e) => (e.type === 'message' ? e.message : undefined));
    expect(ok?.text).toBe('my receipt');
    expect(ok?.attachments?.[0]).toMatchObject({
      contentType: 'image/jpeg',
      filename: 'r.jpg',
      content: data,
      size: 10,
      sha256: createHash('sha256').update('jpeg bytes').digest('hex'),
    });
    expect(gone?.attachments?.[0]).toMatchObject({ size: -1 });
    expect(gone?.warnings?.[0]).toMatch(/media download failed/);
  });

  it('does not emit a message twice when a reconnect replays it, and stop() detaches', async () => {
    const { client, events, stop } = await listening();
    const msg = fakeMessage({ id: '3EB0ONCE', from: CUSTOMER, to: ME, body: 'once' });
    client.emit('message', msg);
    client.emit('ready');
    client.emit('message', { ...msg });
    await settle();
    expect(events).toHaveLength(1);
    await stop();
    expect(client.listenerCount('message')).toBe(0);
    client.emit('message', fakeMessage({ id: '3EB0LATE', from: CUSTOMER, to: ME }));
    await settle();
    expect(events).toHaveLength(1);
  });
});

describe('whatsapp-web.js identities and groups through the hub', () => {
  it('a @lid author is its own kind, linked to the phone only because the library reported both', async () => {
    const client = new FakeClient();
    client.lidToPhone.set('98765432109876@lid', '14155550100@c.us');
    const hub = createHub({ store: memoryStore(), adapters: [createWhatsAppWebAdapter({ client })] });
    const stop = await hub.listen();
    client.emit(
      'message',
      fakeMessage({ id: '3EB0LID', from: '98765432109876@lid', to: ME, body: 'from a lid' }),
    );
    await settle();
    client.emit('message', fakeMessage({ id: '3EB0PN', from: CUSTOMER, to: ME, body: 'from the phone' }));
    // A LID the library cannot resolve stays unlinked.
    client.emit(
      'message',
      fakeMessage({ id: '3EB0LONE', from: '11112222333344@lid', to: ME, body: 'unknown lid' }),
    );
    await settle();
    await stop();
    const contacts = (await hub.contacts.list()).items.filter((c) => !c.mergedInto);
    expect(contacts).toHaveLength(2);
    const linked = contacts.find((c) => c.identities.some((i) => i.kind === 'whatsapp'))!;
    expect(linked.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      'whatsapp-lid:98765432109876',
      'whatsapp:14155550100',
    ]);
    const lone = contacts.find((c) => c !== linked)!;
    expect(lone.identities.map((i) => i.kind)).toEqual(['whatsapp-lid']);
  });

  it('a group chat is one conversation with several contacts', async () => {
    const client = new FakeClient();
    const hub = createHub({ store: memoryStore(), adapters: [createWhatsAppWebAdapter({ client })] });
    const stop = await hub.listen();
    const GROUP = '120363025246125486@g.us';
    const members = ['14155550100@c.us', '14155550101@c.us'];
    client.emit(
      'message',
      fakeMessage({
        id: 'G1',
        from: GROUP,
        author: members[0],
        to: ME,
        body: 'hello team',
        participants: members,
      }),
    );
    await settle();
    client.emit(
      'message',
      fakeMessage({
        id: 'G2',
        from: GROUP,
        author: members[1],
        to: ME,
        body: 'me too',
        participants: members,
      }),
    );
    await settle();
    // The agent's answer goes to the group, not privately to the member who wrote last.
    await hub.reply((await hub.conversations.list()).items[0]!.id, { text: 'welcome both' });
    expect(client.sent.at(-1)).toMatchObject({ chatId: GROUP, content: 'welcome both' });
    await settle();
    await stop();
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.threadKeys).toContain('whatsapp-group:120363025246125486');
    expect(conversations[0]!.contactIds).toHaveLength(2);
    const messages = (await hub.conversations.messages(conversations[0]!.id)).items;
    expect(
      messages
        .filter((m) => m.direction === 'inbound')
        .map((m) => m.from.value)
        .sort(),
    ).toEqual(['14155550100', '14155550101']);
  });

  it('a replay after a restart (new adapter, same messages) is deduplicated by the hub on external.id', async () => {
    const store = memoryStore();
    const msg = fakeMessage({ id: '3EB0REPLAY', from: CUSTOMER, to: ME, body: 'replayed' });
    for (let run = 0; run < 2; run++) {
      const client = new FakeClient();
      const hub = createHub({ store, adapters: [createWhatsAppWebAdapter({ client })] });
      const stop = await hub.listen();
      client.emit('message', msg);
      await settle();
      await stop();
    }
    const hub = createHub({ store });
    const conversation = (await hub.conversations.list()).items[0]!;
    expect((await hub.conversations.messages(conversation.id)).items).toHaveLength(1);
  });
});

describe('whatsapp-web.js replies through the hub', () => {
  it('a reply sent by hub.reply is stored once, although the client echoes it as message_create', async () => {
    const client = new FakeClient();
    const hub = createHub({ store: memoryStore(), adapters: [createWhatsAppWebAdapter({ client })] });
    const stop = await hub.listen();
    client.emit('message', fakeMessage({ id: '3EB0Q', from: CUSTOMER, to: ME, body: 'open today?' }));
    await settle();
    const conversation = (await hub.conversations.list()).items[0]!;
    const reply = await hub.reply(conversation.id, { text: 'until 6 pm' });
    await settle();
    client.emit('message_ack', fakeMessage({ id: '3EB0SENT1', fromMe: true, from: ME, to: CUSTOMER }), 3);
    // A message typed on the phone itself is still picked up.
    client.emit(
      'message_create',
      fakeMessage({ id: '3EB0PHONE', fromMe: true, from: ME, to: CUSTOMER, body: 'see you' }),
    );
    await settle();
    await stop();
    const messages = (await hub.conversations.messages(conversation.id)).items;
    // Stored once each (sorted: the fake messages carry fixed timestamps, the reply the hub's clock).
    expect(messages.map((m) => `${m.direction}:${m.text}`).sort()).toEqual([
      'inbound:open today?',
      'outbound:see you',
      'outbound:until 6 pm',
    ]);
    expect(reply.external.id).toBe(`true_${CUSTOMER}_3EB0SENT1`);
    expect((await hub.messages.get(reply.id)).status).toBe('read');
  });
});

describe('whatsapp-web.js send()', () => {
  const base = { id: 'msg_1', conversationId: 'cv', channel: 'whatsapp', attachments: [], threadKeys: [] };
  it('sends text, quoting the customer message when asked', async () => {
    const { client, adapter } = await listening({ quoteReplies: true });
    const result = await adapter.send(
      {
        ...base,
        to: [{ kind: 'whatsapp', value: '14155550100' }],
        text: 'on its way',
        replyToExternalId: 'false_14155550100@c.us_3EB0IN',
      },
      {} as never,
    );
    expect(client.sent).toEqual([
      {
        chatId: CUSTOMER,
        content: 'on its way',
        options: { quotedMessageId: 'false_14155550100@c.us_3EB0IN' },
      },
    ]);
    expect(result).toMatchObject({
      externalId: 'true_14155550100@c.us_3EB0SENT1',
      status: 'queued',
      thread: { keys: ['whatsapp:3EB0SENT1'] },
    });
  });

  it('sends media as MessageMedia with the text as caption, to groups and LIDs too', async () => {
    const { client, adapter } = await listening();
    const content = Buffer.from('pdf').toString('base64');
    await adapter.send(
      {
        ...base,
        to: [{ kind: 'whatsapp-group', value: '120363025246125486' }],
        text: 'invoice',
        attachments: [{ id: 'a', contentType: 'application/pdf', filename: 'i.pdf', size: 3, content }],
      },
      {} as never,
    );
    await adapter.send(
      { ...base, to: [{ kind: 'whatsapp-lid', value: '98765432109876' }], text: 'hi' },
      {} as never,
    );
    expect(client.sent[0]!.chatId).toBe('120363025246125486@g.us');
    expect(client.sent[0]!.content).toBeInstanceOf(FakeMessageMedia);
    expect(client.sent[0]!.content).toMatchObject({
      mimetype: 'application/pdf',
      data: content,
      filename: 'i.pdf',
    });
    expect(client.sent[0]!.options).toEqual({ caption: 'invoice' });
    expect(client.sent[1]!.chatId).toBe('98765432109876@lid');
  });

  it('refuses templates and URL-only media with NotSupportedError', async () => {
    const { adapter } = await listening();
    const to = [{ kind: 'whatsapp', value: '14155550100' }];
    await expect(
      adapter.send({ ...base, to, text: '', template: { name: 't', language: 'en' } }, {} as never),
    ).rejects.toSatisfy(isNotSupportedError);
    await expect(
      adapter.send(
        {
          ...base,
          to,
          text: '',
          attachments: [{ id: 'u', contentType: 'image/png', size: -1, url: 'https://x/y.png' }],
        },
        {} as never,
      ),
    ).rejects.toSatisfy(isNotSupportedError);
  });

  it('needs a client', () => {
    expect(() => createWhatsAppWebAdapter({} as never)).toThrowError(/client/);
  });
});
