import {
  ATTRIBUTION,
  ATTRIBUTION_LEAD,
  HEADER_FIELD,
  HEADER_FROM,
  MOBILE_SIGNATURE,
  ORIGINAL_MESSAGE,
  SEPARATOR,
  SIGNATURE_DELIMITER,
} from './patterns.js';

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

/** Index where an attribution line starts when `lines[i..i+2]` (joined) reads "On … wrote:". */
function attributionAt(lines: string[], i: number): number | undefined {
  const first = lines[i]!;
  if (first.length > MAX_LINE || isBlank(first) || !ATTRIBUTION_LEAD.test(first)) return undefined;
  let joined = '';
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const line = lines[i + n]!;
    if (n > 0 && (isBlank(line) || isQuote(line))) break;
    joined = n === 0 ? line : `${joined} ${line.trim()}`;
    if (joined.length > 600) break;
    if (ATTRIBUTION.test(joined)) {
      // The quote or the original text must follow (maybe after blank lines): else it is prose.
      let next = i + n + 1;
      while (next < lines.length && isBlank(lines[next]!)) next++;
      if (next >= lines.length || isQuote(lines[next]!) || n > 0 || /[:：]\s*$/.test(joined)) return i;
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

/** The first line of quoted history, or `lines.length` when there is none. */
function findQuoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > MAX_LINE) continue;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (SEPARATOR.test(line) && i + 1 < lines.length && headerBlockAt(lines, i + 1)) return i;
    if (headerBlockAt(lines, i)) return i;
    const attribution = attributionAt(lines, i);
    if (attribution !== undefined) return attribution;
  }
  return lines.length;
}

/** Splits the new part into body and signature (delimiter line or a mobile sign-off near the end). */
function splitSignature(lines: string[]): [string[], string[]] {
  // Search bottom-up within the last lines only: a "--" early in a long message is not a signature.
  const floor = Math.max(0, lines.length - 15);
  for (let i = lines.length - 1; i >= floor; i--) {
    const line = lines[i]!.trimEnd();
    if (SIGNATURE_DELIMITER.test(line) && (i > 0 || lines.length > 1)) {
      const previous = lines.slice(0, i);
      if (previous.some((l) => !isBlank(l))) return [previous, lines.slice(i)];
    }
  }
  for (let i = lines.length - 1; i >= floor; i--) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    // A mobile sign-off alone on the last non-blank line(s) of the new text.
    if (MOBILE_SIGNATURE.test(line) && (i === 0 || isBlank(lines[i - 1]!) || i === lines.length - 1)) {
      const previous = lines.slice(0, i);
      if (previous.some((l) => !isBlank(l)) && lines.slice(i + 1).every(isBlank))
        return [previous, lines.slice(i)];
    }
    break;
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
 * ("Sent from my iPhone"). Inline replies between `>` quotes are kept; quoted lines are removed.
 *
 * @example
 * ```ts
 * extractNewContent('Thanks!\n\nOn Mon, 2 Apr 2012, Bob wrote:\n> Hi').newText; // 'Thanks!'
 * ```
 */
export function extractNewContent(text: string): ExtractedContent {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = findQuoteStart(lines);
  const head = lines.slice(0, start);
  const quoted = lines.slice(start);
  // `>` lines above the cut are quotes of an inline or bottom-posted reply: drop them from the new
  // text with the attribution that introduces them, keep what the sender wrote between them.
  const fresh: string[] = [];
  const removed: string[] = [];
  for (const line of head) (isQuote(line) ? removed : fresh).push(line);
  // Bottom posting: nothing new above the history, the reply follows the quotes.
  if (fresh.every(isBlank) && start < lines.length) {
    const after: string[] = [];
    let i = start;
    const attribution = attributionAt(lines, start);
    if (attribution !== undefined) {
      i = start + 1;
      while (
        i < lines.length &&
        !isQuote(lines[i]!) &&
        !isBlank(lines[i]!) &&
        !ATTRIBUTION.test(lines[i - 1]!)
      )
        i++;
      const rest = lines.slice(i);
      const tail = rest.filter((l) => !isQuote(l));
      if (tail.some((l) => !isBlank(l))) {
        after.push(...tail);
        const [body, signature] = splitSignature(after);
        return {
          newText: tidy(body),
          quoted: tidy([...lines.slice(start, i), ...rest.filter(isQuote)]),
          signature: tidy(signature),
        };
      }
    }
  }
  const [body, signature] = splitSignature(fresh);
  return { newText: tidy(body), quoted: tidy([...removed, ...quoted]), signature: tidy(signature) };
}
