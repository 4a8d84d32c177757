import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { expectEventsOrTypedRefusal, expectWithinHangBound } from './refusals.js';

/** Keeps the thread busy for `ms`, as a parser stuck on a super-linear path would. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
};

describe('the hang bound of the fuzz helpers', () => {
  it('passes a quick input and fails one that takes longer than the bound, sync or async', async () => {
    await expect(expectWithinHangBound(() => 42, 1_000)).resolves.toBe(42);
    await expect(expectWithinHangBound(() => busy(40), 5)).rejects.toThrow(
      /took \d+ ms \(bound 5 ms\): a hang/,
    );
    await expect(
      expectWithinHangBound(() => new Promise((resolve) => setTimeout(resolve, 40)), 5),
    ).rejects.toThrow(/a hang/);
  });

  it('a parser must answer events or a typed refusal, and in time either way', () => {
    expect(() => expectEventsOrTypedRefusal(() => [])).not.toThrow();
    expect(() =>
      expectEventsOrTypedRefusal(() => {
        throw new ValidationError('bad');
      }),
    ).not.toThrow();
    expect(() =>
      expectEventsOrTypedRefusal(() => {
        throw new TypeError('crash');
      }),
    ).toThrow(TypeError);
    expect(() => expectEventsOrTypedRefusal(() => 'not events')).toThrow(/array of events/);
    expect(() => expectEventsOrTypedRefusal(() => busy(40) ?? [], 5)).toThrow(/a hang/);
    expect(() =>
      expectEventsOrTypedRefusal(() => {
        busy(40);
        throw new ValidationError('slow refusal');
      }, 5),
    ).toThrow(/a hang/);
  });
});
