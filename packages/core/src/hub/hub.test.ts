import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../adapter.js';
import {
  ConfigurationError,
  isNotFoundError,
  isNotSupportedError,
  isOptedOutError,
  isReplyWindowClosedError,
  isValidationError,
  OptedOutError,
  SendFailedError,
  WebhookParseError,
  WebhookVerificationError,
} from '../errors.js';
import type { InboundEvent } from '../model/events.js';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { at, email, fakeAdapter, HOUR, msg, phone, wa } from './test-helpers.js';

function setup(now = 10) {
  let clock = now;
  const sms = fakeAdapter('sms', { maxTextLength: 1600, media: ['image/*'] });
  const whatsapp = fakeAdapter('whatsapp', {}, { replyWindowMs: 24 * HOUR });
  const mail = fakeAdapter('email', { subject: true });
  const hub = createHub({
    store: memoryStore(),
    adapters: [sms, whatsapp, mail],
    clock: () => new Date(at(clock)),
  });
  return { hub, sms, whatsapp, mail, setNow: (h: number) => (clock = h) };
}

async function conversationOf(hub: ReturnType<typeof setup>['hub'], event: ReturnType<typeof msg>) {
  const r = await hub.ingest(event);
  if (r.type !== 'message') throw new Error('expected a message');
  return r;
}

describe('createHub', () => {
  it('fails fast, naming the missing setting', () => {
    expect(() => createHub({} as never)).toThrow(ConfigurationError);
    expect(() => createHub({} as never)).toThrow(/`store`/);
    expect(() =>
      createHub({ store: memoryStore(), adapters: [fakeAdapter('sms'), fakeAdapter('sms')] }),
    ).toThrow(/two adapters for the sms channel/);
  });
  it('refuses an invalid event with a ValidationError naming the field', async () => {
    const { hub } = setup();
    await expect(hub.ingest({ type: 'message', message: { channel: 'sms' } } as never)).rejects.toSatisfy(
      isValidationError,
    );
    await expect(hub.ingest(msg('sms', phone('not a phone'), 0))).rejects.toThrow(
      /message\.from: Invalid phone number/,
    );
    await expect(hub.ingest({ type: 'nonsense' } as never)).rejects.toSatisfy(isValidationError);
  });
});

