import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clean, msToIso, plainJson } from './payload.js';

// The hand-written fast paths must give exactly what the Date and JSON round trips give.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 300);

function byDate(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

describe('msToIso', () => {
  it('gives what Date gives, up to and past year 10000 and the end of time', () => {
    const ms = fc.oneof(
      fc.integer({ min: 1, max: 253_402_300_800_000 + 10 }),
      fc.double({ min: 0, max: 9e15, noNaN: true }),
      fc.integer({ min: 8.64e15 - 5, max: 8.64e15 + 5 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          ms,
          ms.map((n) => String(Math.trunc(n))),
          fc.string(),
        ),
        (value) => {
          expect(msToIso(value)).toBe(byDate(value));
        },
      ),
      { seed: 5, numRuns },
    );
    for (const v of ['0', 0, -1, 1, '1', 253_402_300_799_999, 253_402_300_800_000, '99999999999999999999'])
      expect(msToIso(v)).toBe(byDate(v));
  });
});

describe('plainJson and clean', () => {
  it('give what a JSON round trip gives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.oneof(fc.double(), fc.constant(-0)), (value, n) => {
        expect(plainJson(value)).toStrictEqual(JSON.parse(JSON.stringify(value)));
        expect(Object.is(plainJson(n), JSON.parse(JSON.stringify(n)))).toBe(true);
      }),
      { seed: 9, numRuns },
    );
  });

  it('drops undefined fields and keeps the order of the others', () => {
    expect(Object.entries(clean({ b: 1, a: undefined, c: { d: undefined, e: [1, null] }, z: -0 }))).toEqual([
      ['b', 1],
      ['c', { e: [1, null] }],
      ['z', 0],
    ]);
  });
});
