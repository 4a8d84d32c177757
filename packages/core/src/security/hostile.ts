/**
 * Deterministic mutators that turn a real fixture into hostile input, for fuzz suites: one seed, one
 * mutation. They need no fuzzing library (a property-based test draws the seed), and every output
 * is bounded in size, so a parser's time per input stays bounded by design.
 */

/** mulberry32: a tiny seeded PRNG; the same seed gives the same mutation on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** `depth` levels of `[` or `{"a":` nesting, closed or not: the input that overflows a recursive parser. */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array', closed = true): string {
  const open = kind === 'array' ? '[' : '{"a":';
  const close = kind === 'array' ? ']' : '}';
  return open.repeat(depth) + (kind === 'array' ? '1' : 'null') + (closed ? close.repeat(depth) : '');
}

/** A JSON value `depth` levels deep, built without recursion. */
function nestedValue(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

const HUGE = 300_000;

/** Wrong-type and oversized replacements for a value somewhere inside a JSON document. */
function hostileValue(next: () => number): unknown {
  switch (Math.floor(next() * 12)) {
    case 0:
      return null;
    case 1:
      return pick(next, [0, -1, 1e308, -0, 2 ** 53 + 1, 1.5]);
    case 2:
      return pick(next, [true, false]);
    case 3:
      return pick(next, ['', ' ', '\u0000', '\ud800', '\udfff', 'null', '[object Object]', '__proto__']);
    case 4:
      return 'x'.repeat(HUGE);
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      return nestedValue(200, pick(next, ['array', 'object'] as const));
    case 8:
      return [null, 1, 'a', {}];
    case 9:
      return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
    case 10:
      return '\u202e\u0000<script>alert(1)</script>\r\n..\\..\\';
    default:
      return pick(next, ['2026-13-45T99:99:99Z', 'NaN', '-1', '1e400', '+0', 'Infinity']);
  }
}

/** Every path (as a list of keys) inside a JSON value, breadth-first, bounded in count. */
function paths(value: unknown, limit = 2000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const queue: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const item = queue.shift()!;
    out.push(item.path);
    if (Array.isArray(item.value)) {
      item.value.forEach((v, i) => {
        queue.push({ value: v, path: [...item.path, i] });
      });
    } else if (item.value !== null && typeof item.value === 'object') {
      for (const [k, v] of Object.entries(item.value)) queue.push({ value: v, path: [...item.path, k] });
    }
  }
  return out;
}

/**
 * A deep copy of `value` with one mutation chosen by `seed`: a value at a random path replaced by a
 * wrong type, a huge string or deep nesting; a key deleted; or an array emptied.
 */
export function mutateJson(value: unknown, seed: number): unknown {
  const next = rng(seed);
  const copy = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  const all = paths(copy);
  const path = pick(next, all);
  if (path.length === 0) return hostileValue(next);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const action = next();
  if (action < 0.15 && !Array.isArray(parent)) delete parent[last];
  else if (action < 0.25 && Array.isArray(parent[last])) (parent[last] as unknown[]).length = 0;
  else parent[last] = hostileValue(next);
  return copy;
}

function utf8ToLatin1(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text.slice(0, 20_000)));
}

function utf16Bytes(text: string): string {
  let out = '\u00ff\u00fe';
  for (const ch of text.slice(0, 20_000)) {
    const code = ch.charCodeAt(0);
    out += String.fromCharCode(code & 0xff, code >> 8);
  }
  return out;
}

/**
 * `text` with one mutation chosen by `seed`: truncated at a random point, a byte or surrogate
 * inserted, re-encoded (UTF-8 read as Latin-1, UTF-16 bytes), a slice repeated into a huge string,
 * deep nesting spliced in, or line endings changed.
 */
export function mutateText(text: string, seed: number): string {
  const next = rng(seed);
  const at = Math.floor(next() * (text.length + 1));
  switch (Math.floor(next() * 10)) {
    case 0:
    case 1:
      return text.slice(0, at);
    case 2:
      return (
        text.slice(0, at) +
        pick(next, ['\u0000', '\ud800', '\udc00', '\ufffd', '\u202e', '\r', '"', '\\']) +
        text.slice(at)
      );
    case 3:
      return utf8ToLatin1(text);
    case 4:
      return utf16Bytes(text);
    case 5: {
      const slice = text.slice(at, at + 1 + Math.floor(next() * 64)) || 'x';
      return text.slice(0, at) + slice.repeat(Math.ceil(HUGE / slice.length)) + text.slice(at);
    }
    case 6:
      return (
        text.slice(0, at) +
        deeplyNested(10_000, pick(next, ['array', 'object'] as const), next() < 0.5) +
        text.slice(at)
      );
    case 7:
      return text.replace(/\r?\n/g, pick(next, ['\r', '\n', '\r\n', '\n\r', '']));
    case 8: {
      const cut = Math.floor(next() * text.length);
      return text.slice(0, at) + text.slice(cut);
    }
    default:
      return text.slice(at) + text.slice(0, at);
  }
}
