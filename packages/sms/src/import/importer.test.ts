import { fileURLToPath } from 'node:url';
import {
  createHub,
  type ImportProblem,
  type InboundEvent,
  isValidationError,
  memoryStore,
} from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { importers, messageResourceToEvents, twilioImporter } from './importer.js';
import { jsonItems } from './json-stream.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

async function collect(path: string) {
  const events: InboundEvent[] = [];
  const problems: ImportProblem[] = [];
  const progress: number[] = [];
  for await (const item of twilioImporter.read(path, { onProgress: (read) => progress.push(read) })) {
    if ('type' in item && item.type === 'rejected') problems.push(item as ImportProblem);
    else events.push(item as InboundEvent);
  }
  return { events, problems, progress };
}

async function* chunks(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('jsonItems', () => {
  it('splits a JSON array into its elements whatever the chunk boundaries', async () => {
    const text = ' [ {"a": "x,]}"}, {"b": [1, 2, {"c": "\\"}"}]} ,{"d":null} ] ';
    for (const size of [1, 2, 5, 1000]) {
      const items = [];
      for await (const item of jsonItems(chunks(text, size))) items.push(JSON.parse(item.text));
      expect(items).toEqual([{ a: 'x,]}' }, { b: [1, 2, { c: '"}' }] }, { d: null }]);
    }
  });

  it('reads JSON lines, and a broken line does not swallow the next ones', async () => {
    const text = '{"a":1}\n{"b": "unterminated\n\n{"c":3}\r\n';
    const items = [];
    for await (const item of jsonItems(chunks(text, 3))) items.push(item);
    expect(items.map((i) => i.text)).toEqual(['{"a":1}', '{"b": "unterminated', '{"c":3}']);
  });

  it('hands over the tail of a truncated array as one item', async () => {
    const items = [];
    for await (const item of jsonItems(chunks('[{"a":1},{"b":', 4))) items.push(item.text);
    expect(items).toEqual(['{"a":1}', '{"b":']);
  });
});

describe('twilio importer', () => {
  it('is exported for `omnithread import --format twilio` and detects Twilio exports', () => {
    expect(importers.map((i) => i.format)).toEqual(['twilio']);
    const head = new TextEncoder().encode(
      '[{"account_sid":"AC1","sid":"SM1000","date_sent":"Mon, 02 Mar 2026"}]',
    );
    expect(twilioImporter.detect?.('export.json', head)).toBe(true);
    expect(twilioImporter.detect?.('export.csv', head)).toBe(false);
    expect(
      twilioImporter.detect?.(
        'other.json',
        new TextEncoder().encode('{"object":"whatsapp_business_account"}'),
      ),
    ).toBe(false);
  });

  it('reads a REST API JSON array into inbound and outbound messages and consent', async () => {
    const { events, problems, progress } = await collect(fixture('twilio-messages.json'));
    expect(problems).toEqual([]);
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).toEqual([
      'message',
      'message',
      'message',
      'message',
      'message',
      'consent',
    ]);
    const [first, reply, mms, failed] = events as Array<Extract<InboundEvent, { type: 'message' }>>;
    expect(first!.message).toMatchObject({
      channel: 'sms',
      direction: 'inbound',
      from: { kind: 'phone', value: '+14155550123' },
      endpoint: '+15005550006',
      sentAt: '2026-03-02T09:00:00.000Z',
      external: { id: 'SM10000000000000000000000000000001' },
    });
    expect(reply!.message).toMatchObject({
      direction: 'outbound',
      from: { kind: 'phone', value: '+15005550006' },
      to: [{ kind: 'phone', value: '+14155550123' }],
      status: 'delivered',
      metadata: { price: { amount: '-0.00790', unit: 'USD' }, twilioDirection: 'outbound-reply' },
    });
    expect(mms!.message.warnings?.[0]).toMatch(/1 media item\(s\) not imported/);
    expect(failed!.message).toMatchObject({
      status: 'undelivered',
      metadata: { error: { code: '30003', message: 'Unreachable destination handset' } },
    });
    expect(events[5]).toMatchObject({
      type: 'consent',
      identity: { kind: 'phone', value: '+14155550199' },
      optedOut: true,
      keyword: 'STOP',
    });
  });

  it('reads SDK-style JSON lines, reporting bad lines and going on', async () => {
    const { events, problems } = await collect(fixture('twilio-messages.jsonl'));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'message',
      message: { channel: 'whatsapp', from: { kind: 'whatsapp', value: '14155550123' } },
    });
    expect(events[1]).toMatchObject({
      type: 'message',
      message: { direction: 'outbound', status: 'read', to: [{ kind: 'whatsapp', value: '14155550123' }] },
    });
    expect(problems.map((p) => p.source.split('#')[1])).toEqual(['2', '3']);
    expect(problems[1]?.raw).toEqual({ hello: 'world' });
  });

  it('imports into the hub: the SMS thread and its reply in one conversation, STOP recorded', async () => {
    const hub = createHub({ store: memoryStore(), clock: () => new Date('2026-03-02T12:00:00Z') });
    const { events } = await collect(fixture('twilio-messages.json'));
    for (const event of events) await hub.ingest(event);
    const jane = await hub.contacts.findByIdentity({ kind: 'phone', value: '+14155550123' });
    const conversations = (await hub.conversations.list({ contactId: jane!.id })).items;
    expect(conversations).toHaveLength(1);
    expect((await hub.conversations.messages(conversations[0]!.id)).items).toHaveLength(3);
    const other = await hub.contacts.findByIdentity({ kind: 'phone', value: '+14155550199' });
    expect(other?.consent.sms?.optedOut).toBe(true);
  });

  it('says what is missing from a resource, with a ValidationError naming the field', () => {
    const refusal = (resource: unknown) => {
      try {
        messageResourceToEvents(resource);
      } catch (error) {
        return error;
      }
      throw new Error('expected a refusal');
    };
    const noTo = refusal({ sid: 'SM10000000000000000000000000000001', from: '+14155550123' });
    expect(isValidationError(noTo) && [noTo.path, noTo.message]).toEqual([
      'to',
      'message SM10000000000000000000000000000001 lacks from or to',
    ]);
    expect(isValidationError(refusal([]))).toBe(true);
    const noSid = refusal({ from: '+14155550123', to: '+18005550199' });
    expect(isValidationError(noSid) && noSid.path).toBe('sid');
  });
});
