import { describe, expect, it } from 'vitest';
import { randomId } from './ids.js';

describe('randomId', () => {
  it('is the prefix and 32 hex digits, different every time across many pool refills', () => {
    const ids = Array.from({ length: 5000 }, () => randomId('msg'));
    for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('uses every hex digit in every position (no fixed version nibble, no stuck byte)', () => {
    const ids = Array.from({ length: 2000 }, () => randomId('x').slice(2));
    for (let position = 0; position < 32; position++) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(16);
    }
  });
  it('keeps any prefix as given, including an empty one and characters outside ASCII', () => {
    for (const prefix of ['', 'ct', 'conv', 'prefix-with-dashes', 'é', '🧵']) {
      const id = randomId(prefix);
      expect(id.slice(0, prefix.length)).toBe(prefix);
      expect(id.slice(prefix.length)).toMatch(/^_[0-9a-f]{32}$/);
    }
  });
});
