import type { Message } from '@omnithread/core';
import { searchWords } from '@omnithread/core';

/**
 * JSON text for a jsonb parameter. jsonb cannot hold U+0000, which does turn up in scraped payloads
 * and broken MIME; it becomes U+FFFD (the replacement character) rather than failing the whole
 * ingest. An escaped backslash followed by "u0000" is left alone.
 */
export function jsonParam(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value);
  return text.includes('\\u0000') ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : text;
}

/** Text for a text column: PostgreSQL text cannot hold U+0000 either. */
export function textParam(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
}

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

/**
 * A tsquery that needs every word of `query`, or undefined when nothing can match (no words, or a
 * word too long to be a lexeme). Words hold only letters and digits, so quoting is safe.
 */
export function searchQuery(query: string): string | undefined {
  const words = [...new Set(searchWords(query))];
  if (words.length === 0 || !words.every(fitsLexeme)) return undefined;
  return words.map((w) => `'${w}'`).join(' & ');
}

/**
 * A copy of a model record as the database gives it back: undefined fields dropped, U+0000 in any
 * string (or key) replaced as `jsonParam` and `textParam` replace it. A transaction keeps what it
 * wrote this way, so reading it back before COMMIT answers exactly what reading the row would.
 */
export function normalized<T>(value: T): T {
  if (typeof value === 'string') return textParam(value) as T;
  // JSON has no NaN, Infinity or -0.
  if (typeof value === 'number') return (Number.isFinite(value) ? value + 0 : null) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // JSON writes undefined array items (and functions) as null.
      out[i] = item === undefined ? null : normalized(item);
    }
    return out as T;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(jsonParam(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'function') out[textParam(key)] = normalized(v);
  }
  return out as T;
}
