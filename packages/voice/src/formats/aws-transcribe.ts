import { roleFromWord } from '../speakers.js';
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
 * Amazon's three transcript shapes, under one `--format aws-transcribe`:
 * - Amazon Transcribe batch output (`results.transcripts`, `results.items`, with `speaker_label`s on
 *   the items, `results.speaker_labels.segments`, `results.channel_labels` or `results.audio_segments`);
 * - Transcribe Call Analytics output (`Transcript[]` turns with `ParticipantRole` AGENT/CUSTOMER,
 *   `BeginOffsetMillis`/`EndOffsetMillis`, `Sentiment`);
 * - Amazon Connect Contact Lens analysis files (`Transcript[]` turns with `ParticipantId` resolved by
 *   `Participants[]` to a `ParticipantRole`, and `CustomerMetadata.ContactId` as the call id).
 */
export function looksLikeAwsTranscribe(value: unknown): boolean {
  if (!isObj(value)) return false;
  if (Array.isArray(value.Transcript)) return true;
  return (
    isObj(value.results) && (Array.isArray(value.results.transcripts) || Array.isArray(value.results.items))
  );
}

export function parseAwsTranscribe(value: unknown): ParsedCall {
  if (!looksLikeAwsTranscribe(value))
    throw new FormatError('not Amazon Transcribe output: neither `results.items` nor `Transcript[]`');
  const body = value as Obj;
  return Array.isArray(body.Transcript) ? parseAnalytics(body) : parseStandard(body);
}

function parseAnalytics(body: Obj): ParsedCall {
  const metadata = isObj(body.CustomerMetadata) ? body.CustomerMetadata : undefined;
  // Contact Lens files carry CustomerMetadata and Channel "VOICE"; Call Analytics output carries neither.
  const connect = metadata !== undefined || str(body.Channel) === 'VOICE';
  const status = str(body.JobStatus);
  if (status && status !== 'COMPLETED')
    throw new FormatError(`the transcript job is ${status}, not COMPLETED`, 'JobStatus');
  const roleOfParticipant = new Map<string, string>();
  for (const p of arr(body.Participants) ?? []) {
    if (isObj(p) && str(p.ParticipantId) !== undefined && str(p.ParticipantRole) !== undefined) {
      roleOfParticipant.set(str(p.ParticipantId)!, str(p.ParticipantRole)!);
    }
  }
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  for (const [i, t] of (arr(body.Transcript) ?? []).entries()) {
    if (!isObj(t)) {
      warnings.push(`Transcript[${i}] is not an object: skipped`);
      continue;
    }
    const participant = str(t.ParticipantId);
    const roleWord =
      str(t.ParticipantRole) ?? (participant !== undefined ? roleOfParticipant.get(participant) : undefined);
    const turn: RawTurn = {
      text: str(t.Content) ?? '',
      startMs: num(t.BeginOffsetMillis),
      endMs: num(t.EndOffsetMillis),
    };
    const label = roleWord ?? participant;
    if (label !== undefined) turn.label = label;
    const role = roleFromWord(roleWord);
    if (role) turn.role = role;
    const sentiment = str(t.Sentiment);
    if (sentiment) turn.sentiment = sentiment.toLowerCase();
    const items = (arr(t.Items) ?? [])
      .filter(isObj)
      .map((item) => num(item.Confidence))
      .filter((c) => c !== undefined);
    if (items.length > 0) turn.confidence = items.reduce((a, b) => a + b, 0) / items.length;
    turns.push(turn);
  }
  const parsed: ParsedCall = {
    source: connect ? 'amazon-connect-contact-lens' : 'aws-transcribe-call-analytics',
    turns,
    warnings,
  };
  const contactId = str(metadata?.ContactId);
  if (contactId) parsed.callId = contactId;
  const job = str(body.JobName);
  if (job) parsed.transcriptId = job;
  const language = str(body.LanguageCode);
  if (language) parsed.language = language;
  const characteristics = isObj(body.ConversationCharacteristics) ? body.ConversationCharacteristics : {};
  const duration = num(characteristics.TotalConversationDurationMillis);
  if (duration !== undefined) parsed.durationMs = duration;
  const input = str(metadata?.InputS3Uri);
  if (input) parsed.recordingUrl = input;
  // Contact Lens file names carry the analysis time, not the call's; no start time is in the body.
  return parsed;
}