describe('dedup and events', () => {
  it('a webhook retry returns the stored message and emits nothing new', async () => {
    const { hub } = setup();
    const seen: string[] = [];
    hub.on('message', ({ message }) => void seen.push(message.external.id));
    hub.on('conversation.created', () => void seen.push('created'));
    hub.on('contact.created', () => void seen.push('contact'));
    const event = msg('sms', phone('+14155550100'), 0, 'hi', { external: { id: 'SM1' } });
    const first = await hub.ingest(event);
    const second = await hub.ingest(event);
    expect(second.type === 'message' && second.duplicate).toBe(true);
    expect(
      first.type === 'message' && second.type === 'message' && second.message.id === first.message.id,
    ).toBe(true);
    expect(seen).toEqual(['contact', 'created', 'SM1']);
  });
  it('a listener removed stops hearing; one added again later hears, on the same event name', async () => {
    const hub = createHub({ store: memoryStore() });
    const heard: string[] = [];
    const offFirst = hub.on('message', ({ message }) => void heard.push(`first:${message.external.id}`));
    await hub.ingest(msg('sms', phone('+14155550100'), 0, 'a', { external: { id: 'SM1' } }));
    offFirst();
    // No listener left: the hub skips emitting, and the next one added must still be called.
    await hub.ingest(msg('sms', phone('+14155550100'), 1, 'b', { external: { id: 'SM2' } }));
    offFirst();
    const offSecond = hub.on('message', ({ message }) => void heard.push(`second:${message.external.id}`));
    // Removing the first listener again must not remove the second one's registration.
    offFirst();
    await hub.ingest(msg('sms', phone('+14155550100'), 2, 'c', { external: { id: 'SM3' } }));
    offSecond();
    await hub.ingest(msg('sms', phone('+14155550100'), 3, 'd', { external: { id: 'SM4' } }));
    expect(heard).toEqual(['first:SM1', 'second:SM3']);
  });
  it('an event a pull source emits that the hub refuses is kept as rejected, with its raw payload', async () => {
    const outcomes: string[] = [];
    const source = {
      ...fakeAdapter('sms'),
      async listen(emit: (event: InboundEvent) => Promise<void>) {
        for (const event of [
          msg('sms', phone('not a number'), 0, 'refused', { raw: { pulled: 'bad' } }),
          msg('sms', phone('+14155550100'), 1, 'taken', { external: { id: 'SM-ok' } }),
        ])
          outcomes.push(
            await emit(event).then(
              () => 'resolved',
              (error: Error) => error.message,
            ),
          );
        return async () => undefined;
      },
    };
    const hub = createHub({ store: memoryStore(), adapters: [source] });
    const stop = await hub.listen();
    await stop();
    expect(outcomes).toEqual(['resolved', 'resolved']);
    const rejected = (await hub.rejected.list()).items;
    expect(rejected.map((r) => [r.channel, r.error.code, r.raw])).toEqual([
      ['sms', 'VALIDATION', { pulled: 'bad' }],
    ]);
    expect((await hub.conversations.list()).items).toHaveLength(1);
  });
  it('a listener that throws does not undo the ingest', async () => {
    const errors: unknown[] = [];
    const hub = createHub({ store: memoryStore(), onListenerError: (e) => errors.push(e) });
    hub.on('message', () => {
      throw new Error('listener bug');
    });
    const r = await hub.ingest(msg('sms', phone('+14155550100'), 0));
    expect(r.type).toBe('message');
    expect(errors).toHaveLength(1);
    expect((await hub.conversations.list()).items).toHaveLength(1);
  });
  it('reactions, edits, deletions and enrichments apply to the stored message, even before it arrives', async () => {
    const { hub } = setup();
    const updates: string[] = [];
    hub.on('message.updated', ({ cause }) => void updates.push(cause));
    const by = wa('14155550100');
    const early = await hub.ingest({
      type: 'reaction',
      channel: 'whatsapp',
      targetExternalId: 'wamid.9',
      by,
      emoji: '👍',
      at: at(1),
    });
    expect(early).toEqual({ type: 'reaction', applied: false });
    await hub.ingest(msg('whatsapp', by, 0, 'first text', { external: { id: 'wamid.9' } }));
    await hub.ingest({
      type: 'edit',
      channel: 'whatsapp',
      targetExternalId: 'wamid.9',
      text: 'second text',
      at: at(2),
    });
    await hub.ingest({
      type: 'reaction',
      channel: 'whatsapp',
      targetExternalId: 'wamid.9',
      by,
      emoji: '',
      at: at(3),
    });
    await hub.ingest({ type: 'delete', channel: 'whatsapp', targetExternalId: 'wamid.9', at: at(4) });
    await hub.ingest({
      type: 'enrich',
      channel: 'voice',
      targetExternalId: 'CA1',
      text: 'Customer: the tent',
      transcript: { turns: [] },
      at: at(5),
    });
    await hub.ingest(msg('voice', phone('+14155550100'), 5, '', { external: { id: 'CA1' } }));
    expect((await hub.messages.search('tent')).items.map((m) => m.external.id)).toEqual(['CA1']);
    const [conversation] = (await hub.conversations.list()).items;
    const [message] = (await hub.conversations.messages(conversation!.id)).items;
    expect(message!.text).toBe('second text');
    expect(message!.originalText).toBe('first text');
    expect(message!.reactions).toEqual([{ by, emoji: '', at: at(3) }]);
    expect(message!.deletedAt).toBe(at(4));
    expect(updates).toEqual(['edit', 'reaction', 'delete']);
    expect(message!.channel).toBe('whatsapp');
  });
  it("an enrichment's warnings join the message's, each once (a transcript arriving after its call)", async () => {
    const { hub } = setup();
    await hub.ingest(
      msg('voice', phone('+14155550100'), 0, '', { external: { id: 'CA2' }, warnings: ['w0'] }),
    );
    const enrich = {
      type: 'enrich' as const,
      channel: 'voice',
      targetExternalId: 'CA2',
      transcript: { turns: [] },
      warnings: ['w1', 'w0', 'w1', 'w2'],
      at: at(1),
    };
    await hub.ingest(enrich);
    await hub.ingest(enrich);
    const [conversation] = (await hub.conversations.list()).items;
    const [message] = (await hub.conversations.messages(conversation!.id)).items;
    expect(message!.warnings).toEqual(['w0', 'w1', 'w2']);
  });
  it('a status reported twice (a retried callback stamped on arrival) keeps one entry, at its first report', async () => {
    const { hub } = setup();
    await hub.ingest(msg('sms', phone('+14155550100'), 0, 'hi', { external: { id: 'SMs' } }));
    for (const hours of [2, 1, 3]) {
      await hub.ingest({
        type: 'status',
        status: { channel: 'sms', externalId: 'SMs', status: 'delivered', at: at(hours) },
      });
    }
    const [conversation] = (await hub.conversations.list()).items;
    const [message] = (await hub.conversations.messages(conversation!.id)).items;
    expect(message!.statusHistory).toEqual([{ status: 'delivered', at: at(1) }]);
  });
  it('consent events are the latest-wins state per channel, whatever the arrival order', async () => {
    const { hub } = setup();
    const ann = phone('+14155550100');
    await hub.ingest({
      type: 'consent',
      channel: 'sms',
      identity: ann,
      optedOut: false,
      keyword: 'START',
      at: at(2),
    });
    const r = await hub.ingest({
      type: 'consent',
      channel: 'sms',
      identity: ann,
      optedOut: true,
      keyword: 'STOP',
      at: at(1),
    });
    expect(r.type === 'consent' && r.contact.consent.sms).toEqual({
      optedOut: false,
      at: at(2),
      keyword: 'START',
    });
  });
});

