import { createHash } from 'node:crypto';
import { PayloadTooLargeError, readStreamBytes } from '@omnithread/core';

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
  const bytes = await readStreamBytes(response.body, {
    maxBytes,
    tooLarge: () => new PayloadTooLargeError(`Media exceeds the ${maxBytes}-byte limit`, { limit: maxBytes }),
    onChunk: (chunk) => hash.update(chunk),
  });
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
