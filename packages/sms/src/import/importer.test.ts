import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createHub,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  isPayloadTooLargeError,
  isValidationError,
  memoryStore,
} from '@omnithread/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importers, messageResourceToEvents, twilioImporter } from './importer.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

async function collect(path: string, options: ImportOptions = {}) {
  const events: InboundEvent[] = [];
  const problems: ImportProblem[] = [];
  const progress: number[] = [];
  for await (const item of twilioImporter.read(path, {
    ...options,
    onProgress: (read) => progress.push(read),
  })) {
    if ('type' in item && item.type === 'rejected') problems.push(item as ImportProblem);
    else events.push(item as InboundEvent);
  }
  return { events, problems, progress };
}

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

  describe('an over-long item', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'omnithread-twilio-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const good = async () => {
      const jsonl = await readFile(fixture('twilio-messages.jsonl'), 'utf8');
      return jsonl.split('\n').filter((l) => l.includes('"accountSid"'));
    };
    const long = `{"sid":"SM2000000000000000000000000000000x","body":"${'x'.repeat(4000)}"}`;

    it('is one rejected item with a PayloadTooLargeError, and the next line still imports', async () => {
      const [first, second] = await good();
      const path = join(dir, 'long.jsonl');
      await writeFile(path, `${first}\n${long}\n${second}\n`);
      const { events, problems, progress } = await collect(path, { maxItemBytes: 1024 });
      expect(events.map((e) => e.type === 'message' && e.message.external.id)).toEqual([
        JSON.parse(first!).sid,
        JSON.parse(second!).sid,
      ]);
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem!.source).toBe(`${path}#2`);
      expect(isPayloadTooLargeError(problem!.error) && problem!.error.limit).toBe(1024);
      expect((problem!.error as Error).message).toContain(`${path}#2 is ${long.length} bytes`);
      expect(problem!.raw).toBe(long.slice(0, 1024));
      expect(progress.at(-1)).toBe(Buffer.byteLength(`${first}\n${long}\n${second}\n`));
      // Under the default limit the same line is read (and refused for what it lacks, not its size).
      const { problems: byDefault } = await collect(path);
      expect(byDefault.map((p) => isValidationError(p.error))).toEqual([true]);
    });

    it('bounds each element of a JSON array the same way', async () => {
      const [first, second] = await good();
      const path = join(dir, 'long.json');
      await writeFile(path, `[${first},\n${long},\n${second}]`);
      const { events, problems } = await collect(path, { maxItemBytes: 1024 });
      expect(events).toHaveLength(2);
      expect(problems.map((p) => [p.source, isPayloadTooLargeError(p.error)])).toEqual([[`${path}#2`, true]]);
    });
  });
});
