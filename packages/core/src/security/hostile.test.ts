import { describe, expect, it } from 'vitest';
import { deeplyNested, mutateJson, mutateText } from './hostile.js';

const fixture = { entry: [{ id: '1', changes: [{ value: { messages: [{ text: { body: 'hi' } }] } }] }] };

describe('hostile-input mutators', () => {
  it('are deterministic per seed and never touch the original', () => {
    const before = JSON.stringify(fixture);
    for (let seed = 0; seed < 200; seed++) {
      expect(JSON.stringify(mutateJson(fixture, seed))).toBe(JSON.stringify(mutateJson(fixture, seed)));
      expect(mutateText(before, seed)).toBe(mutateText(before, seed));
    }
    expect(JSON.stringify(fixture)).toBe(before);
  });
  it('produce varied, bounded mutations', () => {
    const text = JSON.stringify(fixture);
    const texts = new Set<string>();
    const jsons = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const t = mutateText(text, seed);
      expect(t.length).toBeLessThan(400_000);
      texts.add(t);
      jsons.add(JSON.stringify(mutateJson(fixture, seed)));
    }
    expect(texts.size).toBeGreaterThan(50);
    expect(jsons.size).toBeGreaterThan(20);
    expect([...texts].some((t) => t.includes('[[[[[[[[[['))).toBe(true);
    expect([...texts].some((t) => t.length < text.length)).toBe(true);
  });
  it('deeplyNested builds the nesting that overflows recursive parsers', () => {
    expect(deeplyNested(3)).toBe('[[[1]]]');
    expect(deeplyNested(2, 'object')).toBe('{"a":{"a":null}}');
    expect(deeplyNested(2, 'array', false)).toBe('[[1');
  });
});
