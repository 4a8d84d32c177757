import type { ParsedCall, RawTurn } from '../types.js';
import { arr, FormatError, isObj, num, type Obj, secToMs, str } from './util.js';

/**
 * OpenAI Whisper JSON (`verbose_json`, whisper-timestamped, WhisperX): one turn per segment.
 * Whisper does not diarize, so segments have no speaker unless WhisperX added `speaker`
 * ("SPEAKER_00"), which then is the label. Confidence is whisper-timestamped's `confidence`.
 */
export function looksLikeWhisper(value: unknown): boolean {
  return isObj(value) && Array.isArray(value.segments) && !('results' in value) && !('turns' in value);
}

export function parseWhisper(value: unknown): ParsedCall {
  if (!looksLikeWhisper(value))
    throw new FormatError('not Whisper output: `segments` is missing', 'segments');
  const body = value as Obj;
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  for (const [i, s] of (arr(body.segments) ?? []).entries()) {
    if (!isObj(s)) {
      warnings.push(`segment ${i} is not an object: skipped`);
      continue;
    }
    const turn: RawTurn = {
      text: str(s.text) ?? '',
      startMs: secToMs(s.start),
      endMs: secToMs(s.end),
      confidence: num(s.confidence),
    };
    const label = str(s.speaker);
    if (label !== undefined) turn.label = label;
    turns.push(turn);
  }
  const parsed: ParsedCall = { source: 'whisper', turns, warnings };
  const language = str(body.language);
  if (language) parsed.language = language;
  return parsed;
}
