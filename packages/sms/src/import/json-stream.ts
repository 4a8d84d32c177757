/**
 * Streams the items of a JSON file that is either one JSON array of objects or JSON lines, without
 * loading the file: an archive of millions of messages must not need gigabytes of memory. Each item
 * comes out as its text with its position, so a bad item is reported and the rest go on.
 */

export interface JsonItem {
  /** 1-based item number. */
  index: number;
  text: string;
}

/** Splits a stream of text chunks into top-level JSON values (array elements, or JSON lines). */
export async function* jsonItems(chunks: AsyncIterable<string>): AsyncGenerator<JsonItem> {
  let mode: 'unknown' | 'array' | 'lines' = 'unknown';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let index = 0;
  let arrayClosed = false;

  const flush = function* (): Generator<JsonItem> {
    const text = current.trim();
    current = '';
    if (text) yield { index: ++index, text };
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (mode === 'unknown') {
        if (/\s/.test(ch) || ch === '\ufeff') continue;
        mode = ch === '[' ? 'array' : 'lines';
        if (mode === 'array') continue;
      }
      if (arrayClosed) {
        if (!/\s/.test(ch)) current += ch;
        continue;
      }
      if (mode === 'lines' && (ch === '\n' || ch === '\r')) {
        // JSON text never holds a raw newline, so in JSON lines it always ends the item, even a broken one.
        inString = false;
        escaped = false;
        depth = 0;
        yield* flush();
        continue;
      }
      if (inString) {
        current += ch;
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') {
        inString = true;
        current += ch;
        continue;
      }
      if (mode === 'array') {
        if (depth === 0 && ch === ',') {
          yield* flush();
          continue;
        }
        if (depth === 0 && ch === ']') {
          yield* flush();
          arrayClosed = true;
          continue;
        }
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') depth = Math.max(0, depth - 1);
      current += ch;
    }
  }
  if (mode === 'array' && !arrayClosed) {
    // A truncated array: hand over what is left, so the caller reports it as one bad item.
    if (current.trim()) yield { index: ++index, text: current.trim() };
    return;
  }
  if (arrayClosed) {
    if (current.trim()) yield { index: ++index, text: current.trim() };
    return;
  }
  yield* flush();
}
