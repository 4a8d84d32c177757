import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** One message of an mbox, with its `From ` separator line. */
export interface MboxMessage {
  /** The message bytes, `>From ` unescaped, without the separator line. */
  raw: Buffer;
  /** The separator line, e.g. `From user@example.org  Fri Feb 22 17:06:23 2008`. */
  fromLine: string;
  /** 1-based position in the file. */
  number: number;
  /** Byte offset of the separator line. */
  offset: number;
  /** Set when the message was over `maxMessageBytes`: its bytes were not kept. */
  truncated?: boolean;
}

export interface MboxReadOptions {
  /**
   * `mboxrd` (default): one `>` is removed from every `>+From ` line. `mboxo`: only `>From ` lines
   * are unescaped (the format cannot tell an escaped line from a quoted one).
   */
  variant?: 'mboxrd' | 'mboxo';
  /** Messages larger than this are reported `truncated` instead of kept. Default 50 MiB. */
  maxMessageBytes?: number;
  onBytes?(bytesRead: number): void;
}

const FROM = Buffer.from('From ');

function isFromLine(line: Buffer): boolean {
  return line.length >= 5 && line.subarray(0, 5).equals(FROM);
}

/** The number of leading `>` of a `>+From ` line, or 0. */
function quotedFromDepth(line: Buffer): number {
  let i = 0;
  while (i < line.length && line[i] === 0x3e) i++;
  return i > 0 && line.length >= i + 5 && line.subarray(i, i + 5).equals(FROM) ? i : 0;
}

/** The date of a `From ` separator line (asctime, taken as UTC), as ISO 8601. */
export function fromLineDate(fromLine: string): string | undefined {
  const m = /^From \S*\s+(.{10,60})$/.exec(fromLine.trimEnd());
  if (!m) return undefined;
  const text = m[1]!.trim();
  const ms = Date.parse(/[+-]\d{4}$|UTC|GMT/.test(text) ? text : `${text} UTC`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Streams the messages of an mbox (mboxrd or mboxo): a new message starts at each line beginning
 * with `From `. Memory stays bounded by the largest message (and `maxMessageBytes`), never by the
 * file, so multi-GB archives import.
 */
export async function* readMbox(
  source: string | Readable,
  options: MboxReadOptions = {},
): AsyncGenerator<MboxMessage> {
  const stream =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: 1024 * 1024 }) : source;
  const variant = options.variant ?? 'mboxrd';
  const maxBytes = options.maxMessageBytes ?? 50 * 1024 * 1024;
  let parts: Buffer[] = [];
  let size = 0;
  let current: Omit<MboxMessage, 'raw'> | undefined;
  let number = 0;
  let offset = 0;
  let bytesRead = 0;

  const finish = (): MboxMessage | undefined => {
    if (!current) return undefined;
    let raw = Buffer.concat(parts);
    // The line break before the next separator belongs to the separator.
    if (raw.length > 0 && raw[raw.length - 1] === 0x0a)
      raw = raw.subarray(0, raw[raw.length - 2] === 0x0d ? -2 : -1);
    const message: MboxMessage = { ...current, raw };
    parts = [];
    size = 0;
    return message;
  };

  const take = (line: Buffer): MboxMessage | undefined => {
    const lineOffset = offset;
    offset += line.length;
    if (isFromLine(line)) {
      const done = finish();
      current = {
        fromLine: line.toString('latin1').replace(/\r?\n$/, ''),
        number: ++number,
        offset: lineOffset,
      };
      return done;
    }
    if (!current) {
      // Text before the first separator (not an mbox, or a header-less export): one message.
      current = { fromLine: '', number: ++number, offset: 0 };
    }
    const depth = quotedFromDepth(line);
    const kept = depth > 0 && (variant === 'mboxrd' || depth === 1) ? line.subarray(1) : line;
    size += kept.length;
    if (size > maxBytes) current.truncated = true;
    else parts.push(kept);
    return undefined;
  };

  // The unfinished line at the end of the chunks read so far, as copied pieces (so each chunk can be
  // freed), joined once when its newline comes: joining the pieces at every chunk re-copied a long
  // line each time, quadratic up to maxBytes (a 50 MiB line without a newline took 5 s).
  let pending: Buffer[] = [];
  let pendingLength = 0;
  // Set while inside a line longer than maxBytes: its bytes are counted, not buffered.
  let longLine = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      let line = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (longLine) {
        longLine = false;
        offset += line.length;
        size += line.length;
        continue;
      }
      if (pendingLength > 0) {
        line = Buffer.concat([...pending, line], pendingLength + line.length);
        pending = [];
        pendingLength = 0;
      }
      const done = take(line);
      if (done) yield done;
    }
    const tail = chunk.subarray(start);
    if (longLine) {
      offset += tail.length;
      size += tail.length;
    } else if (tail.length > 0) {
      pending.push(Buffer.from(tail));
      pendingLength += tail.length;
      if (pendingLength > maxBytes) {
        // A line longer than any message may be (a newline-less file, say): its message is over the
        // limit anyway, so count the bytes and drop them instead of buffering them.
        if (!current) current = { fromLine: '', number: ++number, offset: 0 };
        current.truncated = true;
        offset += pendingLength;
        size += pendingLength;
        pending = [];
        pendingLength = 0;
        longLine = true;
      }
    }
    options.onBytes?.(bytesRead);
  }
  if (pendingLength > 0) {
    const done = take(Buffer.concat(pending, pendingLength));
    if (done) yield done;
  }
  const last = finish();
  if (last) yield last;
}
