import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIso, isoFromEpochMs } from './time.js';

describe('isoFromEpochMs', () => {
  it('is new Date(ms).toISOString() for any time, fractions of a millisecond included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.double({ min: 0, max: 253_402_300_799_999, noNaN: true }),
          fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
        ),
        (ms) => {
          expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { seed: 4040, numRuns: 2_000 },
    );
    for (const ms of [0, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000])
      expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
  });
  it('throws as Date does for a time that is not one', () => {
    expect(() => isoFromEpochMs(Number.NaN)).toThrow(RangeError);
  });
});

describe('canonicalIso', () => {
  it('gives the text back exactly when toISOString writes it, and otherwise what Date gives or nothing', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        two,
        two,
        two,
        two,
        two,
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${ms === undefined ? '' : `.${String(ms).padStart(3, '0')}`}Z`,
      );
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (value) => {
        const ms = Date.parse(value);
        const canonical = canonicalIso(value);
        expect(canonical === value).toBe(Number.isFinite(ms) && new Date(ms).toISOString() === value);
        if (canonical !== undefined) expect(canonical).toBe(new Date(ms).toISOString());
      }),
      { seed: 23, numRuns: 2_000 },
    );
  });
});
