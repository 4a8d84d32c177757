import type { InboundEvent } from '@omnithread/core';
import { parseCloudWebhook } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { envelope } from './helpers.js';

const at = (e: InboundEvent) =>
  e.type === 'message' ? e.message.sentAt : e.type === 'status' ? e.status.at : 'at' in e ? e.at : undefined;

function statusEnvelope(statuses: unknown[], extra: Record<string, unknown> = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        ...extra,
        changes: [
          {
            field: 'messages',
            value: { metadata: { phone_number_id: '1' }, statuses },
          },
        ],
      },
    ],
  };
}

// Events without a time of their own take the entry's time, else the newest time anywhere in the
// payload, else `receivedAt`, else the epoch. The walk is done only when needed; these pin its result.
describe('the time of events that carry none', () => {
  it('a status without a timestamp takes the newest time in the payload', () => {
    const events = parseCloudWebhook(
      statusEnvelope([
        { id: 'wamid.A', status: 'delivered', timestamp: '1700000000' },
        { id: 'wamid.B', status: 'read' },
        { id: 'wamid.C', status: 'sent', timestamp: 1700000100 },
      ]),
      { receivedAt: '2020-01-01T00:00:00.000Z' },
    );
    expect(events.map(at)).toEqual([
      '2023-11-14T22:13:20.000Z',
      '2023-11-14T22:15:00.000Z',
      '2023-11-14T22:15:00.000Z',
    ]);
  });

  it('the entry time wins over the payload walk', () => {
    const events = parseCloudWebhook(
      statusEnvelope([{ id: 'wamid.B', status: 'read' }, { timestamp: '1800000000' }], { time: 1600000000 }),
    );
    expect(events.map(at)[0]).toBe('2020-09-13T12:26:40.000Z');
  });

  it('with no time anywhere: receivedAt, else the epoch', () => {
    const raw = statusEnvelope([{ id: 'wamid.B', status: 'read' }]);
    expect(at(parseCloudWebhook(raw, { receivedAt: '2026-01-02T03:04:05.000Z' })[0]!)).toBe(
      '2026-01-02T03:04:05.000Z',
    );
    expect(at(parseCloudWebhook(raw)[0]!)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('a message without a timestamp takes the newest time and says so', () => {
    const raw = envelope(
      { from: '14155550100', id: 'wamid.M', type: 'text', text: { body: 'hi' } },
      { wa_id: '14155550100', profile: { name: 'Ann' } },
    ) as { entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }> };
    raw.entry[0]!.changes[0]!.value.statuses = [{ id: 'wamid.X', status: 'sent', timestamp: '1700000000' }];
    const [message] = parseCloudWebhook(raw);
    expect(message?.type === 'message' && message.message.sentAt).toBe('2023-11-14T22:13:20.000Z');
    expect(message?.type === 'message' && message.message.warnings).toContain(
      'message has no valid timestamp; the arrival time is used',
    );
  });
});

describe('identities from the normalization cache', () => {
  it('are fresh objects: changing one event does not change the next parse', () => {
    const raw = envelope(
      { from: '14155550100', id: 'wamid.M', timestamp: '1700000000', type: 'text', text: { body: 'hi' } },
      { wa_id: '14155550100', profile: { name: 'Ann' } },
    );
    const [first] = parseCloudWebhook(raw);
    if (first?.type !== 'message') throw new Error('expected a message');
    first.message.from.value = 'changed';
    const [second] = parseCloudWebhook(raw);
    expect(second?.type === 'message' && second.message.from).toEqual({
      kind: 'whatsapp',
      value: '14155550100',
    });
  });

  it('refusals are remembered as refusals', () => {
    const raw = envelope(
      { from: '123', id: 'wamid.M', timestamp: '1700000000', type: 'text', text: { body: 'hi' } },
      { wa_id: '123' },
    );
    expect(() => parseCloudWebhook(raw)).toThrow(/no usable sender/);
    expect(() => parseCloudWebhook(raw)).toThrow(/no usable sender/);
  });
});
