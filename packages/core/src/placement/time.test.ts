import { describe, expect, it } from 'vitest';
import { msOf } from './time.js';

describe('msOf', () => {
  it('is Date.parse, also after the cache has filled and been cleared, and for invalid text', () => {
    const base = Date.parse('2026-03-02T09:00:00.000Z');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1_500; i++) {
        const iso = new Date(base + i * 1_000).toISOString();
        expect(msOf(iso)).toBe(base + i * 1_000);
      }
    }
    expect(msOf('2026-03-02T11:00:00+02:00')).toBe(base);
    expect(msOf('not a time')).toBeNaN();
  });
});
