import type { Message } from '@omnithread/core';
import { searchWords, ValidationError, wellFormed } from '@omnithread/core';

// What JSON.stringify writes as an escape that jsonb refuses: U+0000, and a surrogate without its
// pair (well-formed JSON.stringify escapes only lone ones, in lower-case hex), unless the backslash
// is itself escaped.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * JSON text for a jsonb parameter. jsonb cannot hold U+0000, which does turn up in scraped payloads
 * and broken MIME, nor half of a surrogate pair (a truncated emoji in a WhatsApp text): each becomes
 * U+FFFD (the replacement character) rather than failing the whole ingest, which would leave the
 * message neither stored nor kept as rejected while the provider retried it for days.
 */
export function jsonParam(value: unknown, path = 'value'): string {
  let text: string;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch (cause) {
    throw unstorable(value, path, cause);
  }
  return text.includes('\\u') ? text.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : text;
}

/**
 * The typed refusal of a value JSON cannot write: a BigInt, a cycle, a nesting deeper than
 * JSON.stringify's stack, a toJSON that throws (apps hand such values over as raw payloads or
 * attributes; memoryStore keeps them as they are). Names the field that fails, one level down.
 */
function unstorable(value: unknown, path: string, cause: unknown): ValidationError {
  let where = path;
  try {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, field] of Object.entries(value)) {
        try {
          JSON.stringify(field);
        } catch {
          where = `${path}.${key}`;
          break;
        }
      }
    }
  } catch {
    // A getter or proxy that throws: the whole value is what cannot be stored.
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`${where} cannot be stored as JSON: ${reason}`, { path: where, cause });
}

/**
 * Text for a text column, as PostgreSQL keeps it: text cannot hold U+0000, nor half a surrogate pair
 * (the driver's UTF-8 encoding turns it into U+FFFD on the way); each becomes U+FFFD here, so two
 * keys that differ only there are one key before they reach the database, as they are in it. The
 * core's `wellFormed`, which the hub applies to keys itself: a direct Store call gets the same.
 */
export const textParam = wellFormed;

/** Whether PostgreSQL would keep a string differently (U+0000, half a surrogate pair). */
const changesInText = (value: string) => wellFormed(value) !== value;

// PostgreSQL refuses lexemes of 2 KiB or more, and a tsvector over 1 MiB.
const MAX_LEXEME_BYTES = 2046;
const MAX_VECTOR_BYTES = 900_000;

const fitsLexeme = (word: string) => Buffer.byteLength(word, 'utf8') <= MAX_LEXEME_BYTES;

/**
 * The words a message is found by: subject, text and transcript turns, split exactly as core's
 * `searchWords` splits a query (lower-case runs of letters and digits), so PostgreSQL's full-text
 * match means what `memoryStore`'s does. They become a tsvector with `array_to_tsvector`, which takes
 * the words as they are: no stemming, no stop words, no second tokenizer that could disagree.
 */
export function messageLexemes(message: Pick<Message, 'subject' | 'text' | 'transcript'>): string[] {
  const parts = [
    message.subject ?? '',
    message.text,
    ...(message.transcript?.turns.map((t) => t.text) ?? []),
  ];
  const unique = [...new Set(searchWords(parts.join(' ')))].filter(fitsLexeme);
  let bytes = 0;
  const kept: string[] = [];
  for (const word of unique) {
    bytes += Buffer.byteLength(word, 'utf8') + 8;
    if (bytes > MAX_VECTOR_BYTES) break;
    kept.push(word);
  }
  return kept;
}

// PostgreSQL's tsquery parser and matcher recurse once per word: a query of 40,000 words overflows
// a server's stack, and PGlite's much smaller one far sooner, leaving the instance answering wrong
// or not at all. A tsquery holds at most this many words; the rest are matched without recursion.
const MAX_QUERY_LEXEMES = 32;

export interface SearchTerms {
  /** A tsquery that needs up to `MAX_QUERY_LEXEMES` of the words (the longest): what the index finds. */
  tsquery: string;
  /** Every word, when the tsquery holds only some: the lexemes a message must all have. */
  all?: string[];
}

/**
 * What a message must hold to match `query`: every word of it. Undefined when nothing can match (no
 * words, or a word too long to be a lexeme). Words hold only letters and digits, so quoting is safe.
 */
export function searchTerms(query: string): SearchTerms | undefined {
  const words = [...new Set(searchWords(query))];
  if (words.length === 0 || !words.every(fitsLexeme)) return undefined;
  if (words.length <= MAX_QUERY_LEXEMES) return { tsquery: words.map((w) => `'${w}'`).join(' & ') };
  const longest = [...words].sort((a, b) => b.length - a.length).slice(0, MAX_QUERY_LEXEMES);
  return { tsquery: longest.map((w) => `'${w}'`).join(' & '), all: words };
}

/** Whether jsonb would keep `value` differently from what it is (U+0000, half a surrogate pair, undefined, NaN, -0, toJSON…). */
function changesInJson(value: unknown): boolean {
  if (typeof value === 'string') return changesInText(value);
  if (typeof value === 'number') return !Number.isFinite(value) || Object.is(value, -0);
  if (typeof value !== 'object' || value === null) return typeof value !== 'boolean';
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || changesInJson(item)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  for (const key in value) {
    if (changesInText(key)) return true;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || changesInJson(v)) return true;
  }
  return false;
}

/**
 * A model record as the database gives it back: JSON's view of it, with U+0000 and half surrogate
 * pairs replaced as `jsonParam` and `textParam` replace them. A transaction keeps what it wrote this
 * way, so reading it back before COMMIT answers exactly what reading the row would. Plain JSON data
 * (what the hub writes) is returned as it is, uncopied: the hub never changes an object once it
 * handed it over. A value JSON cannot hold is a `ValidationError` naming its field under `path`.
 */
export function normalized<T>(value: T, path: string): T {
  let changes: boolean;
  try {
    changes = changesInJson(value);
  } catch (cause) {
    throw unstorable(value, path, cause);
  }
  return changes ? (JSON.parse(jsonParam(value, path)) as T) : value;
}
