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

export function parseTiming(line: string): { startMs?: number; endMs?: number } | undefined {
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
  return text
    .replace(/<[^<>]{0,200}>/g, '')
    .replace(/\{\\[^{}]{0,50}\}/g, '')
    .replace(
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

/** Splits text into blocks of non-blank lines, lazily: one block at a time. */
export function* blocks(text: string): Generator<string[]> {
  let current: string[] = [];
  let start = 0;
  const length = text.length;
  while (start <= length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    if (line.trim() === '') {
      if (current.length > 0) yield current;
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) yield current;
}

/**
 * The turns of one cue: a cue whose lines name different voices (`<v A>…` then `<v B>…`) is split
 * into one turn per voice with the cue's times; lines without a voice continue the previous one.
 */
export function cueTurns(
  lines: readonly string[],
  timing: { startMs?: number; endMs?: number },
  speakerOf: (line: string) => { label?: string; rest: string },
): RawTurn[] {
  const turns: RawTurn[] = [];
  for (const line of lines) {
    const { label, rest } = speakerOf(line);
    const text = cleanCueText(rest).trim();
    const last = turns.at(-1);
    if (last && (label === undefined || label === last.label)) {
      if (text) last.text = last.text ? `${last.text} ${text}` : text;
      continue;
    }
    const turn: RawTurn = { text, startMs: timing.startMs, endMs: timing.endMs };
    if (label !== undefined) turn.label = label;
    turns.push(turn);
  }
  return turns;
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
