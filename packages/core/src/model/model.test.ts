import { describe, expect, it } from 'vitest';
import { createHub } from '../hub/hub.js';
import { at, msg, phone } from '../hub/test-helpers.js';
import { memoryStore } from '../store/memory.js';
import { contactSchema } from './contact.js';
import { conversationSchema } from './conversation.js';
import { inboundEventSchema, rejectedPayloadSchema, statusUpdateSchema } from './events.js';
import { attachmentSchema, messageSchema, transcriptTurnSchema } from './message.js';

describe('the model serializes to plain JSON and back', () => {
  it('contacts, conversations and messages produced by the hub survive a JSON round trip and fit their schemas', async () => {
    const hub = createHub({ store: memoryStore(), clock: () => new Date(at(10)) });
    const r = await hub.ingest(
      msg('voice', phone('+14155550100'), 0, 'Customer: hi', {
        transcript: {
          turns: [{ speaker: 'customer', text: 'hi', startMs: 0, endMs: 500, confidence: 0.9 }],
          source: 'vtt',
        },
        call: { callId: 'CA1', durationMs: 500 },
        attachments: [
          {
            id: 'att1',
            contentType: 'audio/wav',
            size: 1024,
            sha256: 'ab'.repeat(32),
            url: 'https://x/rec.wav',
          },
        ],
      }),
    );
    if (r.type !== 'message') throw new Error('expected a message');
    for (const [schema, value] of [
      [messageSchema, r.message],
      [conversationSchema, r.conversation],
      [contactSchema, r.contact],
    ] as const) {
      const json = JSON.parse(JSON.stringify(value));
      expect(schema.parse(json)).toEqual(value);
    }
  });
  it('schemas refuse what does not fit, naming the field', () => {
    expect(transcriptTurnSchema.safeParse({ speaker: 'robot', text: '', startMs: 0, endMs: 1 }).success).toBe(
      false,
    );
    expect(attachmentSchema.safeParse({ id: 'a', contentType: 'x', size: -5 }).success).toBe(false);
    expect(
      statusUpdateSchema.safeParse({ channel: 'sms', externalId: 'x', status: 'lost', at: at(0) }).success,
    ).toBe(false);
    const bad = inboundEventSchema.safeParse({
      type: 'message',
      message: { channel: 'sms', from: { kind: 'phone' } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.some((i) => i.path.join('.') === 'message.from.value')).toBe(true);
    expect(
      rejectedPayloadSchema.safeParse({
        id: 'r',
        channel: 'sms',
        receivedAt: at(0),
        error: { code: 'X', message: 'm' },
        raw: 'a=1',
      }).success,
    ).toBe(true);
  });
  it('every event kind round-trips through JSON', () => {
    const events = [
      msg('sms', phone('+14155550100'), 0),
      {
        type: 'status',
        status: {
          channel: 'sms',
          externalId: 'SM1',
          status: 'failed',
          at: at(1),
          error: { code: '30007', message: 'filtered' },
        },
      },
      {
        type: 'reaction',
        channel: 'whatsapp',
        targetExternalId: 'w1',
        by: { kind: 'whatsapp', value: '1415' },
        emoji: '❤️',
        at: at(1),
      },
      { type: 'edit', channel: 'whatsapp', targetExternalId: 'w1', text: 'new', at: at(1) },
      { type: 'delete', channel: 'whatsapp', targetExternalId: 'w1', at: at(1) },
      { type: 'enrich', channel: 'voice', targetExternalId: 'CA1', transcript: { turns: [] }, at: at(1) },
      {
        type: 'identity-link',
        channel: 'whatsapp',
        identity: { kind: 'whatsapp-lid', value: '1' },
        link: { identity: { kind: 'whatsapp', value: '1415' }, trust: 'provider' },
        at: at(1),
      },
      {
        type: 'consent',
        channel: 'sms',
        identity: phone('+14155550100'),
        optedOut: true,
        keyword: 'STOP',
        at: at(1),
      },
      { type: 'notice', channel: 'whatsapp', name: 'account_update', at: at(1), raw: { x: 1 } },
    ];
    for (const event of events) {
      const parsed = inboundEventSchema.parse(event);
      expect(inboundEventSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
    }
  });
});
