import type { ParsedCall, RawTurn } from '../types.js';
import { arr, FormatError, groupWords, isObj, num, type Obj, secToMs, str, type TimedWord } from './util.js';

/**
 * An AssemblyAI transcript (`GET /v2/transcript/{id}`). Turns come from `utterances`
 * (`speaker_labels: true`; speakers "A", "B"… or channel numbers with `multichannel`), else from
 * words grouped by speaker, else one turn of the whole text. Times are already milliseconds.
 * The payload carries no date: pass `startedAt`.
 */
export function looksLikeAssemblyAi(value: unknown): boolean {
  return (
    isObj(value) &&
    ('audio_url' in value || 'acoustic_model' in value || 'language_model' in value) &&
    ('utterances' in value || 'words' in value || 'text' in value)
  );
}

export function parseAssemblyAi(value: unknown): ParsedCall {
  if (!looksLikeAssemblyAi(value))
    throw new FormatError('not an AssemblyAI transcript: `audio_url` and `words`/`utterances` are missing');
  const body = value as Obj;
  const status = str(body.status);
  if (status && status !== 'completed')
    throw new FormatError(
      `AssemblyAI transcript is "${status}", not completed${body.error ? `: ${str(body.error)}` : ''}`,
      'status',
    );
  const warnings: string[] = [];
  let turns: RawTurn[] = [];
  const utterances = arr(body.utterances);
  const words = arr(body.words) ?? [];
  if (utterances && utterances.length > 0) {
    for (const [i, u] of utterances.entries()) {
      if (!isObj(u)) {
        warnings.push(`utterance ${i} is not an object: skipped`);
        continue;
      }
      const turn: RawTurn = {
        text: str(u.text) ?? '',
        startMs: num(u.start),
        endMs: num(u.end),
        confidence: num(u.confidence),
      };
      const label = str(u.speaker) ?? str(u.channel);
      if (label !== undefined) turn.label = label;
      turns.push(turn);
    }
  } else if (words.some((w) => isObj(w) && (w.speaker != null || w.channel != null))) {
    const timed: TimedWord[] = [];
    for (const w of words) {
      if (!isObj(w)) continue;
      const word: TimedWord = {
        text: str(w.text) ?? '',
        startMs: num(w.start),
        endMs: num(w.end),
        confidence: num(w.confidence),
      };
      const label = str(w.speaker) ?? str(w.channel);
      if (label !== undefined) word.label = label;
      timed.push(word);
    }
    turns = groupWords(timed);
  } else {
    const first = words.find(isObj);
    const last = [...words].reverse().find(isObj);
    const text = str(body.text) ?? '';
    turns = [
      {
        text,
        startMs: num(first?.start) ?? 0,
        endMs: num(last?.end) ?? secToMs(body.audio_duration),
        confidence: num(body.confidence),
      },
    ];
    if (text.trim())
      warnings.push(
        'AssemblyAI transcript without speaker labels: the call is one turn of an unknown speaker',
      );
  }
  const parsed: ParsedCall = {
    source: 'assemblyai',
    turns,
    warnings,
    transcriptId: str(body.id),
    durationMs: secToMs(body.audio_duration),
  };
  const language = str(body.language_code);
  if (language) parsed.language = language;
  const audio = str(body.audio_url);
  if (audio) parsed.recordingUrl = audio;
  return parsed;
}
