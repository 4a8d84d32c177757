import { createHub, memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { sandboxAdapters } from './adapters.js';
import { createInboxClock } from './clock.js';
import { JOURNEY, MAYA, playJourney, TRANSCRIPT_WORD } from './journey.js';
import { memoryOutbox } from './outbox.js';

async function play() {
  const clock = createInboxClock();
  const outbox = memoryOutbox();
  const hub = createHub({
    store: memoryStore(),
    adapters: sandboxAdapters(outbox, clock),
    clock,
    identity: { defaultRegion: 'US' },
    onListenerError: (error) => {
      throw error;
    },
  });
  const end = new Date('2026-11-20T12:00:00Z');
  const result = await playJourney({ hub, outbox, clock, baseUrl: 'http://127.0.0.1:4100', end });
  return { hub, outbox, result, end };
}

describe('the sandbox journey', () => {
  it('puts every channel of one customer in one conversation, each message placed by a stated rule', async () => {
    const { hub, result } = await play();
    const messages = (await hub.conversations.messages(result.conversationId, { limit: 100 })).items;
    const conversation = await hub.conversations.get(result.conversationId);
    expect(conversation.channels).toEqual(['email', 'sms', 'whatsapp', 'voice', 'x', 'messenger']);
    expect(messages.filter((m) => m.direction === 'inbound').map((m) => m.channel)).toEqual([
      'email',
      'sms',
      'whatsapp',
      'voice',
      'x',
      'messenger',
      'sms',
      'whatsapp',
    ]);
    const call = messages.find((m) => m.channel === 'voice')!;
    expect(call.transcript?.turns.map((t) => t.speaker)).toEqual([
      'customer',
      'agent',
      'customer',
      'agent',
      'customer',
    ]);
    expect(
      messages.find((m) => m.channel === 'email' && m.direction === 'inbound')!.attachments,
    ).toHaveLength(1);
    const smsReply = messages.find((m) => m.channel === 'sms' && m.direction === 'outbound')!;
    expect(smsReply.status).toBe('delivered');
    const waReply = messages.find((m) => m.channel === 'whatsapp' && m.direction === 'outbound')!;
    expect(waReply.status).toBe('read');
    const contact = await hub.contacts.get(result.contactId);
    expect(contact.consent.sms?.optedOut).toBe(true);
    expect(contact.identities.map((i) => i.kind).sort()).toEqual([
      'email',
      'messenger',
      'phone',
      'whatsapp',
      'x',
    ]);
    const found = await hub.messages.search(TRANSCRIPT_WORD);
    expect(found.items.map((m) => m.channel)).toEqual(['voice']);
  });

  it('leaves the Instagram account as its own contact until an agent merges it', async () => {
    const { hub, result } = await play();
    const ig = await hub.contacts.findByIdentity({ kind: 'instagram', value: MAYA.instagramIgsid });
    expect(ig?.id).not.toBe(result.contactId);
    const merged = await hub.contacts.merge(result.contactId, ig!.id);
    expect(merged.id).toBe(result.contactId);
    expect(merged.identities.some((i) => i.kind === 'instagram')).toBe(true);
  });

  it('sends every agent reply to the outbox, never to a provider', async () => {
    const { outbox } = await play();
    expect(
      outbox
        .list()
        .map((e) => e.channel)
        .sort(),
    ).toEqual(['email', 'sms', 'whatsapp']);
    expect(JOURNEY.length).toBeGreaterThan(10);
  });
});
