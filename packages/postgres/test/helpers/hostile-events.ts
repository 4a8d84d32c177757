import fc from 'fast-check';

// Model events shaped as the hub expects them, with contents chosen for what PostgreSQL's text and
// jsonb refuse or change: U+0000, lone surrogates, keys like "__proto__", numbers JSON cannot hold,
// strings past a btree index row, nesting at the hub's bound. Keys are drawn from small pools so that
// events meet: the same message twice, a status before its message, two keys equal but for a NUL or
// half a surrogate pair.

// Code units biased towards the ones that matter; the rest printable ASCII or anything.
const codeUnit = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, 0x22, 0x27, 0x5c, 0x2028, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00, 0xdfff),
  },
);
const shortText = fc.array(codeUnit, { maxLength: 16 }).map((units) => String.fromCharCode(...units));

/** `length` code units a seeded generator spreads over the BMP: nothing for TOAST to compress. */
export function incompressible(seed: number, length: number, letters = false): string {
  let x = seed | 1;
  const units = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    units[i] = letters ? 0x61 + (r % 26) : 0x21 + (r % 0xd000);
  }
  return String.fromCharCode(...units);
}
const longText = fc
  .tuple(fc.integer(), fc.integer({ min: 2_800, max: 4_000 }), fc.boolean())
  .map(([seed, length, letters]) => incompressible(seed, length, letters));

const oddText = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'a.b',
  '\u2028\u2029',
  '\\u0000',
  '\\ud83d',
  "it's",
  '😀 \ud83d',
  '\ufeffBOM',
  'e\u0301',
);

/** Text of any kind a customer or a provider might send, hostile or not. */
export const hostileText = fc.oneof(
  { weight: 6, arbitrary: shortText },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: oddText },
  { weight: 1, arbitrary: longText },
);

/** Keys PostgreSQL keeps as they are, some odd. */
const plainKeys = (base: string) => [base, `${base}\ufffd`, `${base}😀`, `${base}.a`, `${base}'"\\`];
/** Keys PostgreSQL keeps otherwise (U+0000, half a surrogate pair as U+FFFD), each still apart. */
const changedKeys = (base: string) => [`${base}\u0000a`, `${base}\ud800b`];
/** Keys of the same text but for U+0000 or half a surrogate pair: one key once PostgreSQL stores them. */
const twinKeys = (base: string) => [`${base}\u0000`, `${base}\ufffd`, `${base}\ud800`, `${base}\udc00`];
const pooled = (base: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...plainKeys(base)) },
    { weight: 1, arbitrary: fc.constantFrom(...changedKeys(base)) },
    { weight: 1, arbitrary: fc.constantFrom(...twinKeys(base)) },
    { weight: 2, arbitrary: hostileText },
  );
const nonEmpty = (text: fc.Arbitrary<string>) => text.map((s) => (s.length === 0 ? 'x' : s));

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 1e308, 5e-324, 2 ** 53 + 1, 1e21, 0.1 + 0.2),
);

/** An object built key by key (`__proto__` stays an own key, as JSON.parse makes it). */
const objectOf = <T>(value: fc.Arbitrary<T>, maxKeys: number) =>
  fc
    .array(fc.tuple(fc.oneof(hostileText, fc.constantFrom('__proto__', 'constructor', '', 'a.b')), value), {
      maxLength: maxKeys,
    })
    .map((entries) => Object.fromEntries(entries) as Record<string, T>);

/** JSON values with hostile strings, keys and numbers (NaN, Infinity, -0 among the doubles). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    objectOf(tie('value'), 3),
  ),
})).value;

/** `depth` levels of arrays around a leaf. */
export function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { x: value };
  return value;
}

/** What an app may pass as a raw payload: JSON, or values JSON changes (a Date, undefined, NaN). */
const hostileRaw = fc.oneof(
  { weight: 6, arbitrary: hostileJson },
  { weight: 1, arbitrary: fc.constantFrom(124, 125, 126, 127, 10_000).map(nested) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, new Date(0), [undefined, Number.NaN], { a: undefined }),
  },
  { weight: 1, arbitrary: fc.bigInt().map((n) => ({ id: n })) },
);

const channel = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('sms', 'whatsapp') },
  nonEmpty(pooled('ch')),
);
const externalId = nonEmpty(pooled('m'));
const threadKey = pooled('t');
const timestamp = fc.constantFrom(
  '2026-03-01T10:00:00Z',
  '2026-03-01T10:00:00.000Z',
  '2026-03-01T11:30:00+02:00',
  '2026-03-02T09:00:00Z',
);

