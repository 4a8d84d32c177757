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
 * than `maxDepth`. Iterative, so the check itself cannot overflow the stack it protects.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Recursion is bounded by maxDepth, so it is safe (and allocation-free) for the bounds we use; a
  // huge bound walks with an explicit stack instead.
  return maxDepth <= 1_000 ? deeperThan(value, maxDepth) : deeperThanIterative(value, maxDepth);
}

function deeperThan(value: object, budget: number): boolean {
  if (budget <= 0) return true;
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
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
