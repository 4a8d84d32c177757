import type { InboundEvent } from '@omnithread/core';
import { type ToMessageOptions, toInboundMessage } from './message.js';
import { type ParseMimeOptions, parseMime } from './parse.js';

export interface ParseEmailOptions extends ParseMimeOptions, ToMessageOptions {}

/**
 * Raw RFC 5322 / MIME in, a model `message` event out: `parseMime` then `toInboundMessage`.
 *
 * @example
 * ```ts
 * const [event] = await parseEmail('From: ann@example.org\r\nMessage-ID: <1@example.org>\r\nSubject: Hi\r\n\r\nHello');
 * ```
 */
export async function parseEmail(
  raw: string | Uint8Array | ArrayBuffer,
  options: ParseEmailOptions = {},
): Promise<InboundEvent[]> {
  const parsed = await parseMime(raw, options);
  return [{ type: 'message', message: toInboundMessage(parsed, options) }];
}
