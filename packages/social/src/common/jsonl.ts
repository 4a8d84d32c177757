import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ImportOptions } from '@omnithread/core';

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
 * blank lines and reporting progress in bytes.
 */
export async function* readJsonLines(path: string, options: ImportOptions = {}): AsyncIterable<JsonLine> {
  const total = (await stat(path)).size;
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let bytes = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      bytes += Buffer.byteLength(text) + 1;
      options.onProgress?.(Math.min(bytes, total), total);
      if (text.trim().length === 0) continue;
      const source = `${path}#${lineNo}`;
      try {
        yield { source, text, value: JSON.parse(text) };
      } catch (error) {
        yield { source, text, error };
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Whether the first bytes look like JSON lines holding one of the `markers`. */
export function looksLikeJsonLines(path: string, head: Uint8Array, markers: readonly string[]): boolean {
  if (!/\.(jsonl|ndjson|json)$/i.test(path)) return false;
  const text = new TextDecoder().decode(head).trimStart();
  if (!text.startsWith('{')) return false;
  return markers.some((m) => text.includes(m));
}
