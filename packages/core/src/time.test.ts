import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFromEpochMs } from './time.js';

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
