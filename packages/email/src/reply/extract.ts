import { ValidationError } from '@omnithread/core';
import {
  ATTRIBUTION,
  ATTRIBUTION_LEAD,
  CLOSING,
  HEADER_FIELD,
  HEADER_FROM,
  MOBILE_SIGNATURE,
  ORIGINAL_MESSAGE,
  SEPARATOR,
  SIGNATURE_DELIMITER,
} from './patterns.js';

export interface ExtractOptions {
  /**
   * The sender (`"Jane Doe" <jane@x.org>`, a name or an address): a short line near the end that
   * names them starts the signature even without a "-- " delimiter ("Thanks,\nJane").
   */
  sender?: string;
}

export interface ExtractedContent {
  /** What the sender wrote this time: no quoted history, no signature. */
  newText: string;
  /** The quoted history (attribution lines, `>` quotes, forwarded/original message blocks). */
  quoted: string;
  /** The signature of the new text, when one was found. */
  signature: string;
}

const MAX_LINE = 2000;
const isQuote = (line: string) => line.trimStart().startsWith('>');
const isBlank = (line: string) => line.trim() === '';

/**
 * When `lines[i..i+2]` (joined) read "On … wrote:", the index after the attribution; Gmail may wrap
 * it over two or three lines.
 */
function attributionEnd(lines: string[], i: number): number | undefined {
  const first = lines[i]!;
  if (first.length > MAX_LINE || isBlank(first) || isQuote(first) || !ATTRIBUTION_LEAD.test(first))
    return undefined;
  let joined = '';
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const line = lines[i + n]!;
    if (n > 0 && (isBlank(line) || isQuote(line))) break;
    joined = n === 0 ? line : `${joined} ${line.trim()}`;
    if (joined.length > 600) break;
    if (ATTRIBUTION.test(joined)) {
      // A quote or nothing must follow (maybe after blank lines), or the line ends with a colon:
      // otherwise it is prose that happens to contain "wrote".
      let next = i + n + 1;
      while (next < lines.length && isBlank(lines[next]!)) next++;
      if (next >= lines.length || isQuote(lines[next]!) || /[:：]\s*$/.test(joined)) return i + n + 1;
    }
  }
  return undefined;
}

/** Whether an Outlook-style header block ("From: …" then "Sent:/To:/Subject:") starts at `i`. */
function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  let fields = 0;
  for (let n = 1; n <= 5 && i + n < lines.length; n++) {
    const line = lines[i + n]!;
    if (HEADER_FIELD.test(line)) fields++;
    else if (!isBlank(line) && !/^\s/.test(line)) break;
  }
  return fields >= 2;
}

/** Whether everything from `i` on is an earlier message: Outlook blocks, "Original Message" lines. */
function historyStartsAt(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (line.length > MAX_LINE) return false;
  if (ORIGINAL_MESSAGE.test(line) || headerBlockAt(lines, i)) return true;
  if (!SEPARATOR.test(line)) return false;
  let next = i + 1;
  while (next < lines.length && next <= i + 3 && isBlank(lines[next]!)) next++;
  return next < lines.length && headerBlockAt(lines, next);
}

