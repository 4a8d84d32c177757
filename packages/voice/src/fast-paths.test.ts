import { isWebhookParseError, type WebhookParseError } from '@omnithread/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeTurns, toIso } from './build.js';
import { parseTiming, timestampMs } from './formats/cues.js';
import { parseTranscript } from './formats/index.js';
import { isoDate } from './formats/util.js';

// The hand-written fast paths of the parsers must give exactly what the general code gives.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 300);

/** What `toIso` computed before its fast path: Date.parse, then toISOString. */
function byDate(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** What `parseTiming` computed before its fast path: the TIMING expression and `timestampMs`. */
function byRegex(line: string) {
  const m =
    /^\s*((?:\d{1,3}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)\s*-->\s*((?:\d{1,3}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)/.exec(
      line,
    );
  return m ? { startMs: timestampMs(m[1]!), endMs: timestampMs(m[2]!) } : undefined;
}

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

describe('toIso', () => {
  it('returns canonical timestamps as they are, and what Date gives for the rest', () => {
    const canonical = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    const valid = fc
      .date({
        min: new Date('0000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    const seconds = canonical.map((text) => `${text.slice(0, 19)}Z`);
    fc.assert(
      fc.property(fc.oneof(canonical, seconds, valid, fc.string()), (value) => {
        expect(toIso(value)).toBe(byDate(value));
        expect(isoDate(value)).toBe(byDate(value));
      }),
      { seed: 7, numRuns },
    );
  });

  it('rolls over impossible days and hours as Date does', () => {
    for (const v of [
      '2026-02-29T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '2026-03-02T15:00:00Z',
      '2026-02-30T15:00:00Z',
      '2026-03-02T15:00:00.5Z',
    ])
      expect(toIso(v)).toBe(byDate(v));
    expect(toIso(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('parseTiming', () => {
  it('reads the usual timing line as the general expression does', () => {
    const stamp = fc
      .tuple(digits(2), digits(2), digits(2), fc.constantFrom('.', ','), digits(3))
      .map(([h, m, s, sep, f]) => `${h}:${m}:${s}${sep}${f}`);
    const line = fc
      .tuple(stamp, stamp, fc.constantFrom('', ' align:start', '5', '.5', ' line:0', ':00'))
      .map(([a, b, rest]) => `${a} --> ${b}${rest}`);
    const other = fc.oneof(
      fc.string(),
      fc
        .tuple(stamp, fc.constantFrom('-->', ' -->', ' --> ', '  -->  ', '\t-->\t'), stamp)
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(fc.oneof(line, other), (value) => {
        expect(parseTiming(value)).toEqual(byRegex(value));
      }),
      { seed: 11, numRuns },
    );
  });

  it('keeps out-of-range minutes and seconds undefined', () => {
    expect(parseTiming('00:60:00.000 --> 00:00:61.000')).toEqual({ startMs: undefined, endMs: undefined });
    expect(parseTiming('01:02:03,004 --> 99:59:59.999 position:10%')).toEqual({
      startMs: 3723004,
      endMs: 359999999,
    });
  });
});

describe('normalizeTurns', () => {
  it('keeps the stable time order, whether or not the turns came sorted', () => {
    const turn = fc.record({
      text: fc.constantFrom('a', 'b', ' c '),
      startMs: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(turn, { maxLength: 8 }), (raw) => {
        const { turns } = normalizeTurns(raw);
        const expected = raw
          .map((t, i) => ({ ...t, i }))
          .sort((a, b) => a.startMs - b.startMs)
          .map((t) => t.text.trim());
        expect(turns.map((t) => t.text)).toEqual(expected);
      }),
      { seed: 3, numRuns },
    );
  });
});

describe('JSON transcripts read with JSON.parse, then the nesting bound', () => {
  const nested = (depth: number) => `{"results":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth)}`;
  const refusal = (text: string) => {
    try {
      parseTranscript(text, { startedAt: '2026-01-01T00:00:00.000Z' });
    } catch (error) {
      return error as WebhookParseError;
    }
    throw new Error('expected a refusal');
  };

  it('refuses more than 64 levels with the depth, as parseJson does, and keeps the text', () => {
    const text = nested(65);
    const error = refusal(text);
    expect(isWebhookParseError(error)).toBe(true);
    expect(error.message).toBe('invalid JSON transcript: JSON nested 65 deep, over the limit of 64');
    expect(error.raw).toBe(text);
  });

  it('lets 64 levels through to format detection', () => {
    expect(refusal(nested(64)).message).toMatch(/^not a transcript format/);
  });

  it('reports the nesting before the syntax of a truncated deep text, and the syntax otherwise', () => {
    expect(refusal(`\uFEFF${'['.repeat(80)}`).message).toBe(
      'invalid JSON transcript: JSON nested 80 deep, over the limit of 64',
    );
    expect(refusal('{"results": [').message).toMatch(/^invalid JSON transcript: not valid JSON/);
  });
});
