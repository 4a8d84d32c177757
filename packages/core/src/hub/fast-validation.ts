import { timestampSchema } from '../model/common.js';
import type { NormalizedInboundEvent, NormalizedInboundMessage } from '../model/events.js';

/**
 * The hub validates every event against the zod model, which cost a fifth of an ingest. This is a
 * hand-written check of the two events that make nearly all traffic (messages and statuses) that
 * builds the same output zod would (defaults filled, unknown keys dropped, values copied). It only
 * ever answers "valid, here is the output" or "not sure": anything unusual — an invalid field, a
 * field it does not handle, a getter, a `__proto__` key — returns `undefined` and zod decides, so
 * error messages and edge cases stay zod's. The property tests check that whatever it accepts,
 * zod accepts with an equal output.
 */

// The very pattern zod checks `z.iso.datetime({ offset: true })` with, so the two cannot drift.
const TIMESTAMP = (timestampSchema as unknown as { _zod: { pattern: RegExp } })._zod.pattern;

// Thrown inside the check to say "let zod decide"; caught at the top, never escapes.
const UNSURE = Symbol('unsure');
function unsure(): never {
  throw UNSURE;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) unsure();
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) unsure();
  return v as Obj;
}
function str(v: unknown, min = 0, max = Number.POSITIVE_INFINITY): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) unsure();
  return v;
}
function optStr(v: unknown): string | undefined {
  return v === undefined ? undefined : str(v);
}
function num(v: unknown, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) unsure();
  return v;
}
function int(v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) unsure();
  return v;
}
function timestamp(v: unknown): string {
  if (typeof v !== 'string' || !TIMESTAMP.test(v)) unsure();
  return v;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) unsure();
  return v as T;
}
function list<T>(v: unknown, item: (x: unknown) => T): T[] {
  if (!Array.isArray(v)) unsure();
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i]);
  return out;
}
/** Copies the optional string fields that are present. */
function optionals(source: Obj, target: Obj, keys: readonly string[]) {
  for (const key of keys) {
    const value = optStr(source[key]);
    if (value !== undefined) target[key] = value;
  }
}

const identity = (v: unknown) => {
  const o = obj(v);
  return { kind: str(o.kind, 1, 64), value: str(o.value, 1, 512) };
};
const TRUST = ['verified', 'provider', 'unverified'] as const;
const STATUS = ['received', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'] as const;

const ATTACHMENT_OPTIONALS = ['filename', 'sha256', 'url', 'content', 'providerId', 'contentId', 'caption'];
function attachment(v: unknown) {
  const o = obj(v);
  const out: Obj = { id: str(o.id, 1), contentType: str(o.contentType), size: int(o.size, -1) };
  optionals(o, out, ATTACHMENT_OPTIONALS);
  return out;
}

const ROLES = ['customer', 'agent', 'bot', 'unknown'] as const;
function transcript(v: unknown) {
  const o = obj(v);
  const turns = list(o.turns, (t) => {
    const turn = obj(t);
    const out: Obj = {
      speaker: oneOf(turn.speaker, ROLES),
      text: str(turn.text),
      startMs: num(turn.startMs, 0),
      endMs: num(turn.endMs, 0),
    };
    optionals(turn, out, ['speakerLabel', 'sentiment']);
    if (turn.confidence !== undefined) out.confidence = num(turn.confidence, 0, 1);
    return out;
  });
  const out: Obj = { turns };
  optionals(o, out, ['source', 'language']);
  return out;
}
function call(v: unknown) {
  const o = obj(v);
  const out: Obj = {};
  optionals(o, out, ['callId', 'recordingUrl', 'status']);
  if (o.startedAt !== undefined) out.startedAt = timestamp(o.startedAt);
  if (o.durationMs !== undefined) out.durationMs = num(o.durationMs, 0);
  return out;
}
const redaction = (v: unknown) => {
  const o = obj(v);
  return { kind: str(o.kind), field: str(o.field), start: int(o.start, 0), end: int(o.end, 0) };
};

/**
 * A copy of a JSON value (what zod's `jsonValueSchema` returns), refusing anything else. `levels` is
 * how many levels of objects and arrays may still nest: a deeper value is left to the hub's full
 * depth check (the one recursion of this check, so it cannot overflow the stack).
 */
function json(v: unknown, levels: number): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return num(v);
  if (levels <= 0) unsure();
  if (Array.isArray(v)) return list(v, (item) => json(item, levels - 1));
  const o = obj(v);
  const out: Obj = {};
  for (const key of Object.keys(o)) {
    if (key === '__proto__') unsure();
    out[key] = json(o[key], levels - 1);
  }
  return out;
}

