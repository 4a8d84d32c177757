import { roleFromWord } from '../speakers.js';
import type { ParsedCall, RawTurn } from '../types.js';
import { arr, FormatError, isObj, isoDate, num, type Obj, secToMs, str } from './util.js';

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const PHONE_LIKE = /^\+?[\d\s().-]{7,20}$/;

/**
 * Twilio Voice (Conversational) Intelligence transcripts: the sentences of
 * `GET /v2/Transcripts/{sid}/Sentences` (`media_channel`, `sentence_index`, `start_time`,
 * `end_time` in seconds, `transcript`, `confidence`), given as a bare array, as the API's list page
 * (`{ sentences, meta }`), or bundled with the Transcript resource (`{ transcript, sentences }`),
 * whose `channel.participants[]` map each `channel_participant` to a role and a number.
 */
export function looksLikeTwilioTranscript(value: unknown): boolean {
  const sentences = Array.isArray(value) ? value : isObj(value) ? value.sentences : undefined;
  if (!Array.isArray(sentences)) return false;
  if (sentences.some((s) => isObj(s) && ('media_channel' in s || 'sentence_index' in s))) return true;
  // A call nobody spoke in has no sentences: the bundle is still known by its Transcript resource.
  return sentences.length === 0 && isObj(value) && isIntelligenceTranscript(value.transcript);
}

const TRANSCRIPT_SID = /^GT[0-9a-fA-F]{32}$/;
const isIntelligenceTranscript = (value: unknown) =>
  isObj(value) && typeof value.sid === 'string' && TRANSCRIPT_SID.test(value.sid);

/** Twilio's `<Record transcribe>` callback (form params with `TranscriptionText`). */
export function looksLikeTwilioRecordingTranscription(value: unknown): boolean {
  return (
    isObj(value) &&
    (typeof value.TranscriptionText === 'string' || typeof value.TranscriptionStatus === 'string')
  );
}

interface Participant {
  role?: string;
  number?: string;
}

function participantsOf(transcript: Obj | undefined): Map<string, Participant> {
  const channel = isObj(transcript?.channel) ? transcript.channel : undefined;
  const map = new Map<string, Participant>();
  for (const p of arr(channel?.participants) ?? []) {
    if (!isObj(p)) continue;
    const key = str(p.channel_participant);
    if (key === undefined) continue;
    const id = str(p.media_participant_id) ?? str(p.full_name);
    map.set(key, { role: str(p.role) ?? str(p.type), number: id && PHONE_LIKE.test(id) ? id : undefined });
  }
  return map;
}

export function parseTwilioTranscript(value: unknown): ParsedCall {
  if (!looksLikeTwilioTranscript(value))
    throw new FormatError(
      'not Twilio Intelligence sentences: no `media_channel`/`sentence_index` items',
      'sentences',
    );
  const bundle = Array.isArray(value) ? { sentences: value } : (value as Obj);
  const transcript = isObj(bundle.transcript) ? bundle.transcript : undefined;
  const participants = participantsOf(transcript);
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  // Twilio lists sentences by index; order by it so equal start times keep the spoken order (a
  // stable sort on the index read once per sentence; none when they already come in order).
  const sentences = (arr(bundle.sentences) ?? [])
    .filter(isObj)
    .map((sentence) => ({ sentence, index: num(sentence.sentence_index) ?? 0 }));
  if (sentences.some((s, i) => i > 0 && s.index < sentences[i - 1]!.index))
    sentences.sort((a, b) => a.index - b.index);
  for (const { sentence: s } of sentences) {
    const label = str(s.media_channel);
    const turn: RawTurn = {
      text: str(s.transcript) ?? '',
      startMs: secToMs(s.start_time),
      endMs: secToMs(s.end_time),
      confidence: num(s.confidence),
    };
    if (label !== undefined) {
      turn.label = label;
      const role = roleFromWord(participants.get(label)?.role);
      if (role) turn.role = role;
    }
    turns.push(turn);
  }
  const parsed: ParsedCall = { source: 'twilio-transcript', turns, warnings };
  for (const p of participants.values()) {
    const role = roleFromWord(p.role);
    if (role === 'customer' && p.number) parsed.from = p.number;
    else if ((role === 'agent' || role === 'bot') && p.number) parsed.to = p.number;
  }
  if (transcript) {
    const channel = isObj(transcript.channel) ? transcript.channel : {};
    const media = isObj(channel.media_properties) ? channel.media_properties : {};
    const key = str(transcript.customer_key);
    const source = str(media.source_sid);
    if (key && CALL_SID.test(key)) parsed.callId = key;
    else if (source && CALL_SID.test(source)) parsed.callId = source;
    const sid = str(transcript.sid);
    if (sid) parsed.transcriptId = sid;
    const language = str(transcript.language_code);
    if (language) parsed.language = language;
    const duration = secToMs(transcript.duration);
    if (duration !== undefined) parsed.durationMs = duration;
    const url = str(media.media_url);
    if (url) parsed.recordingUrl = url;
    const mediaStart = isoDate(transcript.media_start_time);
    const created = mediaStart ? undefined : isoDate(transcript.date_created);
    if (mediaStart) parsed.startedAt = mediaStart;
    else if (created) {
      parsed.startedAt = created;
      parsed.startedAtNote =
        'call start unknown: the transcript creation time is used; pass `startedAt` for the real one';
    }
  }
  if (turns.length === 0)
    warnings.push('the transcript has no sentences: nobody spoke, or nothing was recognized');
  if (participants.size === 0)
    warnings.push(
      'no Transcript resource with channel participants: roles of media channels come from the `speakers` option',
    );
  return parsed;
}

/**
 * `<Record transcribe="true">` callbacks: one turn, the caller's — `<Record>` records the party
 * who called in (a voicemail), so the role is the customer's by construction, not a guess.
 */
export function parseTwilioRecordingTranscription(params: unknown): ParsedCall {
  if (!looksLikeTwilioRecordingTranscription(params))
    throw new FormatError(
      'not a Twilio recording transcription: `TranscriptionText` is missing',
      'TranscriptionText',
    );
  const p = params as Obj;
  const status = str(p.TranscriptionStatus);
  if (status && status !== 'completed')
    throw new FormatError(
      `Twilio transcription ${str(p.TranscriptionSid) ?? ''} is "${status}", not completed`,
      'TranscriptionStatus',
    );
  const parsed: ParsedCall = {
    source: 'twilio-recording-transcription',
    turns: [
      {
        text: str(p.TranscriptionText) ?? '',
        role: 'customer',
        label: 'caller',
        startMs: 0,
        endMs: secToMs(p.RecordingDuration) ?? 0,
      },
    ],
    warnings: [],
  };
  const callSid = str(p.CallSid);
  if (callSid) parsed.callId = callSid;
  const sid = str(p.TranscriptionSid);
  if (sid) parsed.transcriptId = sid;
  const recording = str(p.RecordingUrl);
  if (recording) parsed.recordingUrl = recording;
  const from = str(p.From);
  if (from) parsed.from = from;
  const to = str(p.To);
  if (to) parsed.to = to;
  return parsed;
}