/** Finds the speaker segment that holds a time, walking forward only (items come in time order). */
function segmentCursor(segments: Obj[]): (ms: number | undefined) => string | undefined {
  const spans = segments
    .map((s) => ({
      start: secToMs(s.start_time) ?? 0,
      end: secToMs(s.end_time) ?? 0,
      label: str(s.speaker_label),
    }))
    .sort((a, b) => a.start - b.start);
  let i = 0;
  return (ms) => {
    if (ms === undefined) return undefined;
    while (i < spans.length && spans[i]!.end < ms) i++;
    const span = spans[i];
    return span && span.start <= ms ? span.label : undefined;
  };
}

function itemWords(
  items: unknown[],
  labelFor: (item: Obj, startMs: number | undefined) => string | undefined,
): TimedWord[] {
  const words: TimedWord[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    const alternative = (arr(item.alternatives) ?? []).find(isObj);
    const content = str(alternative?.content) ?? '';
    if (str(item.type) === 'punctuation') {
      words.push({ text: content, attach: true });
      continue;
    }
    const startMs = secToMs(item.start_time);
    const word: TimedWord = {
      text: content,
      startMs,
      endMs: secToMs(item.end_time),
      confidence: num(alternative?.confidence),
    };
    const label = labelFor(item, startMs);
    if (label !== undefined) word.label = label;
    words.push(word);
  }
  return words;
}

function parseStandard(body: Obj): ParsedCall {
  const status = str(body.status);
  if (status && status !== 'COMPLETED')
    throw new FormatError(`the transcription job is ${status}, not COMPLETED`, 'status');
  const results = body.results as Obj;
  const warnings: string[] = [];
  let turns: RawTurn[] = [];
  const segments = arr(results.audio_segments) ?? [];
  const items = arr(results.items) ?? [];
  if (segments.length > 0) {
    for (const [i, s] of segments.entries()) {
      if (!isObj(s)) {
        warnings.push(`audio_segments[${i}] is not an object: skipped`);
        continue;
      }
      const turn: RawTurn = {
        text: str(s.transcript) ?? '',
        startMs: secToMs(s.start_time),
        endMs: secToMs(s.end_time),
      };
      const label = str(s.speaker_label) ?? str(s.channel_label);
      if (label !== undefined) turn.label = label;
      turns.push(turn);
    }
  } else if (items.length > 0) {
    const speakerSegments = (
      arr(isObj(results.speaker_labels) ? results.speaker_labels.segments : undefined) ?? []
    ).filter(isObj);
    const channels = (
      arr(isObj(results.channel_labels) ? results.channel_labels.channels : undefined) ?? []
    ).filter(isObj);
    if (channels.length > 0 && !items.some((i) => isObj(i) && i.channel_label !== undefined)) {
      // Older channel-identification output: each channel lists its own items; interleave them by time.
      const words = channels.flatMap((c) => itemWords(arr(c.items) ?? [], () => str(c.channel_label)));
      turns = groupWords(sortAttached(words));
    } else {
      const bySegment = segmentCursor(speakerSegments);
      turns = groupWords(
        itemWords(items, (item, ms) => str(item.speaker_label) ?? str(item.channel_label) ?? bySegment(ms)),
      );
    }
  } else {
    const transcript = (arr(results.transcripts) ?? [])
      .filter(isObj)
      .map((t) => str(t.transcript) ?? '')
      .join(' ');
    turns = [{ text: transcript }];
  }
  if (turns.length > 0 && turns.every((t) => t.label === undefined) && turns.some((t) => t.text.trim())) {
    warnings.push(
      'Amazon Transcribe output without speaker or channel labels: turns have an unknown speaker',
    );
  }
  const parsed: ParsedCall = { source: 'aws-transcribe', turns, warnings };
  const job = str(body.jobName);
  if (job) parsed.transcriptId = job;
  const language = str(results.language_code) ?? str(body.language_code);
  if (language) parsed.language = language;
  const created = isoDate(body.creation_time);
  if (created) parsed.startedAt = created;
  return parsed;
}

/** Sorts words by time while keeping each punctuation mark right after the word it follows. */
function sortAttached(words: TimedWord[]): TimedWord[] {
  const units: TimedWord[][] = [];
  for (const w of words) {
    if (w.attach && units.length > 0) units.at(-1)!.push(w);
    else units.push([w]);
  }
  units.sort((a, b) => (a[0]!.startMs ?? 0) - (b[0]!.startMs ?? 0));
  return units.flat();
}
