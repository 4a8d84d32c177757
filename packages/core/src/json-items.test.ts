import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPayloadTooLargeError } from './errors.js';
import {
  DEFAULT_MAX_ITEM_BYTES,
  type JsonItem,
  OVERSIZED_PREFIX_BYTES,
  type ReadJsonItemsOptions,
  readJsonItems,
  scanJsonItems,
} from './json-items.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 200);
const utf8 = (text: string) => new TextEncoder().encode(text);

async function* from<T>(chunks: readonly T[]): AsyncGenerator<T> {
  yield* chunks;
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set([0, ...offsets, bytes.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}

async function read(chunks: readonly (Uint8Array | string)[], options: ReadJsonItemsOptions = {}) {
  const items: JsonItem[] = [];
  for await (const item of readJsonItems(from(chunks), options)) items.push(item);
  return items;
}

/** Items as `number:text`, or `number:!bytes:prefix` for an oversized one. */
const show = (items: JsonItem[]) =>
  items.map((i) => ('error' in i ? `${i.number}:!${i.bytes}:${i.prefix}` : `${i.number}:${i.text}`));

describe('readJsonItems (JSON lines)', () => {
  const text = '{"a":"é"}\n{"b":"漢字"}\n\n{"c":"😀 ok"}\n';
  const expected = ['1:{"a":"é"}', '2:{"b":"漢字"}', '4:{"c":"😀 ok"}'];

  it('gives the same lines wherever the chunks split them, inside a UTF-8 character too', async () => {
    const bytes = utf8(text);
    for (let at = 0; at <= bytes.length; at++) expect(show(await read(cut(bytes, [at])))).toEqual(expected);
    const oneByOne = [...bytes].map((b) => Uint8Array.of(b));
    expect(show(await read(oneByOne))).toEqual(expected);
  });

  it('counts every line: CRLF, a lone CR, blank lines, and a leading byte order mark', async () => {
    const crlf = '\ufeff{"a":1}\r\n\r\n  \r\n{"b":2}\r{"c":3}\r\n';
    const want = ['1:{"a":1}', '4:{"b":2}', '5:{"c":3}'];
    expect(show(await read([crlf]))).toEqual(want);
    // The byte order mark and CRLF pairs split across chunks.
    const bytes = utf8(crlf);
    expect(show(await read([...bytes].map((b) => Uint8Array.of(b))))).toEqual(want);
    // A byte order mark is only dropped at the start; elsewhere it is the line's.
    expect(show(await read(['{"a":1}\n\ufeff{"b":2}']))).toEqual(['1:{"a":1}', '2:\ufeff{"b":2}']);
  });

  it('reads a last line without a line break', async () => {
    expect(show(await read(['{"a":1}\n{"b"', ':2}']))).toEqual(['1:{"a":1}', '2:{"b":2}']);
    expect(show(await read([]))).toEqual([]);
    expect(show(await read(['\n\n', '  ']))).toEqual([]);
  });

  it('reads text chunks that split a surrogate pair, and names items with `source`', async () => {
    const items = await read(['{"e":"\ud83d', '\ude00"}\n'], { source: (n) => `hooks.jsonl#${n}` });
    expect(items).toEqual([{ number: 1, source: 'hooks.jsonl#1', text: '{"e":"😀"}' }]);
  });

  it('reads a web ReadableStream', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8('{"a":1}\n{"b'));
        controller.enqueue(utf8('":2}\n'));
        controller.close();
      },
    });
    const items: JsonItem[] = [];
    for await (const item of readJsonItems(stream as unknown as AsyncIterable<Uint8Array>)) items.push(item);
    expect(show(items)).toEqual(['1:{"a":1}', '2:{"b":2}']);
  });

  it('turns an over-long line into one oversized item, with the limit, its size and its start, and goes on', async () => {
    const long = `{"x":"${'y'.repeat(100)}"}`;
    const lines = `{"a":1}\n${long}\r\n{"b":2}\n`;
    for (const size of [1, 7, 1000]) {
      const chunks = cut(utf8(lines), range(size, lines.length));
      const items = await read(chunks, { maxItemBytes: 20, source: (n) => `file.jsonl#${n}` });
      expect(show(items)).toEqual(['1:{"a":1}', `2:!${long.length}:${long.slice(0, 20)}`, '3:{"b":2}']);
      const oversized = items[1]!;
      if (!('error' in oversized)) throw new Error('expected an oversized item');
      expect(isPayloadTooLargeError(oversized.error)).toBe(true);
      expect(oversized.error.limit).toBe(20);
      expect(oversized.error.message).toBe(
        `file.jsonl#2 is ${long.length} bytes, over the 20-byte limit for one JSON item (maxItemBytes); only its start is kept`,
      );
    }
  });

  it('takes a line of exactly the limit, and refuses one byte more', async () => {
    const items = await read(['{"a":"12"}\n{"a":"123"}\n'], { maxItemBytes: 10 });
    expect(show(items)).toEqual(['1:{"a":"12"}', '2:!11:{"a":"123"']);
  });

  it('reports an over-long last line, with or without its line break', async () => {
    const long = 'z'.repeat(50);
    expect(show(await read([`{"a":1}\n${long}`], { maxItemBytes: 10 }))).toEqual([
      '1:{"a":1}',
      `2:!50:${'z'.repeat(10)}`,
    ]);
    expect(show(await read([`{"a":1}\n${long}\n`], { maxItemBytes: 10 }))).toEqual([
      '1:{"a":1}',
      `2:!50:${'z'.repeat(10)}`,
    ]);
  });

  it('keeps the start of an oversized line whole: no half character at the cut', async () => {
    // 4095 ASCII bytes, then a 3-byte character across the 4096-byte cut.
    const line = `${'a'.repeat(OVERSIZED_PREFIX_BYTES - 1)}漢${'b'.repeat(100)}`;
    const [item] = await read([line], { maxItemBytes: OVERSIZED_PREFIX_BYTES + 10 });
    expect(item && 'error' in item && item.prefix).toBe('a'.repeat(OVERSIZED_PREFIX_BYTES - 1));
  });

  it('holds at most the limit while skipping a 64 MiB line, and reports progress in bytes', async () => {
    const MiB = 1024 * 1024;
    const block = new Uint8Array(MiB).fill(0x78); // one buffer, handed out 64 times
    let produced = 0;
    async function* source() {
      yield utf8('{"before":1}\n');
      for (let i = 0; i < 64; i++) {
        produced += MiB;
        yield block;
      }
      yield utf8('\n{"after":2}\n');
    }
    const stats = { maxHeldBytes: 0 };
    const progress: number[] = [];
    const items: JsonItem[] = [];
    for await (const item of scanJsonItems(
      source(),
      { maxItemBytes: MiB, onBytes: (n) => progress.push(n) },
      stats,
    ))
      items.push(item);
    expect(produced).toBe(64 * MiB);
    expect(stats.maxHeldBytes).toBeLessThanOrEqual(MiB);
    expect(
      items.map((i) => ('error' in i ? [i.number, i.bytes, i.prefix.length] : [i.number, i.text])),
    ).toEqual([
      [1, '{"before":1}'],
      [2, 64 * MiB, OVERSIZED_PREFIX_BYTES],
      [3, '{"after":2}'],
    ]);
    expect(progress.at(-1)).toBe(13 + 64 * MiB + 13);
  });

  it('defaults to a 16 MiB limit', async () => {
    expect(DEFAULT_MAX_ITEM_BYTES).toBe(16 * 1024 * 1024);
    const stats = { maxHeldBytes: 0 };
    const line = new Uint8Array(DEFAULT_MAX_ITEM_BYTES + 1).fill(0x78);
    const items: JsonItem[] = [];
    for await (const item of scanJsonItems(from([line, utf8('\n{}')]), {}, stats)) items.push(item);
    expect(items.map((i) => ('error' in i ? i.error.limit : i.text))).toEqual([DEFAULT_MAX_ITEM_BYTES, '{}']);
  });

  it('splitting the same text into any chunks gives the lines a plain split gives', async () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.json({ maxDepth: 2 }),
      fc.constantFrom('', ' ', '\ufeff'),
    );
    const lineBreak = fc.constantFrom('\n', '\r\n', '\r');
    const doc = fc
      .tuple(fc.array(fc.tuple(line, lineBreak), { maxLength: 12 }), fc.boolean())
      .map(
        ([pairs, bom]) =>
          (bom ? '\ufeff' : '') + pairs.map(([l, b]) => l.replace(/[\r\n]/g, ' ') + b).join(''),
      );
    await fc.assert(
      fc.asyncProperty(doc, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), async (text, at, asText) => {
        const plain = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
        const want = plain.flatMap((l, i) => (l.trim() === '' ? [] : [`${i + 1}:${l}`]));
        // Text chunks may split a surrogate pair; byte chunks may split a UTF-8 sequence.
        const bytes = utf8(text);
        const chunks = asText
          ? cutText(
              text,
              at.map((n) => n % (text.length + 1)),
            )
          : cut(
              bytes,
              at.map((n) => n % (bytes.length + 1)),
            );
        expect(show(await read(chunks))).toEqual(want);
      }),
      { seed: 1607, numRuns },
    );
  });
});

