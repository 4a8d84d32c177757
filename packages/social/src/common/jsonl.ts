import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type ImportOptions, type ImportProblem, readJsonItems } from '@omnithread/core';

export interface JsonLine {
  /** `file.jsonl#12` (1-based line number). */
  source: string;
  text: string;
  /** The parsed value, or the JSON error. */
  value?: unknown;
  error?: unknown;
}

/**
 * Streams a JSON-lines file one line at a time (a multi-GB archive is never held in memory), skipping
 * blank lines and reporting progress in bytes. A line over `options.maxItemBytes` comes out as a
 * rejected problem (a `PayloadTooLargeError`, with the line's start as `raw`), ready to yield.
 */
export async function* readJsonLines(
  path: string,
  options: ImportOptions = {},
): AsyncIterable<JsonLine | ImportProblem> {
  const total = (await stat(path)).size;
  const items = readJsonItems(createReadStream(path), {
    source: (n) => `${path}#${n}`,
    onBytes: (read) => options.onProgress?.(read, total),
    maxItemBytes: options.maxItemBytes,
  });
  for await (const item of items) {
    if ('error' in item) {
      yield { type: 'rejected', source: item.source, raw: item.prefix, error: item.error };
      continue;
    }
    try {
      yield { source: item.source, text: item.text, value: JSON.parse(item.text) };
    } catch (error) {
      yield { source: item.source, text: item.text, error };
    }
  }
}

/** Whether the first bytes look like JSON lines holding one of the `markers`. */
export function looksLikeJsonLines(path: string, head: Uint8Array, markers: readonly string[]): boolean {
  if (!/\.(jsonl|ndjson|json)$/i.test(path)) return false;
  const text = new TextDecoder().decode(head).trimStart();
  if (!text.startsWith('{')) return false;
  return markers.some((m) => text.includes(m));
}