describe('hub.reply', () => {
  it('answers on the customer’s last channel, threaded, and records the provider id', async () => {
    const { hub, sms, whatsapp } = setup();
    const first = await conversationOf(
      hub,
      msg('sms', phone('+14155550100'), 0, 'hi', { endpoint: '+18005550000' }),
    );
    await hub.ingest(msg('whatsapp', wa('14155550100'), 1, 'photo', { external: { id: 'wamid.1' } }));
    const reply = await hub.reply(first.conversation.id, { text: 'Thanks, looking into it' });
    expect(reply.channel).toBe('whatsapp');
    expect(whatsapp.sent).toHaveLength(1);
    expect(whatsapp.sent[0]).toMatchObject({
      to: [wa('14155550100')],
      replyToExternalId: 'wamid.1',
      text: 'Thanks, looking into it',
    });
    expect(reply.external.id).toBe(`out-${reply.id}`);
    expect(reply.status).toBe('sent');
    expect(reply.placement.reason).toMatch(/the customer's last channel/);
    expect(sms.sent).toHaveLength(0);
    // A status for the reply, by its provider id.
    await hub.ingest({
      type: 'status',
      status: { channel: 'whatsapp', externalId: reply.external.id, status: 'read', at: at(11) },
    });
    expect((await hub.messages.get(reply.id)).status).toBe('read');
  });
  it('sends on a chosen channel to the contact’s identity of that kind (phone reaches SMS from WhatsApp)', async () => {
    const { hub, sms } = setup();
    const first = await conversationOf(hub, msg('whatsapp', wa('14155550100'), 9));
    await hub.reply(first.conversation.id, { text: 'by sms' }, { channel: 'sms' });
    expect(sms.sent[0]!.to).toEqual([phone('+14155550100')]);
  });
  it('refuses an opted-out contact, saying why', async () => {
    const { hub, sms } = setup();
    const first = await conversationOf(hub, msg('sms', phone('+14155550100'), 0, 'STOP'));
    await hub.ingest({
      type: 'consent',
      channel: 'sms',
      identity: phone('+14155550100'),
      optedOut: true,
      keyword: 'STOP',
      at: at(0),
    });
    const error = await hub.reply(first.conversation.id, { text: 'hello?' }).catch((e) => e);
    expect(isOptedOutError(error)).toBe(true);
    expect(error.message).toMatch(/opted out of sms \(STOP\)/);
    expect(sms.sent).toHaveLength(0);
  });
  it('refuses a free-form reply outside the reply window, and allows a template', async () => {
    const { hub, setNow } = setup(0);
    const first = await conversationOf(hub, msg('whatsapp', wa('14155550100'), 0));
    setNow(30);
    const error = await hub.reply(first.conversation.id, { text: 'late' }).catch((e) => e);
    expect(isReplyWindowClosedError(error)).toBe(true);
    expect(error.message).toMatch(/send an approved template/);
    const templated = createHub({
      store: hub.store,
      adapters: [fakeAdapter('whatsapp', { templates: true }, { replyWindowMs: 24 * HOUR })],
      clock: () => new Date(at(30)),
    });
    const sent = await templated.reply(first.conversation.id, {
      text: '',
      template: { name: 'order_update', language: 'en' },
    });
    expect(sent.metadata.template).toEqual({ name: 'order_update', language: 'en' });
  });
  it('checks capabilities before sending', async () => {
    const { hub } = setup();
    const first = await conversationOf(hub, msg('sms', phone('+14155550100'), 9));
    await expect(hub.reply(first.conversation.id, { text: 'x'.repeat(1601) })).rejects.toThrow(
      /1601 characters; sms allows 1600/,
    );
    const pdf = { id: 'a1', contentType: 'application/pdf', size: 10 };
    await expect(hub.reply(first.conversation.id, { text: 'doc', attachments: [pdf] })).rejects.toSatisfy(
      isNotSupportedError,
    );
    await expect(hub.reply(first.conversation.id, { text: 'x' }, { channel: 'fax' })).rejects.toThrow(
      /No adapter is configured for the fax channel/,
    );
    await expect(hub.reply('cv_missing', { text: 'x' })).rejects.toSatisfy(isNotFoundError);
  });
  it('records an opt-out the provider reports on send, and refuses the next reply up front', async () => {
    const { hub, sms } = setup();
    const first = await conversationOf(hub, msg('sms', phone('+14155550100'), 9));
    sms.fail = new OptedOutError('sms', 'Twilio 21610: the recipient unsubscribed');
    await expect(hub.reply(first.conversation.id, { text: 'x' })).rejects.toSatisfy(isOptedOutError);
    expect((await hub.contacts.get(first.contact.id)).consent.sms).toMatchObject({
      optedOut: true,
      keyword: 'reported by the provider',
    });
    delete sms.fail;
    await expect(hub.reply(first.conversation.id, { text: 'again' })).rejects.toThrow(
      /opted out of sms \(reported by the provider\)/,
    );
    expect(sms.sent).toHaveLength(0);
  });
  it('an echo of the reply that beats the send result updates the reply instead of adding a second message', async () => {
    const x = fakeAdapter('x', { identityKinds: ['x'] });
    const hub = createHub({ store: memoryStore(), adapters: [x], clock: () => new Date(at(10)) });
    const first = await conversationOf(hub, msg('x', { kind: 'x', value: '42' }, 9, 'dm'));
    x.send = async (message) => {
      // The provider's webhook delivers the echo while the send call is still in flight.
      await hub.ingest(
        msg('x', { kind: 'x', value: '3001' }, 10, message.text, {
          direction: 'outbound',
          to: [{ kind: 'x', value: '42' }],
          external: { id: 'dm-777', clientId: message.id },
        }),
      );
      return { externalId: 'dm-777', status: 'sent', visibility: 'public' };
    };
    const reply = await hub.reply(first.conversation.id, { text: 'on it' });
    const messages = (await hub.conversations.messages(first.conversation.id)).items;
    expect(messages.map((m) => [m.direction, m.external.id])).toEqual([
      ['inbound', first.message.external.id],
      ['outbound', 'dm-777'],
    ]);
    expect(reply.visibility).toBe('public');
    expect((await hub.conversations.get(first.conversation.id)).publicChannels).toEqual(['x']);
  });
  it('stores a failed send as failed and rethrows', async () => {
    const { hub, sms } = setup();
    const first = await conversationOf(hub, msg('sms', phone('+14155550100'), 9));
    sms.fail = new SendFailedError('carrier rejected', { providerCode: '30007' });
    await expect(hub.reply(first.conversation.id, { text: 'x' })).rejects.toThrow(/carrier rejected/);
    const messages = (await hub.conversations.messages(first.conversation.id)).items;
    expect(messages.map((m) => m.status)).toEqual(['received', 'failed']);
  });
  it('threads email replies: Re: subject context and the reply’s own Message-ID as evidence', async () => {
    const { hub, mail } = setup();
    const first = await conversationOf(
      hub,
      msg('email', email('dana@example.org'), 0, 'question', {
        subject: 'Order 7',
        thread: { keys: ['email:q@x'], refs: ['email:p@x'] },
      }),
    );
    const reply = await hub.reply(first.conversation.id, { text: 'answer' });
    expect(mail.sent[0]).toMatchObject({
      subject: 'Order 7',
      threadKeys: ['email:p@x', 'email:q@x'],
      replyToExternalId: first.message.external.id,
    });
    const customerReply = await conversationOf(
      hub,
      msg('email', email('dana@example.org'), 11, 'thanks', {
        thread: { keys: ['email:r@x'], refs: reply.thread.keys },
      }),
    );
    expect(customerReply.conversation.id).toBe(first.conversation.id);
    expect(customerReply.message.placement.rule).toBe('explicit-thread');
  });
});

describe('hub.handle routes web requests to adapters', () => {
  function webhookAdapter(behaviour: 'ok' | 'unsigned' | 'bad'): ChannelAdapter {
    return {
      ...fakeAdapter('sms'),
      async handle(request) {
        if (behaviour === 'unsigned') throw new WebhookVerificationError('bad signature');
        const body = await request.text();
        if (behaviour === 'bad') throw new WebhookParseError('no From', { raw: body });
        return {
          response: new Response('<Response/>', { status: 200 }),
          events: [msg('sms', phone('+14155550100'), 0, body)],
        };
      },
    };
  }
  const post = (path: string, body = 'hello') =>
    new Request(`https://app.example.com${path}`, { method: 'POST', body });

  it('ingests what the adapter yields and returns its response', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [webhookAdapter('ok')] });
    const response = await hub.handle(post('/webhooks/sms'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<Response/>');
    expect((await hub.messages.search('hello')).items).toHaveLength(1);
    expect((await hub.handle(post('/webhooks/sms/status'))).status).toBe(200);
  });
  it('answers 404 for unknown paths', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [webhookAdapter('ok')] });
    expect((await hub.handle(post('/webhooks/fax'))).status).toBe(404);
    expect((await hub.handle(post('/elsewhere'))).status).toBe(404);
  });
  it('answers 401 to a bad signature and stores nothing', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [webhookAdapter('unsigned')] });
    expect((await hub.handle(post('/webhooks/sms'))).status).toBe(401);
    expect((await hub.conversations.list()).items).toHaveLength(0);
    expect((await hub.rejected.list()).items).toHaveLength(0);
  });
  it('answers 400 to an unusable payload and keeps it as rejected', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [webhookAdapter('bad')] });
    const response = await hub.handle(post('/webhooks/sms', 'Garbage=1'));
    expect(response.status).toBe(400);
    const [rejected] = (await hub.rejected.list()).items;
    expect(rejected).toMatchObject({
      channel: 'sms',
      raw: 'Garbage=1',
      error: { code: 'WEBHOOK_PARSE', message: 'no From' },
    });
  });
});

