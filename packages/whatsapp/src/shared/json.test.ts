import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unixToIso } from './json.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 200);

/** The plain Date form unixToIso formats by hand: seconds (or milliseconds past 1e11) to ISO. */
function byDate(value: string | number): string | undefined {
  const s = String(value);
  if (!/^\d{1,13}(\.\d+)?$/.test(s.trim())) return undefined;
  const n = Number(s);
  return new Date(n > 1e11 ? n : n * 1000).toISOString();
}

describe('unixToIso', () => {
  it('gives what Date gives for seconds, milliseconds and fractions', () => {
    const seconds = fc.integer({ min: 0, max: 1e11 });
    const millis = fc.integer({ min: 1e11 + 1, max: 9_999_999_999_999 });
    const fraction = fc.tuple(seconds, fc.stringMatching(/^\d{1,9}$/)).map(([s, f]) => `${s}.${f}`);
    const value = fc.oneof(
      seconds.map(String),
      seconds,
      millis.map(String),
      millis,
      fraction,
      fc.double({ min: 0, max: 1e11, noNaN: true }),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(unixToIso(v)).toBe(byDate(v));
      }),
      { seed: 42, numRuns },
    );
  });

  it('handles day boundaries, padding and the edges of the range', () => {
    for (const v of [
      '0',
      '59',
      '86399',
      '86400',
      ' 1697043223 ',
      '1697043223.5',
      '100000000000',
      '9999999999999',
    ])
      expect(unixToIso(v)).toBe(byDate(v));
    expect(unixToIso('86399')).toBe('1970-01-01T23:59:59.000Z');
    expect(unixToIso(1697043223)).toBe('2023-10-11T16:53:43.000Z');
  });

  it('refuses what is not unix time', () => {
    for (const v of ['', 'abc', '-1', '1e5', '12345678901234', null, undefined, {}, -5, 1e21])
      expect(unixToIso(v)).toBeUndefined();
  });
});
