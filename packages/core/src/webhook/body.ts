import { PayloadTooLargeError } from '../errors.js';

export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBytes?: number;
}

export interface ReadStreamOptions {
  /** Largest number of bytes read before giving up. */
  maxBytes: number;
  /** The error to throw past `maxBytes` (a `PayloadTooLargeError` naming what was read). */
  tooLarge(): Error;
  /** Sees each chunk as it arrives (to hash while reading, say). */
  onChunk?(chunk: Uint8Array): void;
}

/**
 * Reads a web stream to its end into one array, holding at most `maxBytes`: past that it cancels
 * the stream and throws `tooLarge()`, so neither a missing nor a lying length makes it buffer an
 * endless body. It does not wait for the cancel to settle: a hostile peer's may never settle.
 *
 * @example
 * ```ts
 * const response = await fetch(mediaUrl);
 * const bytes = await readStreamBytes(response.body, {
 *   maxBytes: 20 * 1024 * 1024,
 *   tooLarge: () => new PayloadTooLargeError('Media over 20 MiB', { limit: 20 * 1024 * 1024 }),
 * });
 * ```
 */
export async function readStreamBytes(
  stream: ReadableStream<Uint8Array> | null,
  options: ReadStreamOptions,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > options.maxBytes) {
      reader.cancel().catch(() => undefined);
      throw options.tooLarge();
    }
    options.onChunk?.(value);
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a request body as bytes with a size bound, so a hostile client cannot make an adapter
 * buffer gigabytes (multipart bodies with attachments need the bytes). Throws
 * `PayloadTooLargeError` past the limit, declared or streamed.
 */
export async function readBodyBytes(request: Request, options: ReadBodyOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new PayloadTooLargeError(`Request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, {
      limit: maxBytes,
    });
  }
  return readStreamBytes(request.body, {
    maxBytes,
    tooLarge: () =>
      new PayloadTooLargeError(`Request body exceeds the ${maxBytes}-byte limit`, { limit: maxBytes }),
  });
}

/** Reads a request body as UTF-8 text with a size bound (see `readBodyBytes`). */
export async function readBody(request: Request, options: ReadBodyOptions = {}): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, options));
}
