import { describe, expect, it } from 'vitest';
import type { Store, StoreTransaction } from '../store/contract.js';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { at, email, msg, phone, wa } from './test-helpers.js';

function hubAt(hours: number) {
  let now = hours;
  const hub = createHub({
    store: memoryStore(),
    clock: () => new Date(at(now)),
    identity: { defaultRegion: 'US' },
  });
  return { hub, advance: (h: number) => (now = h) };
}

/** A memory store that records the name of every transaction call, in order. */
function recordingStore(): { store: Store; calls: string[] } {
  const base = memoryStore();
  const calls: string[] = [];
  const store: Store = {
    ...base,
    transaction: (fn) =>
      base.transaction((tx) =>
        fn(
          new Proxy(tx, {
            get(target, name) {
              const value = target[name as keyof StoreTransaction];
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                calls.push(String(name));
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            },
          }),
        ),
      ),
  };
  return { store, calls };
}

describe('a cross-channel journey: email → SMS → WhatsApp → call → email', () => {
  it('lands in one conversation, one contact, with every channel switch recorded', async () => {
    const { hub } = hubAt(100);
    const first = await hub.ingest(
      msg('email', email('Dana <dana@example.org>'), 0, 'My order #1042 never arrived', {
        subject: 'Order #1042',
        thread: { keys: ['email:m1@example.org'], refs: [] },
        fromName: 'Dana',
      }),
    );
    if (first.type !== 'message') throw new Error('expected a message');
    // The app knows Dana's phone from her account (verified): one person across channels.
    await hub.contacts.link(first.contact.id, phone('+1 415 555 0100'), { trust: 'verified' });

    const sms = await hub.ingest(msg('sms', phone('+14155550100'), 2, 'Any news on my parcel?'));
    const whatsapp = await hub.ingest(msg('whatsapp', wa('14155550100'), 5, '[photo of the empty porch]'));
    const call = await hub.ingest(
      msg('voice', phone('+14155550100'), 6, 'Customer: still nothing', {
        transcript: { turns: [{ speaker: 'customer', text: 'still nothing', startMs: 0, endMs: 1200 }] },
      }),
    );
    const back = await hub.ingest(msg('email', email('dana@example.org'), 8, 'Attaching the receipt'));

    const results = [sms, whatsapp, call, back];
    for (const r of results) {
      expect(r.type).toBe('message');
      if (r.type !== 'message') return;
      expect(r.conversation.id).toBe(first.conversation.id);
      expect(r.contact.id).toBe(first.contact.id);
      expect(r.message.placement.rule).toBe('cross-channel-continuation');
    }
    const conversation = await hub.conversations.get(first.conversation.id);
    expect(conversation.channels).toEqual(['email', 'sms', 'whatsapp', 'voice']);
    expect(conversation.switches.map((s) => `${s.from}→${s.to}`)).toEqual([
      'email→sms',
      'sms→whatsapp',
      'whatsapp→voice',
      'voice→email',
    ]);
    expect(conversation.subject).toBe('Order #1042');
    const reasons = results.map((r) => (r.type === 'message' ? r.message.placement.reason : ''));
    expect(reasons[0]).toBe(
      'customer switched from email to sms: known by phone +14155550100, conversation active 2 h ago (continuation window 3 days)',
    );
    expect(reasons[1]).toContain('same number as their phone +14155550100');
    expect(reasons[2]).toContain('switched from whatsapp to voice');
    expect((await hub.contacts.list()).items).toHaveLength(1);
    expect((await hub.messages.search('nothing')).items.map((m) => m.channel)).toEqual(['voice']);
  });
});

