import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedUnique } from './prepare.js';

describe('sortedUnique (lock keys: sorted so writers cannot deadlock, each once)', () => {
  it('orders and deduplicates as a Set and `sort` do, for one event’s few keys and a batch’s many', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('contact:a', 'msg:sms:1', 'thread:x', 'é', '😀')), {
          maxLength: 40,
        }),
        (keys) => {
          const before = [...keys];
          expect(sortedUnique(keys)).toEqual([...new Set(keys)].sort());
          expect(keys).toEqual(before);
        },
      ),
      { seed: 20261123, numRuns: 500 },
    );
  });
});
