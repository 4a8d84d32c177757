import { isoFromEpochMs, type JsonValue } from '@omnithread/core';

/** Narrowing helpers for provider payloads: they never throw, so a parser can decide what is fatal. */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
export const nonEmpty = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && s.length > 0 ? s : undefined;
};

/** Converts a payload fragment into plain JSON for `metadata` (drops functions and undefined). */
export function toJson(value: unknown, depth = 0): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (depth > 20) return null;
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1));
  if (isObj(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value))
      if (v !== undefined && typeof v !== 'function') out[k] = toJson(v, depth + 1);
    return out;
  }
  return null;
}

const UNIX_TIME = /^\d{1,13}(\.\d+)?$/;

/** Unix seconds (a number or a numeric string, as Meta and whatsapp-web.js send them) to ISO 8601. */
export function unixToIso(value: unknown): string | undefined {
  const s = str(value);
  if (s === undefined || !UNIX_TIME.test(s.trim())) return undefined;
  const n = Number(s);
  // Seconds until the year 5138; larger values are milliseconds. At most 13 digits keeps every value
  // inside Date's range, and Date truncates fractions of a millisecond the same way (toward zero).
  return isoFromEpochMs(Math.trunc(n > 1e11 ? n : n * 1000));
}

/** Hex SHA-256 from the base64 form WhatsApp uses, when it really is a 32-byte digest. */
export function base64Sha256ToHex(value: unknown): string | undefined {
  const s = str(value);
  if (!s || !/^[A-Za-z0-9+/]{43}=$/.test(s))
    return /^[0-9a-f]{64}$/i.test(s ?? '') ? s!.toLowerCase() : undefined;
  return Buffer.from(s, 'base64').toString('hex');
}