describe('identity pitfalls (DESIGN.md)', () => {
  it('WhatsApp username users: known by BSUID only, later seen with a phone → one contact with both', async () => {
    const { hub } = hubAt(50);
    const bsuid = { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' };
    const a = await hub.ingest(msg('whatsapp', bsuid, 0, 'hello from my username'));
    const b = await hub.ingest(
      msg('whatsapp', wa('972987654321'), 1, 'now with my number', {
        links: [
          { identity: bsuid, trust: 'provider', evidence: 'Cloud API payload carried user_id and wa_id' },
        ],
      }),
    );
    if (a.type !== 'message' || b.type !== 'message') throw new Error('expected messages');
    expect(b.contact.id).toBe(a.contact.id);
    expect(b.contact.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      'whatsapp-bsuid:US.13491208655302741918',
      'whatsapp:972987654321',
    ]);
    expect(b.conversation.id).toBe(a.conversation.id);
  });

  it('a link the contact already holds costs no further read or write (every WhatsApp message repeats it)', async () => {
    const { store, calls } = recordingStore();
    const hub = createHub({ store, clock: () => new Date(at(50)) });
    const bsuid = { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' };
    const links = [{ identity: bsuid, trust: 'provider' as const }];
    await hub.ingest(msg('whatsapp', wa('972987654321'), 0, 'first', { links }));
    calls.length = 0;
    const again = await hub.ingest(msg('whatsapp', wa('972987654321'), 1, 'second', { links }));
    if (again.type !== 'message') throw new Error('expected a message');
    expect(again.contact.identities.map((i) => i.kind).sort()).toEqual(['whatsapp', 'whatsapp-bsuid']);
    // One look-up of the sender and the link together, one read of the contact, no write.
    const contactCalls = ['findContactIdsByIdentityKeys', 'getContact', 'updateContact', 'claimIdentityKeys'];
    expect(calls.filter((c) => contactCalls.includes(c))).toEqual([
      'findContactIdsByIdentityKeys',
      'getContact',
    ]);
  });

  it('a new contact is created holding its trusted links: one contact write, every key claimed', async () => {
    const { store, calls } = recordingStore();
    const hub = createHub({ store, clock: () => new Date(at(50)) });
    const created: string[][] = [];
    hub.on('contact.created', ({ contact }) => void created.push(contact.identities.map((i) => i.kind)));
    const bsuid = { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' };
    const first = await hub.ingest(
      msg('whatsapp', wa('972987654321'), 0, 'first', { links: [{ identity: bsuid, trust: 'provider' }] }),
    );
    if (first.type !== 'message') throw new Error('expected a message');
    expect(first.contact.identities).toEqual([
      { kind: 'whatsapp', value: '972987654321', trust: 'provider', addedAt: at(0) },
      { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918', trust: 'provider', addedAt: at(50) },
    ]);
    expect(created).toEqual([['whatsapp', 'whatsapp-bsuid']]);
    const writes = ['insertContact', 'updateContact', 'claimIdentityKeys'];
    expect(calls.filter((c) => writes.includes(c))).toEqual(['insertContact', 'claimIdentityKeys']);
    // A contact made for this message is in no conversation: the session rules do not look.
    expect(calls).not.toContain('listConversationsOfContacts');
    // Both keys are the contact's: the BSUID alone finds it, and so does the number as an SMS sender.
    expect((await hub.contacts.findByIdentity(bsuid))?.id).toBe(first.contact.id);
    const bySms = await hub.ingest(msg('sms', phone('+972987654321'), 1, 'by sms'));
    expect(bySms.type === 'message' && bySms.contact.id).toBe(first.contact.id);
    expect((await hub.contacts.list()).items).toHaveLength(1);
  });

  it('a provider link merges two contacts that were apart (BSUID contact + phone contact)', async () => {
    const { hub } = hubAt(50);
    const bsuid = { kind: 'whatsapp-bsuid', value: 'BR.1502576394655843' };
    const byBsuid = await hub.ingest(msg('whatsapp', bsuid, 0, 'oi'));
    const byPhone = await hub.ingest(msg('sms', phone('+5531988888888'), 1, 'oi de novo'));
    if (byBsuid.type !== 'message' || byPhone.type !== 'message') throw new Error('expected messages');
    expect(byPhone.contact.id).not.toBe(byBsuid.contact.id);
    await hub.ingest(
      msg('whatsapp', wa('5531988888888'), 2, 'agora', { links: [{ identity: bsuid, trust: 'provider' }] }),
    );
    const merged = await hub.contacts.get(byPhone.contact.id);
    expect(merged.id).toBe(byBsuid.contact.id);
    expect((await hub.contacts.list()).items).toHaveLength(1);
  });

  it('whatsapp-web.js @lid ids stay their own kind until the library reports the phone', async () => {
    const { hub } = hubAt(50);
    const lid = { kind: 'whatsapp-lid', value: '208340958134361@lid' };
    const viaLid = await hub.ingest(msg('whatsapp', lid, 0, 'hi'));
    const viaPhone = await hub.ingest(msg('sms', phone('+14155550123'), 0.5, 'hi by sms'));
    if (viaLid.type !== 'message' || viaPhone.type !== 'message') throw new Error('expected messages');
    expect(viaLid.contact.id).not.toBe(viaPhone.contact.id);
    await hub.ingest({
      type: 'identity-link',
      channel: 'whatsapp',
      identity: lid,
      link: {
        identity: wa('14155550123@c.us'),
        trust: 'provider',
        evidence: 'whatsapp-web.js getContactLidAndPhone',
      },
      at: at(1),
    });
    expect((await hub.contacts.list()).items).toHaveLength(1);
    const contact = await hub.contacts.get(viaLid.contact.id);
    expect(contact.identities.map((i) => i.kind).sort()).toEqual(['phone', 'whatsapp', 'whatsapp-lid']);
  });

  it('Brazilian mobiles: a wa_id without the ninth digit joins the SMS contact of the dialled number', async () => {
    const { hub } = hubAt(50);
    const sms = await hub.ingest(msg('sms', phone('+55 31 98888-8888'), 0, 'oi'));
    const whatsapp = await hub.ingest(msg('whatsapp', wa('553188888888'), 1, 'oi no zap'));
    if (sms.type !== 'message' || whatsapp.type !== 'message') throw new Error('expected messages');
    expect(whatsapp.contact.id).toBe(sms.contact.id);
    expect(whatsapp.conversation.id).toBe(sms.conversation.id);
  });

  it('SMS then email with no shared identity: two contacts, until the app merges them', async () => {
    const { hub } = hubAt(50);
    const sms = await hub.ingest(msg('sms', phone('+14155550100'), 0));
    const mail = await hub.ingest(msg('email', email('sam@example.org'), 1));
    if (sms.type !== 'message' || mail.type !== 'message') throw new Error('expected messages');
    expect(mail.contact.id).not.toBe(sms.contact.id);
    const survivor = await hub.contacts.merge(mail.contact.id, sms.contact.id);
    expect(survivor.id).toBe(sms.contact.id);
    expect((await hub.contacts.get(mail.contact.id)).id).toBe(sms.contact.id);
    const next = await hub.ingest(msg('email', email('sam@example.org'), 2));
    expect(next.type === 'message' && next.contact.id).toBe(sms.contact.id);
  });

  it('an unverified claim (an email typed into a chat widget) never merges two contacts', async () => {
    const { hub } = hubAt(50);
    const victim = await hub.ingest(msg('email', email('victim@example.org'), 0, 'my private order'));
    const widget = await hub.ingest(
      msg('chat', { kind: 'chat', value: 'visitor-77' }, 1, 'hi, I am victim@example.org', {
        links: [
          {
            identity: email('victim@example.org'),
            trust: 'unverified',
            evidence: 'typed into the chat widget',
          },
        ],
      }),
    );
    if (victim.type !== 'message' || widget.type !== 'message') throw new Error('expected messages');
    expect(widget.contact.id).not.toBe(victim.contact.id);
    expect(widget.conversation.id).not.toBe(victim.conversation.id);
    expect(widget.contact.claims.map((c) => c.value)).toEqual(['victim@example.org']);
    // The victim's next email still finds the victim, not the visitor.
    const again = await hub.ingest(msg('email', email('victim@example.org'), 2));
    expect(again.type === 'message' && again.contact.id).toBe(victim.contact.id);
    // A From that failed DMARC is unverified too: its links merge nobody.
    const spoof = await hub.ingest(
      msg('email', email('someone@else.org'), 3, 'x', {
        trust: 'unverified',
        links: [{ identity: phone('+14155550100'), trust: 'provider' }],
      }),
    );
    expect(spoof.type === 'message' && spoof.contact.identities.map((i) => i.kind)).toEqual(['email']);
  });

  it('a call from a customer with an ongoing WhatsApp conversation does not open a new one', async () => {
    const { hub } = hubAt(50);
    const chat = await hub.ingest(msg('whatsapp', wa('14155550100'), 0, 'can you call me?'));
    const call = await hub.ingest(
      msg('voice', phone('+14155550100'), 0.5, '', { call: { callId: 'CA1', durationMs: 60_000 } }),
    );
    if (chat.type !== 'message' || call.type !== 'message') throw new Error('expected messages');
    expect(call.conversation.id).toBe(chat.conversation.id);
    expect(call.message.placement.rule).toBe('cross-channel-continuation');
  });
});
