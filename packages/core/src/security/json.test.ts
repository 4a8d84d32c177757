import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors.js';
import { deeplyNested } from './hostile.js';
import { jsonDepth, nestsDeeperThan, parseJson } from './json.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);

describe('parseJson', () => {
  it('parses ordinary JSON and measures its depth, ignoring brackets inside strings', () => {
    expect(parseJson('{"a":[1,{"b":"[[[["}]}')).toEqual({ a: [1, { b: '[[[[' }] });
    expect(jsonDepth('{"a":[1,{"b":"[[[[\\"]]"}]}')).toBe(3);
    expect(jsonDepth('"just a string"')).toBe(0);
  });
  it('refuses 10k-deep nesting with a ValidationError naming the depth (never a RangeError)', () => {
    for (const text of [
      deeplyNested(10_000),
      deeplyNested(10_000, 'object'),
      deeplyNested(100_000, 'array', false),
    ]) {
      expect(() => parseJson(text)).toThrow(expect.objectContaining({ code: 'VALIDATION', path: '(depth)' }));
    }
    expect(() => parseJson(deeplyNested(65))).toThrow(/nested 65 deep, over the limit of 64/);
    expect(parseJson(deeplyNested(64))).toBeDefined();
    expect(() => parseJson(deeplyNested(5), { maxDepth: 4 })).toThrow(/limit of 4/);
    // Too deep and truncated: the depth is the reason given, as when the text was scanned first.
    expect(() => parseJson(deeplyNested(100).slice(0, -3))).toThrow(/nested 100 deep/);
    expect(() => parseJson('{"a": [1, 2')).toThrow(/^not valid JSON/);
  });
  it('agrees with a scan of the text on where the bound falls, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, maxDepth) => {
        const text = JSON.stringify(value);
        const tooDeep = jsonDepth(text) > maxDepth;
        if (tooDeep) expect(() => parseJson(text, { maxDepth })).toThrow(/over the limit/);
        else expect(parseJson(text, { maxDepth })).toEqual(JSON.parse(text));
      }),
      { seed: 3031, numRuns },
    );
  });
  it('any text: a value or a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (text) => {
        try {
          parseJson(text);
        } catch (error) {
          expect(isValidationError(error)).toBe(true);
        }
      }),
      { seed: 3030, numRuns },
    );
  });
});

describe('nestsDeeperThan', () => {
  const nest = (levels: number, leaf: unknown = 1): unknown => {
    let v = leaf;
    for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
    return v;
  };
  it('counts object and array levels, not scalars, exactly at the bound (recursive and iterative walks)', () => {
    for (const bound of [1, 5, 128, 2_000]) {
      expect(nestsDeeperThan(nest(bound), bound)).toBe(false);
      expect(nestsDeeperThan(nest(bound + 1), bound)).toBe(true);
      // An object holding an array of 50 nestings: two levels on top of each.
      const wide = (levels: number) => ({ wide: Array.from({ length: 50 }, () => nest(levels)) });
      if (bound > 2) {
        expect(nestsDeeperThan(wide(bound - 2), bound)).toBe(false);
        expect(nestsDeeperThan(wide(bound - 1), bound)).toBe(true);
      }
    }
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
  });
  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nest(100_000), 128)).toBe(true);
    expect(nestsDeeperThan(nest(100_000), 200_000)).toBe(false);
  });
});
