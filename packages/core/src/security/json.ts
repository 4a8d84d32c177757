import { ValidationError } from '../errors.js';

export interface ParseJsonOptions {
  /** Deepest nesting of arrays and objects accepted. Default 64 (real webhooks nest about 10 deep). */
  maxDepth?: number;
}

/** The deepest array/object nesting of a JSON text, found in one linear scan (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * `JSON.parse` for untrusted bodies: a nesting deeper than `maxDepth` is refused before parsing,
 * because every recursive consumer downstream (copies, serializers, stores) would overflow the stack
 * on it; a syntax error or the parser's own RangeError becomes a `ValidationError` too. Callers map
 * it to their typed error (`WebhookParseError` with the body kept as raw).
 *
 * @example
 * ```ts
 * parseJson('[[[[1]]]]', { maxDepth: 2 }); // throws ValidationError: nested 4 deep
 * ```
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? 64;
  // JSON.parse is iterative in V8 (a million-deep array parses), and checking the parsed value is
  // far cheaper than scanning the text first; the text is scanned only to word a refusal.
  const tooDeep = () => {
    const depth = jsonDepth(text);
    return depth > maxDepth
      ? new ValidationError(`JSON nested ${depth} deep, over the limit of ${maxDepth}`, { path: '(depth)' })
      : undefined;
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw (
      tooDeep() ??
      new ValidationError(`not valid JSON: ${(cause as Error)?.message ?? String(cause)}`, { cause })
    );
  }
  if (nestsDeeperThan(value, maxDepth)) {
    throw tooDeep() ?? new ValidationError(`JSON nested over the limit of ${maxDepth}`, { path: '(depth)' });
  }
  return value;
}

/**
 * Whether a value (already parsed, e.g. a `raw` payload an app passes to `hub.ingest`) nests deeper
 * than `maxDepth`. Bounded in time and stack whatever the value: a parsed payload is a tree, but an
 * object an app built may share one object many times (each level twice is 2^depth paths) or hold
 * a cycle.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Recursion is bounded by maxDepth, so it is safe (and allocation-free) for the bounds we use and
  // any tree of up to NODE_BUDGET objects; past that, or for a huge bound, an explicit stack that
  // visits each shared object once.
  if (maxDepth <= 1_000) {
    nodesLeft = NODE_BUDGET;
    const deeper = deeperThan(value, maxDepth);
    if (nodesLeft >= 0) return deeper;
  }
  return deeperThanIterative(value, maxDepth);
}

/**
 * Objects the recursive walk visits before it hands over to the one that remembers them: more than
 * any parsed webhook holds (a million objects is tens of MB of JSON), so trees take one walk.
 */
export const NODE_BUDGET = 1_000_000;
// The recursive walk's count of objects it may still visit (one walk at a time: it is synchronous).
let nodesLeft = 0;

function deeperThan(value: object, budget: number): boolean {
  if (budget <= 0) return true;
  if (--nodesLeft < 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null && deeperThan(child, budget - 1)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  // for…in walks the object's own keys without allocating an array (JSON data has no inherited
  // enumerable keys; hasOwn keeps it so for anything else).
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const child = record[key];
    if (typeof child === 'object' && child !== null && deeperThan(child, budget - 1)) return true;
  }
  return false;
}

function deeperThanIterative(value: object, maxDepth: number): boolean {
  // The deepest each object was met at: met again no deeper, nothing below it can be new.
  const deepestSeen = new Map<object, number>();
  const stack: Array<[object, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (depth >= maxDepth) return true;
    const seen = deepestSeen.get(current);
    if (seen !== undefined && seen >= depth) continue;
    deepestSeen.set(current, depth);
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
