import type { ParsedCall, RawTurn } from '../types.js';
import { applyNamePrefixes, cueTurns, eachBlock, parseTiming, voiceOf } from './cues.js';
import { FormatError } from './util.js';

/**
 * SubRip (SRT): numbered cues, `00:00:01,000 --> 00:00:04,000` timings, text lines. SRT has no
 * speaker field; two common conventions are read as the speaker label: a WebVTT-style `<v Name>`
 * and a bracketed prefix (`[SPEAKER_00]: text`, as WhisperX writes).
 */
export function looksLikeSrt(text: string): boolean {
  return /^\uFEFF?\s*\d+\s*\r?\n\s*\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->/.test(text);
}

const BRACKET = /^\s*\[([^\]\n]{1,64})\]\s*:?\s*/;

function speakerOf(line: string): { label?: string; rest: string } {
  const voice = voiceOf(line);
  if (voice !== undefined) return { label: voice, rest: line };
  const m = BRACKET.exec(line);
  if (m) return { label: m[1]!.trim(), rest: line.slice(m[0].length) };
  return { rest: line };
}

export function parseSrt(text: string): ParsedCall {
  if (typeof text !== 'string') throw new FormatError('SRT must be text');
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  let skipped = 0;
  let cues = 0;
  eachBlock(text.replace(/^\uFEFF/, ''), (block) => {
    const timingAt = block[0]!.includes('-->') ? 0 : block[1]?.includes('-->') ? 1 : -1;
    const timing = timingAt === -1 ? undefined : parseTiming(block[timingAt]!);
    if (!timing) {
      skipped++;
      return;
    }
    cues++;
    cueTurns(block, timingAt + 1, timing, speakerOf, turns);
  });
  applyNamePrefixes(turns);
  if (cues === 0) throw new FormatError('not SRT: no cue with a `-->` timing line');
  if (skipped) warnings.push(`${skipped} SRT block(s) without a valid timing line skipped`);
  return { source: 'srt', turns, warnings };
}
