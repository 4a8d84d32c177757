import type { RawTurn } from '../types.js';

/**
 * What WebVTT and SRT share: timestamps, cue blocks, inline tags. Everything works line by line in
 * one pass, so a 10 MB subtitle file costs linear time.
 */

const TIMING =
  /^\s*((?:\d{1,3}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)\s*-->\s*((?:\d{1,3}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)/;

/** `01:02:03.456`, `02:03.456`, `01:02:03,456` → milliseconds; undefined when malformed. */
export function timestampMs(text: string): number | undefined {
  const m = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, h, min, s, frac] = m;
  const minutes = Number(min);
  const seconds = Number(s);
  if (minutes > 59 || seconds > 59) return undefined;
  const ms = frac ? Number(frac.padEnd(3, '0')) : 0;
  return ((Number(h ?? 0) * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

const ZERO = 48;
const digitAt = (line: string, i: number): number => {
  const d = line.charCodeAt(i) - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
};

/**
 * `HH:MM:SS.mmm` (or `,mmm`) at `at`, read by hand: milliseconds, undefined when a field is out of
 * range (as `timestampMs`), or null when the text is not in exactly this form.
 */
function fixedTimestamp(line: string, at: number): number | undefined | null {
  const h1 = digitAt(line, at);
  const h2 = digitAt(line, at + 1);
  const m1 = digitAt(line, at + 3);
  const m2 = digitAt(line, at + 4);
  const s1 = digitAt(line, at + 6);
  const s2 = digitAt(line, at + 7);
  const f1 = digitAt(line, at + 9);
  const f2 = digitAt(line, at + 10);
  const f3 = digitAt(line, at + 11);
  const sep = line.charCodeAt(at + 8);
  if (
    (h1 | h2 | m1 | m2 | s1 | s2 | f1 | f2 | f3) < 0 ||
    line.charCodeAt(at + 2) !== 58 ||
    line.charCodeAt(at + 5) !== 58 ||
    (sep !== 46 && sep !== 44)
  )
    return null;
  const minutes = m1 * 10 + m2;
  const seconds = s1 * 10 + s2;
  if (minutes > 59 || seconds > 59) return undefined;
  return (((h1 * 10 + h2) * 60 + minutes) * 60 + seconds) * 1000 + f1 * 100 + f2 * 10 + f3;
}

export function parseTiming(line: string): { startMs?: number; endMs?: number } | undefined {
  // The usual `00:01:02.345 --> 00:01:04.000` line is read by hand; it is exactly what TIMING would
  // capture (its greedy first try matches, whatever follows). Anything else goes through TIMING.
  if (line.length >= 29 && line.charCodeAt(12) === 32 && line.startsWith('--> ', 13)) {
    const startMs = fixedTimestamp(line, 0);
    const endMs = startMs === null ? null : fixedTimestamp(line, 17);
    if (startMs !== null && endMs !== null) return { startMs, endMs };
  }
  const m = TIMING.exec(line);
  if (!m) return undefined;
  return { startMs: timestampMs(m[1]!), endMs: timestampMs(m[2]!) };
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  lrm: '',
  rlm: '',
};

/** Drops inline markup (`<i>`, `<c.loud>`, `<00:01.000>`, `{\an8}`) and decodes the entities WebVTT allows. */
export function cleanCueText(text: string): string {
  // Each pass only when its opening character is there: most lines carry a tag at most.
  let out = text.includes('<') ? text.replace(/<[^<>]{0,200}>/g, '') : text;
  if (out.includes('{')) out = out.replace(/\{\\[^{}]{0,50}\}/g, '');
  if (!out.includes('&')) return out;
  return out.replace(
    /&(amp|lt|gt|quot|apos|nbsp|lrm|rlm);|&#(\d{1,7});|&#x([0-9a-fA-F]{1,6});/g,
    (_, name, dec, hex) => {
      if (name) return ENTITIES[name] ?? '';
      const code = dec ? Number(dec) : Number.parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    },
  );
}

const VOICE = /^\s*<v(?:\.[^\s>]{0,100})?(?:\s+([^>]{0,200}))?>/;

/** The speaker of a WebVTT `<v Name>` voice span at the start of a line, or undefined. */
export function voiceOf(line: string): string | undefined {
  const m = VOICE.exec(line);
  if (!m) return undefined;
  const name = (m[1] ?? '').trim();
  return name || undefined;
}

/**
 * Splits text into blocks of non-blank lines and hands each to `visit` as it is found (one block in
 * memory at a time). `visit` may keep or change the array it is given.
 */
export function eachBlock(text: string, visit: (lines: string[]) => void): void {
  let current: string[] = [];
  let start = 0;
  const length = text.length;
  while (start <= length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    if (end > start) {
      let line = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      // A line starting with a visible ASCII character is not blank: no trim needed.
      const first = line.charCodeAt(0);
      if (!(first > 32 && first < 127) && line.length > 0 && line.trim() === '') line = '';
      if (line.length > 0) current.push(line);
      else if (current.length > 0) {
        visit(current);
        current = [];
      }
    } else if (current.length > 0) {
      visit(current);
      current = [];
    }
    start = end + 1;
  }
  if (current.length > 0) visit(current);
}

/**
 * The turns of one cue (its lines from `from` on): a cue whose lines name different voices
 * (`<v A>…` then `<v B>…`) is split into one turn per voice with the cue's times; lines without a
 * voice continue the previous one. Turns are appended to `turns`.
 */
export function cueTurns(
  lines: readonly string[],
  from: number,
  timing: { startMs?: number; endMs?: number },
  speakerOf: (line: string) => { label?: string; rest: string },
  turns: RawTurn[],
): void {
  let last: RawTurn | undefined;
  for (let i = from; i < lines.length; i++) {
    const { label, rest } = speakerOf(lines[i]!);
    const text = cleanCueText(rest).trim();
    if (last && (label === undefined || label === last.label)) {
      if (text) last.text = last.text ? `${last.text} ${text}` : text;
      continue;
    }
    const turn: RawTurn = { text, startMs: timing.startMs, endMs: timing.endMs };
    if (label !== undefined) turn.label = label;
    turns.push(turn);
    last = turn;
  }
}

const NAME_PREFIX = /^([^:<>[\]\n]{1,40}?):\s+(?=\S)/;

/**
 * Zoom-style captions write the speaker as a `Name: ` prefix instead of a voice span. A prefix is
 * only read as a speaker when most unlabeled turns carry one (so a lone "Note: …" stays text), and
 * then only on turns without a voice.
 */
export function applyNamePrefixes(turns: RawTurn[]): void {
  const unlabeled = turns.filter((t) => t.label === undefined);
  if (unlabeled.length === 0) return;
  const prefixed = unlabeled.filter((t) => NAME_PREFIX.test(t.text));
  if (prefixed.length < Math.max(2, Math.ceil(unlabeled.length * 0.8))) return;
  for (const turn of prefixed) {
    const m = NAME_PREFIX.exec(turn.text)!;
    turn.label = m[1]!.trim();
    turn.text = turn.text.slice(m[0].length);
  }
}