describe('readJsonItems (one JSON array)', () => {
  const readArray = async (chunks: string[], options: ReadJsonItemsOptions = {}) =>
    show(await read(chunks, { ...options, arrays: true }));

  it('splits an array into its elements whatever the chunk boundaries', async () => {
    const text = ' [ {"a": "x,]}"}, {"b": [1, 2, {"c": "\\"}"}]} ,{"d":null} ] ';
    for (const size of [1, 2, 5, 1000]) {
      const items = await read(chunksOf(text, size), { arrays: true });
      expect(items.map((i) => ('text' in i ? JSON.parse(i.text) : i))).toEqual([
        { a: 'x,]}' },
        { b: [1, 2, { c: '"}' }] },
        { d: null },
      ]);
      expect(items.map((i) => i.number)).toEqual([1, 2, 3]);
    }
  });

  it('hands over the tail of a truncated array, and what follows a closed one, as one item', async () => {
    expect(await readArray(chunksOf('[{"a":1},{"b":', 4))).toEqual(['1:{"a":1}', '2:{"b":']);
    expect(await readArray(['\ufeff\n [1, 2]\n', ' junk \n'])).toEqual(['1:1', '2:2', '3:junk']);
    expect(await readArray(['[]\n'])).toEqual([]);
  });

  it('reads JSON lines when the text does not start with `[`, counting the blank lines before it', async () => {
    expect(await readArray(['\n\n', '{"a":1}\n[2]\n'])).toEqual(['3:{"a":1}', '4:[2]']);
  });

  it('bounds each element: an over-long one is one oversized item and the next ones still come', async () => {
    const big = `{"x":"${'y'.repeat(40)}", "z": [1, 2]}`;
    const text = `[{"a":1}, ${big}, {"b":2}]`;
    for (const size of [1, 3, 1000]) {
      expect(await readArray(chunksOf(text, size), { maxItemBytes: 16 })).toEqual([
        '1:{"a":1}',
        `2:!${big.length}:${big.slice(0, 16)}`,
        '3:{"b":2}',
      ]);
    }
  });
});

function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function cutText(text: string, offsets: readonly number[]): string[] {
  const points = [...new Set([0, ...offsets, text.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => text.slice(points[i]!, end));
}

function range(step: number, end: number): number[] {
  const out: number[] = [];
  for (let i = step; i < end; i += step) out.push(i);
  return out;
}
