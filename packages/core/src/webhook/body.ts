import { PayloadTooLargeError } from '../errors.js';

export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBytes?: number;
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
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(`Request body exceeds the ${maxBytes}-byte limit`, { limit: maxBytes });
    }
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

/** Reads a request body as UTF-8 text with a size bound (see `readBodyBytes`). */
export async function readBody(request: Request, options: ReadBodyOptions = {}): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, options));
}