/**
 * How deep an event may nest (the hub refuses deeper ones before anything recurses into them), and
 * so how deep a message's metadata and raw payload may, two levels below the event.
 */
export const MAX_EVENT_DEPTH = 128;
/** How deep a message's (or status's) raw payload and metadata may nest, two levels below the event. */
export const MAX_PAYLOAD_DEPTH = MAX_EVENT_DEPTH - 2;

const MESSAGE_OPTIONALS = ['fromName', 'endpoint', 'subject', 'newText', 'html', 'replyTo'];
function message(v: unknown): NormalizedInboundMessage {
  const m = obj(v);
  // zod requires the key (its value may be anything, even undefined).
  if (!('raw' in m)) unsure();
  const external = obj(m.external);
  const ext: Obj = { id: str(external.id, 1) };
  optionals(external, ext, ['threadId', 'clientId']);
  const thread = m.thread === undefined ? { keys: [], refs: [] } : obj(m.thread);
  const out: Obj = {
    channel: str(m.channel, 1),
    direction: m.direction === undefined ? 'inbound' : oneOf(m.direction, ['inbound', 'outbound'] as const),
    from: identity(m.from),
    to: m.to === undefined ? [] : list(m.to, identity),
    participants: m.participants === undefined ? [] : list(m.participants, identity),
    sentAt: timestamp(m.sentAt),
    text: m.text === undefined ? '' : str(m.text),
    attachments: m.attachments === undefined ? [] : list(m.attachments, attachment),
    thread: {
      keys: list(thread.keys, (k) => str(k)),
      refs: thread.refs === undefined ? [] : list(thread.refs, (k) => str(k)),
    },
    external: ext,
    visibility: m.visibility === undefined ? 'private' : oneOf(m.visibility, ['public', 'private'] as const),
    warnings: m.warnings === undefined ? [] : list(m.warnings, (w) => str(w)),
    metadata: m.metadata === undefined ? {} : json(obj(m.metadata), MAX_PAYLOAD_DEPTH),
    trust: m.trust === undefined ? 'provider' : oneOf(m.trust, TRUST),
    links:
      m.links === undefined
        ? []
        : list(m.links, (l) => {
            const link = obj(l);
            const out: Obj = { identity: identity(link.identity), trust: oneOf(link.trust, TRUST) };
            optionals(link, out, ['evidence']);
            return out;
          }),
    raw: m.raw,
  };
  optionals(m, out, MESSAGE_OPTIONALS);
  if (m.receivedAt !== undefined) out.receivedAt = timestamp(m.receivedAt);
  if (m.status !== undefined) out.status = oneOf(m.status, STATUS);
  if (m.transcript !== undefined) out.transcript = transcript(m.transcript);
  if (m.call !== undefined) out.call = call(m.call);
  if (m.redactions !== undefined) out.redactions = list(m.redactions, redaction);
  return out as unknown as NormalizedInboundMessage;
}

function status(v: unknown) {
  const s = obj(v);
  const out: Obj = {
    channel: str(s.channel, 1),
    externalId: str(s.externalId, 1),
    status: oneOf(s.status, STATUS),
    at: timestamp(s.at),
  };
  if (s.error !== undefined) {
    const e = obj(s.error);
    const error: Obj = { message: str(e.message) };
    optionals(e, error, ['code']);
    out.error = error;
  }
  if ('raw' in s && s.raw !== undefined) out.raw = s.raw;
  return out;
}

/** The event as zod would return it, or `undefined` when zod must decide (see above). */
export function validateCommonEvent(event: unknown): NormalizedInboundEvent | undefined {
  try {
    const e = obj(event);
    if (e.type === 'message') return { type: 'message', message: message(e.message) };
    if (e.type === 'status') return { type: 'status', status: status(e.status) } as NormalizedInboundEvent;
    return undefined;
  } catch {
    // UNSURE, or a getter or proxy that threw: zod will meet the same and report it.
    return undefined;
  }
}
