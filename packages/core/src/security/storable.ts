import { NODE_BUDGET, nestsDeeperThan } from './json.js';

/**
 * Whether a value can be stored as the model promises (plain JSON): every store keeps payloads as
 * JSON, so a value JSON cannot hold (a bigint, a function, a symbol) or a nesting past the bound
 * (a cycle is one) would be kept by the memory store and refused by PostgreSQL. The hub asks this
 * before it stores anything, so every store gives the same answer.
 */

/** What keeps `value` from being stored as JSON, with where (`.a[2].b`), or undefined when nothing does. */
export function storageProblem(value: unknown, maxDepth: number): string | undefined {
  const problem = leafProblem(value);
  if (problem) return problem;
  if (typeof value !== 'object' || value === null) return undefined;
  const path: string[] = [];
  nodesLeft = NODE_BUDGET;
  const found = walk(value, maxDepth, path);
  if (nodesLeft < 0) return sharedProblem(value, maxDepth);
  return found ? `${found} at ${path.reverse().join('') || 'the top'}` : undefined;
}

// The recursive walk's count of objects it may still visit before it hands over to `sharedProblem`
// (one walk at a time: it is synchronous).
let nodesLeft = 0;

/**
 * The same question for a value past the node budget: an object an app built may share one object
 * many times (each level twice is 2^depth paths). Each object is visited once per depth it is met
 * at no deeper than before; where is not named.
 */
function sharedProblem(value: object, maxDepth: number): string | undefined {
  if (nestsDeeperThan(value, maxDepth)) return 'nested deeper than the limit';
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      const problem = leafProblem(child);
      if (problem) return `${problem} (in a payload of shared objects)`;
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return undefined;
}

function leafProblem(value: unknown): string | undefined {
  const type = typeof value;
  return type === 'bigint' || type === 'function' || type === 'symbol'
    ? `a ${type} cannot be stored as JSON`
    : undefined;
}

// Recursion bounded by `budget` (the hub's bounds are about 128). No allocation unless something
// is found: the path is built on the way back up.
function walk(value: object, budget: number, path: string[]): string | undefined {
  if (budget <= 0) return 'nested deeper than the limit';
  if (--nodesLeft < 0) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = child(value[i], budget, path);
      if (found) {
        path.push(`[${i}]`);
        return found;
      }
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const found = child(record[key], budget, path);
    if (found) {
      path.push(`.${key}`);
      return found;
    }
  }
  return undefined;
}

function child(value: unknown, budget: number, path: string[]): string | undefined {
  if (typeof value === 'object' && value !== null) return walk(value, budget - 1, path);
  return leafProblem(value);
}

/**
 * A JSON-safe copy of a value that `storageProblem` refuses, keeping all it can: a bigint becomes
 * its digits and `n`, a function or symbol its description, an object met again on its own path (a
 * cycle) `[circular]`, a nesting past the bound `[nested deeper]`, and past `maxNodes` values in all
 * `[more]`. For refused payloads, which must be kept somehow (nothing a customer sent is thrown
 * away), not for messages. The node budget matters: an object shared twice at each level is a tree
 * of 2^depth paths to walk.
 */
export function storableCopy(value: unknown, maxDepth: number, maxNodes = 100_000): unknown {
  let nodes = 0;
  const onPath = new Set<object>();
  const copy = (v: unknown, depth: number): unknown => {
    if (++nodes > maxNodes) return '[more]';
    const type = typeof v;
    if (type === 'bigint') return `${String(v)}n`;
    if (type === 'function' || type === 'symbol') return String(v);
    if (typeof v !== 'object' || v === null) return v;
    if (onPath.has(v)) return '[circular]';
    if (depth <= 0) return '[nested deeper]';
    onPath.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => copy(item, depth - 1));
      const out: Record<string, unknown> = {};
      for (const key in v as Record<string, unknown>) {
        if (!Object.hasOwn(v, key)) continue;
        // defineProperty, not assignment: a "__proto__" key stays a key.
        Object.defineProperty(out, key, {
          value: copy((v as Record<string, unknown>)[key], depth - 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      onPath.delete(v);
    }
  };
  return copy(value, maxDepth);
}
