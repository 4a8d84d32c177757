import { isoFromEpochMs, parseJson, WebhookParseError } from '@omnithread/core';

/** Small helpers for reading untrusted JSON payloads without crashing on any shape. */

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A WebhookParseError that keeps the whole payload, so nothing a customer sent is lost. */
export function parseError(message: string, raw: unknown, path?: string): WebhookParseError {
  return new WebhookParseError(
    message,
    path === undefined ? { raw: raw ?? null } : { raw: raw ?? null, path },
  );
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A required id-like string at `path`; throws a WebhookParseError naming the path otherwise. */
export function need(value: unknown, raw: unknown, path: string): string {
  const s = str(value);
  if (s === undefined) throw parseError(`missing or invalid ${path}`, raw, path);
  return s;
}

/** The plain JSON a JSON round trip gives; primitives (the usual metadata) without the round trip. */
export function plainJson(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0 and non-finite numbers as null.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    default:
      return value === null ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
  }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Copies only defined fields, as plain JSON (the model refuses `undefined` inside metadata). */
export function clean(record: Record<string, unknown>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v !== undefined) out[k] = plainJson(v);
  }
  return out;
}

// The last time a Date can hold.
const MAX_DATE_MS = 8_640_000_000_000_000;

/** Milliseconds since the epoch (number or numeric string) to ISO 8601; undefined when not a time. */
export function msToIso(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
  return ms <= MAX_DATE_MS ? isoFromEpochMs(ms) : undefined;
}

/** A parseable date string to ISO 8601; undefined otherwise. */
export function dateToIso(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Compares numeric ids (X snowflakes) of any length without losing precision. */
export function compareNumericIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a JSON body, refusing non-JSON with a WebhookParseError that keeps the text. */
export function parseJsonBody(text: string): unknown {
  try {
    return parseJson(text);
  } catch (error) {
    throw new WebhookParseError('the body is not valid JSON', { raw: text, cause: error });
  }
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
