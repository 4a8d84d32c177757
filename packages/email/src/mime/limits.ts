import { PayloadTooLargeError } from '@omnithread/core';

/**
 * Bounds on every email however it arrives (raw MIME, IMAP, provider webhooks), so a hostile
 * message cannot exhaust memory or time.
 */
export interface ParseLimits {
  /** Largest message accepted, in bytes. Default 50 MiB. */
  maxBytes?: number;
  /** Most header fields in the top-level header block. Default 1000. */
  maxHeaders?: number;
  /** Largest top-level header block, in bytes. Default 1 MiB. */
  maxHeaderBytes?: number;
  /** Deepest multipart nesting followed. Default 64 (deeper parts are kept as opaque attachments). */
  maxNestingDepth?: number;
  /**
   * Attachments up to this size keep their bytes (base64) on the message; a larger one keeps its
   * name, type, size and SHA-256 but no content (the source still holds it). Default 256 KiB.
   */
  maxInlineAttachmentBytes?: number;
}

export const DEFAULT_LIMITS: Required<ParseLimits> = {
  maxBytes: 50 * 1024 * 1024,
  maxHeaders: 1000,
  maxHeaderBytes: 1024 * 1024,
  maxNestingDepth: 64,
  maxInlineAttachmentBytes: 256 * 1024,
};

/** Raw MIME as bytes. Strings are taken as they come (UTF-8), byte arrays as they are. */
export function toBytes(raw: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof raw === 'string') return new TextEncoder().encode(raw);
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return raw;
}

/**
 * Checks size and header count of the top-level header block with one linear pass over the bytes.
 * Throws `PayloadTooLargeError` naming the limit.
 */
export function checkLimits(bytes: Uint8Array, limits: ParseLimits = {}): void {
  const { maxBytes, maxHeaders, maxHeaderBytes } = { ...DEFAULT_LIMITS, ...limits };
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`Email of ${bytes.length} bytes exceeds the ${maxBytes}-byte limit`, {
      limit: maxBytes,
    });
  }
  let headers = 0;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    const lineLength = i - lineStart - (i > 0 && bytes[i - 1] === 0x0d ? 1 : 0);
    if (lineLength === 0) return; // end of the header block
    const first = bytes[lineStart];
    if (first !== 0x20 && first !== 0x09) {
      headers++;
      if (headers > maxHeaders) {
        throw new PayloadTooLargeError(`Email has more than ${maxHeaders} header fields`, {
          limit: maxHeaders,
        });
      }
    }
    lineStart = i + 1;
    if (lineStart > maxHeaderBytes) {
      throw new PayloadTooLargeError(`Email header block exceeds ${maxHeaderBytes} bytes`, {
        limit: maxHeaderBytes,
      });
    }
  }
}
