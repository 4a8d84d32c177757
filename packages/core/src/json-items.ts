import { ConfigurationError, PayloadTooLargeError } from './errors.js';

/**
 * The largest JSON item (one line of JSON lines, or one element of a JSON array) that importers read
 * by default: 16 MiB. The archives they read — Twilio Message resources, Meta and WhatsApp webhook
 * envelopes, X DM pages with their `includes` — carry text and media ids or URLs, never media bytes;
 * the biggest real one, an X page of 100 DMs of 10,000 characters all escaped as `\uXXXX`, is about
 * 6 MB. A line past 16 MiB is not data but a broken or hostile file, and holding it (plus what
 * `JSON.parse` makes of it) would let one line exhaust memory. Omnithread's own JSON lines may inline
 * attachments as base64: a line with an attachment over about 12 MB needs a larger `maxItemBytes`.
 */
export const DEFAULT_MAX_ITEM_BYTES = 16 * 1024 * 1024;

/**
 * How much of an over-long item is kept, as its `prefix`: a prefix, not the item, because the whole
 * item is exactly what cannot be held; its first 4 KiB show what it was (its keys, an id).
 */
export const OVERSIZED_PREFIX_BYTES = 4 * 1024;

export interface ReadJsonItemsOptions {
  /** Largest item accepted, in UTF-8 bytes without its line break. Default `DEFAULT_MAX_ITEM_BYTES`. */
  maxItemBytes?: number;
  /**
   * Also read one JSON array: when the text starts with `[`, its top-level elements are the items
   * (split at top-level commas, strings and nesting respected). Default false: JSON lines only.
   */
  arrays?: boolean;
  /** Names item `n` (its 1-based line, or element number in an array) in `source` and errors, e.g. `(n) => \`${path}#${n}\``. */
  source?(number: number): string;
  /** Called after each chunk is read through, with the bytes read so far (for a progress bar). */
  onBytes?(bytesRead: number): void;
}

/** An item, as text: a non-blank line (untrimmed, without its line break) or an array element (trimmed). */
export interface JsonItemText {
  /** The 1-based line number (JSON lines) or element number (JSON array). */
  number: number;
  source: string;
  text: string;
}

/** An item over `maxItemBytes`: only its size and the start of it were kept. */
export interface OversizedJsonItem {
  number: number;
  source: string;
  /**
   * The item's first `OVERSIZED_PREFIX_BYTES` (or `maxItemBytes`, when smaller), cut back to a
   * character boundary.
   */
  prefix: string;
  /** The item's whole size in bytes, counted while skipping it. */
  bytes: number;
  error: PayloadTooLargeError;
}

export type JsonItem = JsonItemText | OversizedJsonItem;

