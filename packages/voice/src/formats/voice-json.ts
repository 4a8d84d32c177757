import type { Direction } from '@omnithread/core';
import { roleFromWord } from '../speakers.js';
import type { ParsedCall, RawTurn } from '../types.js';
import { arr, FormatError, isObj, isoDate, num, type Obj, str } from './util.js';

/**
 * The generic JSON form, for any source without a parser here (see the README):
 *
 * ```json
 * { "callId": "call-42", "from": "+14155550100", "to": "+14155550199", "startedAt": "2026-01-05T10:00:00Z",
 *   "direction": "inbound", "durationMs": 61000, "recordingUrl": "https://…", "language": "en-US",
 *   "turns": [{ "speaker": "customer", "text": "Hi", "startMs": 0, "endMs": 900, "confidence": 0.97 }] }
 * ```
 *
 * `speaker` is a role (`customer`, `agent`, `bot`, `unknown`) or any other label, which the
 * `speakers` option maps. A file may hold one call or an array of calls.
 */
export function looksLikeVoiceJson(value: unknown): boolean {
  return isObj(value) && Array.isArray(value.turns);
}

export function parseVoiceJson(value: unknown): ParsedCall {
  if (!looksLikeVoiceJson(value))
    throw new FormatError('not the generic voice JSON form: `turns` must be an array', 'turns');
  const body = value as Obj;
  const warnings: string[] = [];
  const turns: RawTurn[] = [];
  for (const [i, t] of (arr(body.turns) ?? []).entries()) {
    if (!isObj(t)) {
      warnings.push(`turns[${i}] is not an object: skipped`);
      continue;
    }
    const turn: RawTurn = {
      text: str(t.text) ?? '',
      startMs: num(t.startMs),
      endMs: num(t.endMs),
      confidence: num(t.confidence),
    };
    const speaker = str(t.speaker);
    if (speaker !== undefined) {
      turn.label = speaker;
      const role = roleFromWord(speaker);
      if (role) turn.role = role;
    }
    const sentiment = str(t.sentiment);
    if (sentiment) turn.sentiment = sentiment;
    turns.push(turn);
  }
  const parsed: ParsedCall = { source: 'voice-json', turns, warnings };
  const callId = str(body.callId);
  if (callId) parsed.callId = callId;
  const startedAt = isoDate(body.startedAt);
  if (startedAt) parsed.startedAt = startedAt;
  else if (body.startedAt !== undefined) warnings.push('`startedAt` is not a date: ignored');
  const from = str(body.from);
  if (from) parsed.from = from;
  const to = str(body.to);
  if (to) parsed.to = to;
  const direction = str(body.direction);
  if (direction === 'inbound' || direction === 'outbound') parsed.direction = direction as Direction;
  else if (direction !== undefined)
    warnings.push(
      `direction ${JSON.stringify(direction.slice(0, 32))} is neither inbound nor outbound: ignored`,
    );
  const duration = num(body.durationMs);
  if (duration !== undefined && duration >= 0) parsed.durationMs = duration;
  const recording = str(body.recordingUrl);
  if (recording) parsed.recordingUrl = recording;
  const language = str(body.language);
  if (language) parsed.language = language;
  const status = str(body.status);
  if (status) parsed.status = status;
  return parsed;
}
