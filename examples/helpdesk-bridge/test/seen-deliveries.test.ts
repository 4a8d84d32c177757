import { describe, expect, it } from 'vitest';
import { memorySeenDeliveries } from '../src/seen-deliveries.js';

describe('memorySeenDeliveries', () => {
  it('claims an id once until it expires, then again', async () => {
    let now = 1_000;
    const seen = memorySeenDeliveries({ now: () => now });
    expect(await seen.claim('a', new Date(5_000))).toBe(true);
    expect(await seen.claim('a', new Date(9_000))).toBe(false);
    expect(await seen.claim('b', new Date(5_000))).toBe(true);
    now = 5_000;
    expect(await seen.claim('a', new Date(9_000))).toBe(false);
    now = 5_001;
    expect(await seen.claim('a', new Date(9_000))).toBe(true);
  });

  it('drops expired ids, so it holds about one window of deliveries', async () => {
    let now = 0;
    const seen = memorySeenDeliveries({ now: () => now });
    const window = 300_000;
    // One delivery a second for an hour, each claimed until a window after it.
    for (let second = 0; second < 3_600; second++) {
      now = second * 1000;
      await seen.claim(`reply.created:R-${second}`, new Date(now + window));
    }
    expect(seen.size).toBeLessThanOrEqual(window / 1000 + 1);
  });

  it('sweeps past ids that expire out of arrival order (timestamps up to a window apart)', async () => {
    let now = 0;
    const seen = memorySeenDeliveries({ now: () => now });
    const window = 300_000;
    for (let second = 0; second < 3_600; second++) {
      now = second * 1000;
      // Alternately a timestamp a window behind and a window ahead of our clock.
      const skew = second % 2 === 0 ? -window : window;
      await seen.claim(`R-${second}`, new Date(now + skew + window));
    }
    expect(seen.size).toBeLessThanOrEqual((3 * window) / 1000);
  });

  it('forgets the oldest claim past maxIds, so a long redelivery period stays bounded', async () => {
    const seen = memorySeenDeliveries({ now: () => 0, maxIds: 2 });
    const later = new Date(3 * 24 * 3600_000);
    for (const id of ['a', 'b', 'c']) expect(await seen.claim(id, later)).toBe(true);
    expect(seen.size).toBe(2);
    expect(await seen.claim('c', later)).toBe(false);
    expect(await seen.claim('a', later)).toBe(true);
  });
});
