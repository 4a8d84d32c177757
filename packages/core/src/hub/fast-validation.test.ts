import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboundEventSchema } from '../model/events.js';
import { validateCommonEvent } from './fast-validation.js';
import { at, email, msg, phone } from './test-helpers.js';

const runs = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 300);

// Values near the edges of the model as well as anything at all.
const anyValue = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(
    undefined,
    null,
    '',
    'customer',
    'nobody',
    -1,
    0,
    0.5,
    1,
    1.5,
    '2026-03-02T09:00:00Z',
    '2026-02-30T09:00:00Z',
    [],
    {},
  ),
);

/** What zod makes of an event, or undefined when zod refuses it. */
function zodOutput(event: unknown) {
  const parsed = inboundEventSchema.safeParse(event);
  return parsed.success ? parsed.data : undefined;
}

const full = msg('email', email('ann@example.org'), 1, 'hello', {
  direction: 'outbound',
  to: [email('bob@example.org')],
  participants: [email('cc@example.org')],
  fromName: 'Ann',
  endpoint: 'support@example.org',
  receivedAt: '2026-03-02T10:00:00.123+02:00',
  subject: 'Order 1042',
  newText: 'hello',
  html: '<p>hello</p>',
  replyTo: 'ann@example.org',
  attachments: [
    { id: 'a1', contentType: 'image/png', size: 10, filename: 'x.png', sha256: 'ab', caption: 'c' },
    { id: 'a2', contentType: 'text/plain', size: -1 },
  ],
  thread: { keys: ['email:a@b'], refs: ['email:c@d'] },
  external: { id: '<a@b>', threadId: 't', clientId: 'msg_1' },
  status: 'sent',
  visibility: 'public',
  transcript: {
    turns: [
      { speaker: 'customer', speakerLabel: 'A', text: 'hi', startMs: 0, endMs: 1.5, confidence: 0.9 },
      { speaker: 'agent', text: 'hello', startMs: 2, endMs: 3, sentiment: 'positive' },
    ],
    source: 'deepgram',
    language: 'en',
  },
  call: { callId: 'CA1', startedAt: at(1), durationMs: 3000, recordingUrl: 'https://x', status: 'completed' },
  redactions: [{ kind: 'card', field: 'text', start: 0, end: 4 }],
  warnings: ['w'],
  metadata: { a: 1, b: [true, null, 'x', { c: -2.5 }], d: {} },
  trust: 'verified',
  links: [
    { identity: phone('+14155550100'), trust: 'provider', evidence: 'e' },
    { identity: phone('+14155550101'), trust: 'unverified' },
  ],
  raw: { any: ['thing'] },
});

const status = {
  type: 'status',
  status: {
    channel: 'sms',
    externalId: 'SM1',
    status: 'failed',
    at: at(2),
    error: { code: '30003', message: 'x' },
    raw: { a: 1 },
  },
};

describe('validateCommonEvent', () => {
  it('gives exactly what zod gives for messages and statuses, minimal and with every field', () => {
    for (const event of [
      msg('sms', phone('+14155550100'), 1),
      full,
      status,
      { ...status, status: { ...status.status, error: undefined, raw: undefined } },
    ]) {
      const fast = validateCommonEvent(event);
      expect(fast).toBeDefined();
      expect(fast).toEqual(zodOutput(event));
    }
  });

  it('drops unknown keys and copies what it keeps, as zod does', () => {
    const event = msg('sms', phone('+14155550100'), 1, 'x', { metadata: { nested: { a: 1 } } });
    const fast = validateCommonEvent({ ...event, extra: 1, message: { ...event.message, surprise: true } });
    expect(fast).not.toHaveProperty('extra');
    expect(fast?.type === 'message' && 'surprise' in fast.message).toBe(false);
    expect(fast?.type === 'message' && fast.message.metadata.nested).not.toBe(event.message.metadata?.nested);
  });

  it('leaves other event types, and anything unusual, to zod', () => {
    const base = msg('sms', phone('+14155550100'), 1);
    const { raw: _raw, ...withoutRaw } = base.message;
    for (const event of [
      { type: 'consent', channel: 'sms', identity: phone('+1'), optedOut: true, at: at(1) },
      { ...base, message: { ...base.message, sentAt: '2026-03-02 09:00' } },
      { ...base, message: { ...base.message, metadata: { n: Number.NaN } } },
      { ...base, message: { ...base.message, metadata: JSON.parse('{"__proto__": {"x": 1}}') } },
      { ...base, message: withoutRaw },
      { ...base, message: new Map() },
      null,
      'message',
    ]) {
      expect(validateCommonEvent(event)).toBeUndefined();
    }
  });

  it('whatever it accepts, zod accepts with an equal output (fields replaced by anything)', () => {
    const fields = Object.keys(full.message);
    const mutated = fc
      .tuple(
        fc.constantFrom(full, status),
        fc.array(
          fc.tuple(
            fc.constantFrom(...fields, 'channel', 'externalId', 'status', 'at', 'error'),
            fc.anything(),
          ),
          {
            maxLength: 3,
          },
        ),
        fc.boolean(),
      )
      .map(([base, replacements, deleteInstead]) => {
        const key = base === full ? 'message' : 'status';
        const inner: Record<string, unknown> = {
          ...(base as unknown as Record<string, Record<string, unknown>>)[key],
        };
        for (const [field, value] of replacements) {
          if (deleteInstead) delete inner[field];
          else inner[field] = value;
        }
        return { ...base, [key]: inner };
      });
    fc.assert(
      fc.property(mutated, (event) => {
        const fast = validateCommonEvent(event);
        if (fast === undefined) return;
        const zod = zodOutput(event);
        expect(zod).toBeDefined();
        expect(fast).toEqual(zod);
      }),
      { seed: 20261125, numRuns: runs },
    );
  });

  it('nested values replaced by anything: still never accepts what zod refuses', () => {
    const paths = fc.constantFrom(
      ['from', 'kind'],
      ['from', 'value'],
      ['to', 0],
      ['attachments', 0, 'size'],
      ['attachments', 1, 'id'],
      ['thread', 'refs'],
      ['external', 'id'],
      ['transcript', 'turns', 0, 'confidence'],
      ['transcript', 'turns', 1, 'speaker'],
      ['call', 'startedAt'],
      ['redactions', 0, 'start'],
      ['metadata', 'b', 3],
      ['links', 0, 'trust'],
      ['links', 1, 'identity'],
    );
    fc.assert(
      fc.property(paths, anyValue, (path, value) => {
        const event = structuredClone(full);
        let target: Record<string | number, unknown> = event.message as never;
        for (const step of path.slice(0, -1)) target = target[step] as never;
        target[path[path.length - 1]!] = value;
        const fast = validateCommonEvent(event);
        if (fast === undefined) return;
        expect(fast).toEqual(zodOutput(event));
      }),
      { seed: 20261126, numRuns: runs },
    );
  });
});
