import type { ParsedCall, RawTurn } from '../types.js';
import { applyNamePrefixes, cueTurns, eachBlock, parseTiming, voiceOf } from './cues.js';
import { FormatError } from './util.js';

/**
 * WebVTT (W3C): the `WEBVTT` header, cues with an optional identifier, a timing line with optional
 * cue settings (`align:start position:10%`), payload lines with `<v Speaker>` voice spans, and
 * NOTE / STYLE / REGION blocks, which are skipped. The voice name is the speaker label.
 */
export function looksLikeVtt(text: string): boolean {
  return /^\uFEFF?WEBVTT(?:[ \t]|\r|\n|$)/.test(text);
}

const NOT_A_CUE = /^(?:NOTE|STYLE|REGION)(?:\s|$)/;

function speakerOf(line: string): { label?: string; rest: string } {
  const label = voiceOf(line);
  return label === undefined ? { rest: line } : { label, rest: line };
}

export function parseVtt(text: string): ParsedCall {
  if (typeof text !== 'string' || !looksLikeVtt(text))
    throw new FormatError('not WebVTT: the file does not start with "WEBVTT"');
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  let first = true;
  let skipped = 0;
  eachBlock(text, (block) => {
    if (first) {
      first = false;
      // The header block; lenient when no blank line separates it from the first cue.
      const timingAt = block.findIndex((l) => l.includes('-->'));
      if (timingAt === -1) return;
      block.splice(0, timingAt);
    }
    const head = block[0]!;
    if (NOT_A_CUE.test(head)) return;
    const timingAt = head.includes('-->') ? 0 : block[1]?.includes('-->') ? 1 : -1;
    const timing = timingAt === -1 ? undefined : parseTiming(block[timingAt]!);
    if (!timing) {
      skipped++;
      return;
    }
    cueTurns(block, timingAt + 1, timing, speakerOf, turns);
  });
  applyNamePrefixes(turns);
  if (skipped) warnings.push(`${skipped} WebVTT block(s) without a valid timing line skipped`);
  return { source: 'vtt', turns, warnings };
}