/** For tests: the most bytes the reader held for one item at any time. */
export interface ReaderStats {
  maxHeldBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BOM = [0xef, 0xbb, 0xbf];

const isJsonSpace = (b: number) => b === 0x20 || b === 0x09 || b === LF || b === CR;

interface Chunk {
  bytes: Uint8Array;
  /** Source bytes read so far, this chunk included. */
  readTotal: number;
}

/**
 * The chunks as UTF-8 bytes with a leading byte order mark removed. A string chunk that ends in the
 * first half of a surrogate pair keeps it for the next one, so the pair is not encoded as two U+FFFDs.
 */
async function* utf8Chunks(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Chunk> {
  const encoder = new TextEncoder();
  let highSurrogate = '';
  // The first bytes, until it is known whether they are a byte order mark (they may come one by one).
  let head: Uint8Array | undefined = new Uint8Array(0);
  let readTotal = 0;
  for await (const chunk of chunks) {
    let bytes: Uint8Array;
    if (typeof chunk === 'string') {
      let text = highSurrogate + chunk;
      highSurrogate = '';
      const last = text.charCodeAt(text.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        highSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      bytes = encoder.encode(text);
    } else bytes = chunk;
    readTotal += bytes.length;
    if (head) {
      bytes = concat([head, bytes], head.length + bytes.length);
      if (bytes.length < BOM.length && bytes.every((b, i) => b === BOM[i])) {
        head = bytes;
        continue;
      }
      head = undefined;
      if (BOM.every((b, i) => bytes[i] === b)) bytes = bytes.subarray(BOM.length);
    }
    yield { bytes, readTotal };
  }
  const lone = encoder.encode(highSurrogate);
  readTotal += lone.length;
  const rest = head ? concat([head, lone], head.length + lone.length) : lone;
  if (rest.length > 0) yield { bytes: rest, readTotal };
}

/**
 * The bytes of the item being read, up to the limit. Past it, they are counted and dropped, except
 * the first `OVERSIZED_PREFIX_BYTES`: memory stays bounded however long the item is.
 */
function itemBuffer(limit: number, stats: ReaderStats) {
  let pieces: Uint8Array[] = [];
  let held = 0;
  let size = 0;
  let prefix: Uint8Array | undefined;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  // Never more than the limit, even when the limit is tiny.
  const prefixBytes = Math.min(OVERSIZED_PREFIX_BYTES, limit);
  const keepPrefix = (last: Uint8Array): Uint8Array => {
    // Called when the item first goes over the limit, so there are always `prefixBytes` to take.
    const out = new Uint8Array(prefixBytes);
    let at = 0;
    for (const piece of [...pieces, last]) {
      if (at === out.length) break;
      const part = piece.subarray(0, out.length - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  };

  const append = (bytes: Uint8Array, start: number, end: number): void => {
    if (end <= start) return;
    size += end - start;
    if (prefix) return;
    if (size > limit) {
      prefix = keepPrefix(bytes.subarray(start, end));
      pieces = [];
      held = 0;
      return;
    }
    // A copy, so the caller's (possibly large, possibly reused) chunk is not kept alive.
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(start, end));
    pieces.push(copy);
    held += copy.length;
    if (held > stats.maxHeldBytes) stats.maxHeldBytes = held;
  };

  return {
    get size() {
      return size;
    },
    append,
    /** The item ends with `bytes[start, end)`: its text, or its size and prefix when over the limit. */
    take(
      bytes: Uint8Array,
      start: number,
      end: number,
    ): { text: string } | { bytes: number; prefix: string } {
      // Most items lie within one chunk: decoded from it, with no copy.
      if (size === 0 && end - start <= limit) return { text: decoder.decode(bytes.subarray(start, end)) };
      append(bytes, start, end);
      const result = prefix
        ? { bytes: size, prefix: decodePrefix(decoder, prefix) }
        : { text: decoder.decode(pieces.length === 1 ? pieces[0] : concat(pieces, held)) };
      pieces = [];
      held = 0;
      size = 0;
      prefix = undefined;
      return result;
    },
  };
}

function concat(pieces: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Decodes a prefix cut mid-item without ending in half a character (which would decode as U+FFFD). */
function decodePrefix(decoder: TextDecoder, bytes: Uint8Array): string {
  let end = bytes.length;
  let start = end - 1;
  while (start > 0 && end - start < 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (start + length > end) end = start;
  return decoder.decode(bytes.subarray(0, end));
}

/**
 * Streams the items of JSON lines (or, with `arrays`, of one JSON array) from chunks of bytes or text
 * — a node `fs` stream, a web `ReadableStream`, any async iterable — holding at most one item, and
 * at most `maxItemBytes` of it. An item over the limit comes out as an `OversizedJsonItem` carrying
 * a `PayloadTooLargeError`, and reading goes on with the next one. Line numbers count every line
 * (blank ones are skipped, not yielded); `\n`, `\r\n` and a lone `\r` end a line; a leading byte
 * order mark is dropped. Bytes that are not UTF-8 decode as U+FFFD.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { readJsonItems } from '@omnithread/core';
 *
 * const path = 'hooks.jsonl';
 * for await (const item of readJsonItems(createReadStream(path), { source: (n) => `${path}#${n}` })) {
 *   if ('error' in item) console.warn(item.error.message); // hooks.jsonl#12 is 20971520 bytes, over …
 *   else console.log(JSON.parse(item.text));
 * }
 * ```
 */
export function readJsonItems(
  chunks: AsyncIterable<Uint8Array | string>,
  options: ReadJsonItemsOptions = {},
): AsyncGenerator<JsonItem> {
  return scanJsonItems(chunks, options, { maxHeldBytes: 0 });
}

/** `readJsonItems`, reporting in `stats` how much it held (so a test can see the bound hold). */
export async function* scanJsonItems(
  chunks: AsyncIterable<Uint8Array | string>,
  options: ReadJsonItemsOptions,
  stats: ReaderStats,
): AsyncGenerator<JsonItem> {
  const limit = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  if (!(limit > 0))
    throw new ConfigurationError('maxItemBytes', `maxItemBytes must be positive, not ${limit}`);
  let mode: 'unknown' | 'lines' | 'array' = options.arrays ? 'unknown' : 'lines';
  const buffer = itemBuffer(limit, stats);
  const name = (n: number) => options.source?.(n) ?? `${mode === 'array' ? 'item' : 'line'} ${n}`;

  // JSON lines state.
  let line = 0;
  let afterCr = false;
  // JSON array state.
  let element = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let closed = false;

  /** The item numbered `number` ends with `bytes[start, end)`. */
  const finish = (
    bytes: Uint8Array,
    start: number,
    end: number,
    number: number,
    trim: boolean,
  ): JsonItem | undefined => {
    const taken = buffer.take(bytes, start, end);
    const source = name(number);
    if ('text' in taken) {
      const blank = taken.text.trim() === '';
      if (blank) return undefined;
      return { number, source, text: trim ? taken.text.trim() : taken.text };
    }
    const error = new PayloadTooLargeError(
      `${source} is ${taken.bytes} bytes, over the ${limit}-byte limit for one JSON item (maxItemBytes); only its start is kept`,
      { limit },
    );
    return { number, source, prefix: taken.prefix, bytes: taken.bytes, error };
  };

  function* lines(bytes: Uint8Array, from: number): Generator<JsonItem> {
    let start = from;
    if (afterCr && start < bytes.length) {
      afterCr = false;
      if (bytes[start] === LF) start++;
    }
    // Next LF and CR at or after `start`, found once each (searching again per line would be quadratic).
    let lf = bytes.indexOf(LF, start);
    let cr = bytes.indexOf(CR, start);
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      line++;
      const item = finish(bytes, start, end, line, false);
      if (item) yield item;
      start = end + 1;
      if (end === cr) {
        if (start === bytes.length) afterCr = true;
        else if (bytes[start] === LF) start++;
      }
      if (lf >= 0 && lf < start) lf = bytes.indexOf(LF, start);
      if (cr >= 0 && cr < start) cr = bytes.indexOf(CR, start);
    }
    buffer.append(bytes, start, bytes.length);
  }

  function* array(bytes: Uint8Array, from: number): Generator<JsonItem> {
    let start = from;
    if (!closed) {
      for (let i = from; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
        } else if (b === QUOTE) inString = true;
        else if (depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
          const item = finish(bytes, start, i, element + 1, true);
          if (item) {
            element++;
            yield item;
          }
          start = i + 1;
          if (b === CLOSE_BRACKET) {
            // Whatever follows the array is kept as one last item, so nothing is silently dropped.
            closed = true;
            break;
          }
        } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth = Math.max(0, depth - 1);
        else if (start === i && buffer.size === 0 && isJsonSpace(b)) start++;
      }
    }
    buffer.append(bytes, start, bytes.length);
  }

  for await (const { bytes, readTotal } of utf8Chunks(chunks)) {
    let from = 0;
    if (mode === 'unknown') {
      while (from < bytes.length && isJsonSpace(bytes[from]!)) from++;
      if (from < bytes.length) {
        mode = bytes[from] === OPEN_BRACKET ? 'array' : 'lines';
        if (mode === 'array') {
          buffer.take(bytes, 0, 0);
          from++;
        }
      }
      // Until the first value, the (blank) lines before it still count.
      if (mode === 'array') yield* array(bytes, from);
      else yield* lines(bytes, 0);
    } else if (mode === 'lines') yield* lines(bytes, 0);
    else yield* array(bytes, 0);
    options.onBytes?.(readTotal);
  }
  if (buffer.size > 0) {
    // The last line without a line break, or the tail of an unclosed (truncated) array: one item.
    const none = new Uint8Array(0);
    const item =
      mode === 'array' ? finish(none, 0, 0, element + 1, true) : finish(none, 0, 0, line + 1, false);
    if (item) yield item;
  }
}