describe('conversations', () => {
  it('merge moves messages, keeps a tombstone, and is idempotent', async () => {
    const { hub } = setup();
    const a = await conversationOf(hub, msg('sms', phone('+14155550100'), 0));
    const b = await conversationOf(hub, msg('email', email('x@example.org'), 1));
    const merged = await hub.conversations.merge(b.conversation.id, a.conversation.id);
    expect(merged.id).toBe(a.conversation.id);
    expect(merged.channels).toEqual(['sms', 'email']);
    expect((await hub.conversations.get(b.conversation.id)).id).toBe(a.conversation.id);
    const again = await hub.conversations.merge(a.conversation.id, b.conversation.id);
    expect(again.id).toBe(a.conversation.id);
    expect((await hub.conversations.messages(a.conversation.id)).items).toHaveLength(2);
    expect((await hub.conversations.list()).items).toHaveLength(1);
  });
  it('close and reopen', async () => {
    const { hub } = setup();
    const a = await conversationOf(hub, msg('sms', phone('+14155550100'), 0));
    expect((await hub.conversations.close(a.conversation.id)).status).toBe('closed');
    expect((await hub.conversations.get(a.conversation.id)).closedAt).toBeDefined();
    expect((await hub.conversations.reopen(a.conversation.id)).status).toBe('open');
  });
  it('an out-of-order message re-derives channel order and switches from time, not arrival', async () => {
    const { hub } = setup(100);
    const late = await conversationOf(hub, msg('whatsapp', wa('14155550100'), 5));
    await hub.ingest(msg('sms', phone('+14155550100'), 1));
    const c = await hub.conversations.get(late.conversation.id);
    expect(c.channels).toEqual(['sms', 'whatsapp']);
    expect(c.switches.map((s) => `${s.from}→${s.to}`)).toEqual(['sms→whatsapp']);
    expect(c.createdAt).toBe(at(1));
  });
});
