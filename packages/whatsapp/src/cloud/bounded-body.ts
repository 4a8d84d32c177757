import { createHash } from 'node:crypto';
import { PayloadTooLargeError } from '@omnithread/core';

export interface BoundedBody {
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes`, computed while reading. */
  sha256: string;
}

// Stop the download without waiting on it: a hostile server's cancel may never settle.
function stop(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  reader.cancel().catch(() => undefined);
}

/**
 * Reads a response body chunk by chunk, hashing as it goes, and cancels the stream as soon as it
 * passes `maxBytes`: a missing or lying Content-Length cannot make us buffer an endless body.
 * Throws `PayloadTooLargeError` past the limit.
 */
export async function readBoundedBody(response: Response, maxBytes: number): Promise<BoundedBody> {
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        stop(reader);
        throw new PayloadTooLargeError(`Media exceeds the ${maxBytes}-byte limit`, { limit: maxBytes });
      }
      hash.update(value);
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * The start of an error answer's body as text (at most `maxBytes`; the rest is cancelled, not
 * read): enough for Meta's JSON error, never an endless page.
 */
export async function readErrorText(response: Response, maxBytes = 64 * 1024): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  try {
    while (total < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const room = maxBytes - total;
      const part = value.byteLength > room ? value.subarray(0, room) : value;
      total += part.byteLength;
      text += decoder.decode(part, { stream: true });
    }
  } catch {
    // the error status says enough when its body breaks off
  }
  stop(reader);
  return text + decoder.decode();
}
