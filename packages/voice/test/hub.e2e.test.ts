import { createHub, memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { createVoiceAdapter, parseTranscript } from '../src/index.js';
import { AUTH_TOKEN, CALL_SID, callStatus, signed, transcription } from '../src/test-helpers.js';

const email = {
  type: 'message' as const,
  message: {
    channel: 'email',
    from: { kind: 'email', value: 'jane.doe@example.com' },
    fromName: 'Jane Doe',
    to: [{ kind: 'email', value: 'support@acme.example' }],
    sentAt: '2026-03-02T09:00:00.000Z',
    subject: 'Order 1182 never arrived',
    text: 'Hello, my order 1182 never arrived. Can someone call me?',
    external: { id: '<order-1182@mail.example.com>' },
    thread: { keys: ['email:<order-1182@mail.example.com>'], refs: [] },
    raw: { source: 'test' },
  },
};

async function hubWithCustomerWhoEmailed() {
  const clock = () => new Date('2026-03-02T15:10:00.000Z');
  const voice = createVoiceAdapter({ authToken: AUTH_TOKEN, clock });
  const hub = createHub({ store: memoryStore(), adapters: [voice], clock });
  const first = await hub.ingest(email);
  if (first.type !== 'message') throw new Error('expected a message');
  // The app knows Jane's phone from her account and links it to the email contact before she calls.
  await hub.contacts.link(
    first.contact.id,
    { kind: 'phone', value: '+14155550100' },
    { trust: 'verified', evidence: 'phone on the customer account' },
  );
  return { hub, first };
}

describe('an email, then a call from the same customer', () => {
  it('the signed call webhook and its transcript land in the email conversation, by cross-channel continuation', async () => {
    const { hub, first } = await hubWithCustomerWhoEmailed();
    const callResponse = await hub.handle(await signed(callStatus));
    expect(callResponse.status).toBe(200);
    const transcriptResponse = await hub.handle(await signed(transcription));
    expect(transcriptResponse.status).toBe(200);

    const messages = (await hub.conversations.messages(first.conversation.id)).items;
    expect(messages.map((m) => m.channel)).toEqual(['email', 'voice']);
    const call = messages[1]!;
    expect(call.contactId).toBe(first.contact.id);
    expect(call.external.id).toBe(CALL_SID);
    expect(call.placement.rule).toBe('cross-channel-continuation');
    expect(call.placement.reason).toMatch(
      /^customer switched from email to voice: .+, conversation active 6 h ago/,
    );
    expect(call.transcript!.turns).toEqual([
      {
        speaker: 'customer',
        speakerLabel: 'caller',
        text: transcription.TranscriptionText,
        startMs: 0,
        endMs: 0,
      },
    ]);
    expect(call.call).toMatchObject({
      callId: CALL_SID,
      status: 'completed',
      durationMs: 42000,
      recordingUrl: transcription.RecordingUrl,
    });
    const conversation = await hub.conversations.get(first.conversation.id);
    expect(conversation.channels).toEqual(['email', 'voice']);
    // The transcript that came by webhook is searchable like any message text.
    const word = transcription.TranscriptionText.split(/\W+/).find((w: string) => w.length > 4)!;
    expect((await hub.messages.search(word)).items.map((m) => m.external.id)).toContain(CALL_SID);
    expect(call.text).toContain(transcription.TranscriptionText);
  });

  it('a transcript that arrives before its call waits, and is applied when the call comes', async () => {
    const { hub, first } = await hubWithCustomerWhoEmailed();
    expect((await hub.handle(await signed(transcription))).status).toBe(200);
    expect((await hub.handle(await signed(callStatus))).status).toBe(200);
    const messages = (await hub.conversations.messages(first.conversation.id)).items;
    expect(messages[1]!.transcript!.turns[0]!.text).toBe(transcription.TranscriptionText);
  });

  it('an imported transcript of the call joins the same conversation, its turns searchable', async () => {
    const { hub, first } = await hubWithCustomerWhoEmailed();
    const [event] = parseTranscript(
      {
        callId: 'imported-call-1',
        from: '+1 415 555 0100',
        to: '+14155550199',
        startedAt: '2026-03-02T14:00:00Z',
        direction: 'inbound',
        turns: [
          { speaker: 'agent', text: 'Acme support, this is Sam.', startMs: 0, endMs: 1800 },
          { speaker: 'customer', text: 'Hi, I emailed about order 1182.', startMs: 2000, endMs: 4200 },
        ],
      },
      { redact: true },
    );
    const result = await hub.ingest(event!);
    if (result.type !== 'message') throw new Error('expected a message');
    expect(result.conversation.id).toBe(first.conversation.id);
    expect(result.message.placement.rule).toBe('cross-channel-continuation');
    expect(result.message.text).toBe(
      'Agent: Acme support, this is Sam.\nCustomer: Hi, I emailed about order 1182.',
    );
    const found = await hub.messages.search('emailed about order');
    expect(found.items.map((m) => m.id)).toContain(result.message.id);
  });
});