/** Lowercased name words and address local part of a sender, for spotting a signed name. */
function senderTokens(sender: string | undefined): string[] {
  // Nobody signs with a 500-character name; the bound also keeps the address regexes below linear
  // in practice (a long run without "@" made them quadratic: 300k characters took minutes).
  if (!sender || sender.length > 512) return [];
  const address = /<?([^\s<>@]+)@[^\s<>]+>?/.exec(sender);
  const name = sender.replace(/<[^<>]*>|[^\s<>@]+@[^\s<>]+/g, ' ').replace(/["',()]/g, ' ');
  const tokens = name
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => /^\p{L}[\p{L}'-]+$/u.test(w) && w.length >= 2);
  if (address) tokens.push(address[1]!.toLowerCase());
  return [...new Set(tokens)];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits the new part into body and signature: a delimiter, a mobile sign-off, or the sender's signed name. */
function splitSignature(lines: string[], sender?: string): [string[], string[]] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1]!)) end--;
  // Only the last lines can be a signature: a "--" early in a long message is not one. The
  // topmost delimiter there wins, so a sign-off above a mailing-list footer takes both.
  const tail: number[] = [];
  for (let i = end - 1; i >= 1 && tail.length < 12; i--) if (!isBlank(lines[i]!)) tail.unshift(i);
  for (const i of tail) {
    if (SIGNATURE_DELIMITER.test(lines[i]!.trimEnd()) && lines.slice(0, i).some((l) => !isBlank(l))) {
      return [lines.slice(0, i), lines.slice(i)];
    }
  }
  const last = end - 1;
  if (last >= 1 && MOBILE_SIGNATURE.test(lines[last]!) && lines.slice(0, last).some((l) => !isBlank(l))) {
    return [lines.slice(0, last), lines.slice(last)];
  }
  const tokens = senderTokens(sender);
  if (tokens.length > 0) {
    const named = new RegExp(`(?:^|[^\\p{L}])(?:${tokens.map(escapeRegExp).join('|')})(?:$|[^\\p{L}])`, 'iu');
    // A short line that opens with the name (a signature, not a sentence that mentions it) among
    // the last few non-blank lines.
    for (const i of tail.slice(-6)) {
      const words = lines[i]!.trim().split(/\s+/);
      if (lines[i]!.length > 60 || words.length > 5 || !named.test(words.slice(0, 2).join(' '))) continue;
      let start = i;
      let above = i - 1;
      while (above >= 0 && isBlank(lines[above]!)) above--;
      if (above >= 1 && CLOSING.test(lines[above]!)) start = above;
      if (lines.slice(0, start).some((l) => !isBlank(l))) return [lines.slice(0, start), lines.slice(start)];
    }
  }
  return [lines, []];
}

const tidy = (lines: string[]) =>
  lines
    .join('\n')
    .replace(/^\s*\n/, '')
    .trimEnd();

/**
 * Separates what a sender wrote this time from the quoted history and the signature: Gmail and
 * Apple Mail attributions ("On … wrote:", in several languages), Outlook header blocks
 * ("From:/Sent:", "-----Original Message-----"), `>` quotes, "-- " signatures and mobile sign-offs
 * ("Sent from my iPhone"). Answers written between `>` quotes (inline or bottom posting) are kept;
 * the quotes and their attribution lines go to `quoted`. Linear in the text's length.
 *
 * @example
 * ```ts
 * extractNewContent('Thanks!\n\nOn Mon, 2 Apr 2012, Bob wrote:\n> Hi').newText; // 'Thanks!'
 * ```
 */
export function extractNewContent(text: string, options: ExtractOptions = {}): ExtractedContent {
  // JavaScript callers can pass anything; refuse with a typed error instead of a TypeError.
  if (typeof text !== 'string')
    throw new ValidationError(`expected the text of an email, got ${typeof text}`);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const fresh: string[] = [];
  const quoted: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (historyStartsAt(lines, i)) {
      quoted.push(...lines.slice(i));
      break;
    }
    if (isQuote(line)) {
      quoted.push(line);
      continue;
    }
    const end = attributionEnd(lines, i);
    if (end === undefined) {
      fresh.push(line);
      continue;
    }
    let next = end;
    while (next < lines.length && isBlank(lines[next]!)) next++;
    if (next < lines.length && isQuote(lines[next]!)) {
      // "On … wrote:" over a `>` quote: the answer may continue below it.
      quoted.push(...lines.slice(i, end));
      i = end - 1;
      continue;
    }
    // An attribution over unquoted history (some clients do not prefix): the rest is history.
    quoted.push(...lines.slice(i));
    break;
  }
  const [body, signature] = splitSignature(fresh, options.sender);
  return { newText: tidy(body), quoted: tidy(quoted), signature: tidy(signature) };
}
