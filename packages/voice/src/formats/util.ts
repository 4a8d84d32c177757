import { canonicalIso } from '@omnithread/core';
import type { RawTurn } from '../types.js';

/** Small readers for untrusted JSON: they never throw, they answer undefined. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A number, or a numeric string ("12.34"); undefined otherwise. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Seconds (number or numeric string) to milliseconds. */
export function secToMs(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.round(n * 1000);
}

/** An ISO timestamp from a date string or epoch value, or undefined. */
export function isoDate(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const canonical = canonicalIso(v);
    if (canonical !== undefined) return canonical;
  }
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export interface TimedWord {
  text: string;
  label?: string;
  startMs?: number;
  endMs?: number;
  confidence?: number;
  /** Punctuation attaches to the previous word without a space (Amazon Transcribe items). */
  attach?: boolean;
}

/**
 * Groups consecutive words of one speaker into turns, in one pass. A turn's confidence is the mean
 * of its words' confidences.
 */
export function groupWords(words: Iterable<TimedWord>): RawTurn[] {
  const turns: RawTurn[] = [];
  let current: (RawTurn & { sum: number; count: number }) | undefined;
  const flush = () => {
    if (!current) return;
    // The turn without the running sums, keys in their order (an object rest costs about 1 µs on Node 20).
    const turn: Record<string, unknown> = {};
    for (const key of Object.keys(current) as Array<keyof typeof current>)
      if (key !== 'sum' && key !== 'count') turn[key] = current[key];
    if (current.count > 0) turn.confidence = current.sum / current.count;
    turns.push(turn as unknown as RawTurn);
  };
  for (const word of words) {
    if (current && (word.attach || word.label === current.label)) {
      current.text += word.attach ? word.text : ` ${word.text}`;
      if (word.endMs !== undefined) current.endMs = word.endMs;
      if (current.startMs === undefined && word.startMs !== undefined) current.startMs = word.startMs;
    } else {
      flush();
      current = { text: word.text, sum: 0, count: 0 };
      if (word.label !== undefined) current.label = word.label;
      if (word.startMs !== undefined) current.startMs = word.startMs;
      if (word.endMs !== undefined) current.endMs = word.endMs;
    }
    if (word.confidence !== undefined && !word.attach) {
      current.sum += word.confidence;
      current.count++;
    }
  }
  flush();
  return turns;
}

/** Why a payload is not this format; parsers throw it and the caller wraps it in `WebhookParseError`. */
export class FormatError extends Error {
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.name = 'FormatError';
    this.path = path;
  }
}
