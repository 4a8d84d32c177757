import { isValidationError, type ValidationError } from '@omnithread/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonParam, normalized, textParam } from './encoding.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 300);

// Any UTF-16 code units, lone surrogates and NUL included, biased towards the characters that matter.
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.constantFrom(0, 0x5c, 0x75, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00, 0xdfff),
);
const anyText = fc.array(codeUnit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What jsonb can hold of a value: NUL and every unpaired surrogate as U+FFFD, keys included. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(UNPAIRED, '\ufffd').replaceAll('\u0000', '\ufffd');
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storable(k) as string] = storable(v);
    return out;
  }
  return value;
}

// JSON text PostgreSQL's json parser refuses: an unescaped \u0000, or a \u escape of a surrogate not
// followed by its pair's escape.
const refusedByJsonb = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89ab][0-9a-f]{2}(?!\\ud[c-f])|d[c-f][0-9a-f]{2})/i;

describe('jsonParam', () => {
  it('writes JSON jsonb accepts, the same value but for NUL and half surrogate pairs (U+FFFD)', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = jsonParam(value);
        expect(refusedByJsonb.test(text)).toBe(false);
        expect(JSON.parse(text)).toEqual(storable(value));
      }),
      { numRuns, seed: 1123 },
    );
  });

  it('leaves an escaped backslash before "u0000" or "ud800" as the text it is', () => {
    for (const text of ['\\u0000', '\\ud800', '\\\\u0000', 'a\\ud83d\\ude00']) {
      expect(JSON.parse(jsonParam({ text }))).toEqual({ text });
    }
    expect(JSON.parse(jsonParam('😀 \ud83d'))).toBe('😀 \ufffd');
    expect(jsonParam(undefined)).toBe('null');
  });
});

describe('textParam', () => {
  it('replaces NUL, which a text column cannot hold, and nothing else', () => {
    expect(textParam('a\u0000b\u0000')).toBe('a\ufffdb\ufffd');
    expect(textParam('plain 😀')).toBe('plain 😀');
  });

  it('replaces half a surrogate pair as UTF-8 will, so keys equal in the database are equal before it', () => {
    expect(textParam('t\ud800')).toBe('t\ufffd');
    expect(textParam('\udc00t 😀 \ud83d')).toBe('\ufffdt 😀 \ufffd');
    fc.assert(
      fc.property(anyText, (text) => {
        expect(textParam(text)).toBe(storable(text));
        expect(Buffer.from(textParam(text)).toString()).toBe(textParam(text));
      }),
      { numRuns, seed: 1124 },
    );
  });
});

describe('normalized', () => {
  it('gives a record back as jsonb holds it, keys included', () => {
    expect(normalized({ text: 'a\ud83d', whole: '😀' }, 'record')).toEqual({ text: 'a\ufffd', whole: '😀' });
    expect(normalized({ 'k\udc00': ['\udc00'] }, 'record')).toEqual({ 'k\ufffd': ['\ufffd'] });
    const plain = { text: 'plain 😀', n: 1 };
    expect(normalized(plain, 'record')).toBe(plain);
  });
});

describe('values JSON cannot hold', () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error as ValidationError;
    }
    throw new Error('not refused');
  };

  it('are a ValidationError naming the field, not a TypeError or RangeError', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    for (const [fn, path] of [
      [() => normalized({ id: 'm1', raw: { id: 10n } }, 'message'), 'message.raw'],
      [() => normalized({ id: 'c1', attributes: { deep } }, 'contact'), 'contact.attributes'],
      [() => jsonParam({ n: 1n }, 'rejected.raw'), 'rejected.raw.n'],
      [
        () =>
          jsonParam(
            {
              toJSON: () => {
                throw new Error('no');
              },
            },
            'rejected.raw',
          ),
        'rejected.raw',
      ],
    ] as const) {
      const error = refusal(fn);
      expect(isValidationError(error), String(error)).toBe(true);
      expect(error.path).toBe(path);
      expect(error.message).toMatch(/cannot be stored as JSON/);
    }
  });
});