export const hostileIdentity = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('+14155550100', '+14155550101').map((value) => ({ kind: 'phone', value })),
  },
  { weight: 1, arbitrary: fc.constantFrom('14155550100').map((value) => ({ kind: 'whatsapp', value })) },
  { weight: 1, arbitrary: hostileText.map((s) => ({ kind: 'email', value: `${s}@example.com` })) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.oneof(fc.constant('custom'), nonEmpty(pooled('k'))),
      value: nonEmpty(pooled('v')),
    }),
  },
);

const attachment = fc.record(
  {
    id: nonEmpty(hostileText),
    contentType: hostileText,
    filename: hostileText,
    size: fc.integer({ min: -1, max: 1e9 }),
    url: hostileText,
    caption: hostileText,
  },
  { requiredKeys: ['id', 'contentType', 'size'] },
);
const transcript = fc.record({
  turns: fc.array(
    fc.record({
      speaker: fc.constantFrom('customer', 'agent'),
      text: hostileText,
      startMs: fc.nat(),
      endMs: fc.nat(),
      speakerLabel: hostileText,
    }),
    { maxLength: 3 },
  ),
  source: hostileText,
});

const messageEvent = fc
  .record(
    {
      channel,
      from: hostileIdentity,
      sentAt: timestamp,
      external: fc.record({ id: externalId, threadId: hostileText }, { requiredKeys: ['id'] }),
      raw: hostileRaw,
      text: hostileText,
      subject: hostileText,
      html: hostileText,
      fromName: hostileText,
      endpoint: hostileText,
      replyTo: hostileText,
      to: fc.array(hostileIdentity, { maxLength: 2 }),
      participants: fc.array(hostileIdentity, { maxLength: 2 }),
      thread: fc.record({
        keys: fc.array(threadKey, { maxLength: 3 }),
        refs: fc.array(threadKey, { maxLength: 3 }),
      }),
      attachments: fc.array(attachment, { maxLength: 2 }),
      transcript,
      metadata: objectOf(hostileJson, 4),
      warnings: fc.array(hostileText, { maxLength: 2 }),
      links: fc.array(
        fc.record({ identity: hostileIdentity, trust: fc.constantFrom('provider', 'verified') }),
        {
          maxLength: 2,
        },
      ),
      direction: fc.constantFrom('inbound', 'outbound'),
      visibility: fc.constantFrom('public', 'private'),
    },
    { requiredKeys: ['channel', 'from', 'sentAt', 'external', 'raw'] },
  )
  .map((message) => ({ type: 'message', message }));

const target = { channel, targetExternalId: externalId, at: timestamp };
const otherEvent = fc.oneof(
  fc
    .record(
      {
        channel,
        externalId,
        status: fc.constantFrom('sent', 'delivered', 'read', 'failed'),
        at: timestamp,
        error: fc.record({ code: hostileText, message: hostileText }),
        raw: hostileRaw,
      },
      { requiredKeys: ['channel', 'externalId', 'status', 'at'] },
    )
    .map((status) => ({ type: 'status', status })),
  fc.record({ type: fc.constant('reaction'), ...target, by: hostileIdentity, emoji: hostileText }),
  fc.record({ type: fc.constant('edit'), ...target, text: hostileText }),
  fc.record({ type: fc.constant('delete'), ...target }),
  fc.record({ type: fc.constant('enrich'), ...target, text: hostileText, transcript }),
  fc.record({
    type: fc.constant('identity-link'),
    channel,
    identity: hostileIdentity,
    link: fc.record({
      identity: hostileIdentity,
      trust: fc.constantFrom('provider', 'verified'),
      evidence: hostileText,
    }),
    at: timestamp,
  }),
  fc.record({
    type: fc.constant('consent'),
    channel,
    identity: hostileIdentity,
    optedOut: fc.boolean(),
    keyword: hostileText,
    at: timestamp,
  }),
);

/** A valid-shaped event with one field of its message replaced by anything at all. */
const brokenEvent = fc
  .tuple(
    messageEvent,
    fc.constantFrom('channel', 'from', 'sentAt', 'external', 'text', 'thread', 'metadata'),
    fc.anything(),
  )
  .map(([event, key, value]) => ({ ...event, message: { ...event.message, [key]: value } }));

/** Mostly valid-shaped hostile events, some broken ones. */
export const hostileEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 5, arbitrary: messageEvent },
  { weight: 3, arbitrary: otherEvent },
  { weight: 1, arbitrary: brokenEvent },
);

/** Search queries: hostile text, or words the events may hold. */
export const hostileQuery = fc.oneof(
  hostileText,
  fc.constantFrom('hello', 'a', 'leaf', 'proto', 'Ｈｅｌｌｏ', "it's", 'e\u0301'),
  fc.integer({ min: 1, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ')),
);
