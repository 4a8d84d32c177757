import { describe, expect, it } from 'vitest';
import { deeplyNested } from './hostile.js';
import { nestsDeeperThan } from './json.js';
import { storableCopy, storageProblem } from './storable.js';

const nested = (depth: number) => JSON.parse(deeplyNested(depth, 'object'));

describe('storageProblem', () => {
  it('finds nothing in JSON values, whatever their strings and keys', () => {
    for (const value of [null, 0, 'text', [], {}, { a: [1, 'b', { c: null, __proto__x: true }] }, nested(20)])
      expect(storageProblem(value, 126)).toBeUndefined();
  });

  it('names a value JSON cannot hold, and where', () => {
    expect(storageProblem(10n, 126)).toBe('a bigint cannot be stored as JSON');
    expect(storageProblem({ a: [1, { b: 2n }] }, 126)).toBe('a bigint cannot be stored as JSON at .a[1].b');
    expect(storageProblem({ f: () => 1 }, 126)).toBe('a function cannot be stored as JSON at .f');
    expect(storageProblem([Symbol('s')], 126)).toBe('a symbol cannot be stored as JSON at [0]');
  });

  it('refuses a nesting past the bound, a cycle included, without overflowing the stack', () => {
    expect(storageProblem(nested(126), 126)).toBeUndefined();
    expect(storageProblem(nested(127), 126)).toMatch(/^nested deeper than the limit at \.a/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(storageProblem(cycle, 126)).toMatch(/^nested deeper/);
  });
});

describe('payloads that share objects (2^depth paths)', () => {
  // Each level holds the one below twice. Reads are counted: a walk of every path throws here (and
  // the test fails in a second) instead of running for ever.
  let reads = 0;
  const counted = (target: Record<string, unknown>) =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (++reads > 30_000_000) throw new Error('walked every path');
        return Reflect.get(t, key, receiver);
      },
    });
  const shared = (depth: number, leaf: unknown) => {
    let value: Record<string, unknown> = counted({ leaf });
    for (let i = 0; i < depth; i++) value = counted({ a: value, b: value });
    return value;
  };

  it('are judged with each shared object read a bounded number of times', () => {
    reads = 0;
    expect(nestsDeeperThan(shared(100, 1), 126)).toBe(false);
    expect(nestsDeeperThan(shared(130, 1), 126)).toBe(true);
    expect(storageProblem(shared(100, 1), 126)).toBeUndefined();
    expect(storageProblem(shared(100, 2n), 126)).toMatch(/^a bigint cannot be stored as JSON/);
    expect(storageProblem(shared(130, 1), 126)).toMatch(/^nested deeper than the limit/);
    // Found only past the node budget: the first paths are all clean.
    const late = shared(100, 1);
    (late as { z?: unknown }).z = 3n;
    expect(storageProblem(late, 126)).toBe(
      'a bigint cannot be stored as JSON (in a payload of shared objects)',
    );
    expect(reads).toBeLessThan(10_000_000);
  });
});

describe('storableCopy', () => {
  it('keeps what JSON can hold and describes the rest', () => {
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    const copy = storableCopy({ id: 7n, list: [1, 'x', null], cycle, deep: nested(10) }, 4) as Record<
      string,
      unknown
    >;
    expect(copy.id).toBe('7n');
    expect(copy.list).toEqual([1, 'x', null]);
    expect(copy.cycle).toEqual({ n: 1, self: '[circular]' });
    expect(JSON.stringify(copy.deep)).toContain('[nested deeper]');
    expect(storageProblem(copy, 126)).toBeUndefined();
  });

  it('copies a payload that shares objects at every level within its node budget', () => {
    // 2^20 paths here (a regression fails in about a second, not hangs); 2^126 at the hub's bound.
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) shared = { a: shared, b: shared };
    const copy = storableCopy(shared, 126, 1_000);
    const text = JSON.stringify(copy);
    expect(text).toContain('[more]');
    expect(text.length).toBeLessThan(50_000);
    const cycle: Record<string, unknown> = {};
    cycle.x = cycle;
    cycle.y = cycle;
    expect(storableCopy(cycle, 126)).toEqual({ x: '[circular]', y: '[circular]' });
  });

  it('keeps a "__proto__" key as a key', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1n}}'.replace('1n', '1'));
    const copy = storableCopy(value, 10) as Record<string, unknown>;
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
