import { parseJson, WebhookParseError } from '@omnithread/core';

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

/** Milliseconds since the epoch (number or numeric string) to ISO 8601; undefined when not a time. */
export function msToIso(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
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
