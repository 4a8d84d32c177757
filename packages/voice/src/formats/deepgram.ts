import type { ParsedCall, RawTurn } from '../types.js';
import {
  arr,
  FormatError,
  groupWords,
  isObj,
  isoDate,
  num,
  type Obj,
  secToMs,
  str,
  type TimedWord,
} from './util.js';

/**
 * Deepgram pre-recorded results (`/v1/listen`). Turns come from `results.utterances` when present
 * (`utterances=true`), else from diarized words (`diarize=true`: consecutive words of one speaker
 * form a turn), else from each channel's words (multichannel: the channel index is the label),
 * else one turn holding the whole transcript. Times are seconds in the payload, ms in the model.
 */
export function looksLikeDeepgram(value: unknown): boolean {
  return (
    isObj(value) &&
    isObj(value.results) &&
    (Array.isArray(value.results.channels) || Array.isArray(value.results.utterances))
  );
}

function speakerOf(v: Obj, channel: number | undefined, multichannel: boolean): string | undefined {
  const speaker = str(v.speaker);
  if (speaker !== undefined) return multichannel && channel !== undefined ? `${channel}:${speaker}` : speaker;
  return multichannel && channel !== undefined ? `channel ${channel}` : undefined;
}

export function parseDeepgram(value: unknown): ParsedCall {
  if (!looksLikeDeepgram(value))
    throw new FormatError('not a Deepgram result: `results.channels` is missing', 'results');
  const body = value as Obj;
  const results = body.results as Obj;
  const metadata = isObj(body.metadata) ? body.metadata : {};
  const channels = (arr(results.channels) ?? []).filter(isObj);
  const multichannel = channels.length > 1;
  const warnings: string[] = [];
  let turns: RawTurn[] = [];
  const utterances = arr(results.utterances);
  if (utterances && utterances.length > 0) {
    for (const [i, u] of utterances.entries()) {
      if (!isObj(u)) {
        warnings.push(`utterance ${i} is not an object: skipped`);
        continue;
      }
      const turn: RawTurn = {
        text: str(u.transcript) ?? '',
        startMs: secToMs(u.start),
        endMs: secToMs(u.end),
        confidence: num(u.confidence),
      };
      const label = speakerOf(u, num(u.channel), multichannel);
      if (label !== undefined) turn.label = label;
      turns.push(turn);
    }
  } else {
    const words: TimedWord[] = [];
    let diarized = false;
    for (const [c, channel] of channels.entries()) {
      const alternative = (arr(channel.alternatives) ?? []).find(isObj);
      for (const w of arr(alternative?.words) ?? []) {
        if (!isObj(w)) continue;
        if (w.speaker !== undefined) diarized = true;
        const word: TimedWord = {
          text: str(w.punctuated_word) ?? str(w.word) ?? '',
          startMs: secToMs(w.start),
          endMs: secToMs(w.end),
          confidence: num(w.confidence),
        };
        const label = speakerOf(w, c, multichannel);
        if (label !== undefined) word.label = label;
        words.push(word);
      }
    }
    if (diarized || multichannel) {
      // Channels are transcribed separately: interleave their words by time before grouping.
      if (multichannel) words.sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
      turns = groupWords(words);
    } else {
      const alternative = (arr(channels[0]?.alternatives) ?? []).find(isObj);
      const text = str(alternative?.transcript) ?? '';
      turns = [
        {
          text,
          startMs: words[0]?.startMs ?? 0,
          endMs: words.at(-1)?.endMs ?? secToMs(metadata.duration),
          confidence: num(alternative?.confidence),
        },
      ];
      if (text.trim())
        warnings.push('Deepgram result without diarization: the call is one turn of an unknown speaker');
    }
  }
  const parsed: ParsedCall = {
    source: 'deepgram',
    turns,
    warnings,
    transcriptId: str(metadata.request_id),
    durationMs: secToMs(metadata.duration),
  };
  const created = isoDate(metadata.created);
  if (created) {
    parsed.startedAt = created;
    parsed.startedAtNote =
      'call start unknown: the Deepgram transcription time (metadata.created) is used; pass `startedAt` for the real one';
  }
  const language = str((channels[0] as Obj | undefined)?.detected_language);
  if (language) parsed.language = language;
  return parsed;
}
