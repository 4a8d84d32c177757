import { createHash } from 'node:crypto';
import { safeFilename } from '@omnithread/core';
import PostalMime, { type Address, type Attachment } from 'postal-mime';
import { decodeEncodedWords, parseAddressList, parseHeaderBlock } from './headers.js';
import { normalizeMessageId, parseIdList } from './ids.js';
import { checkLimits, DEFAULT_LIMITS, type ParseLimits, toBytes } from './limits.js';
import { lintMime } from './lint.js';
import type { EmailAddress, ParsedAttachment, ParsedEmail, RawMime } from './types.js';

export interface ParseMimeOptions extends ParseLimits {
  /** Keep the source on the message (`raw`). Default true: nothing a customer sent is dropped. */
  keepRaw?: boolean;
  /** When the message reached us (mbox `From ` line, IMAP INTERNALDATE), ISO 8601. */
  receivedAt?: string;
}

function flatten(list: Address[] | Address | undefined, warnings: string[]): EmailAddress[] {
  if (!list) return [];
  const out: EmailAddress[] = [];
  for (const entry of Array.isArray(list) ? list : [list]) {
    const boxes = entry.group ?? [entry];
    for (const box of boxes) {
      if (box.address)
        out.push(box.name ? { name: box.name, address: box.address } : { address: box.address });
      else if (box.name)
        warnings.push(`invalid-address: ${JSON.stringify(box.name.slice(0, 80))} has no address`);
    }
  }
  return out;
}

function bytesOf(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
}

function toAttachment(a: Attachment, maxInline: number): ParsedAttachment {
  const bytes = bytesOf(a.content);
  const out: ParsedAttachment = {
    contentType: a.mimeType || 'application/octet-stream',
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  // The sender chose the name: one harmless path segment before anything saves it to disk.
  if (a.filename) out.filename = safeFilename(a.filename);
  if (a.contentId) out.contentId = normalizeMessageId(a.contentId);
  if (a.disposition) out.disposition = a.disposition;
  if (bytes.byteLength <= maxInline) out.content = Buffer.from(bytes).toString('base64');
  return out;
}

function rawOf(bytes: Uint8Array): RawMime {
  try {
    return { encoding: 'utf8', data: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { encoding: 'base64', data: Buffer.from(bytes).toString('base64') };
  }
}

/** The top-level Content-Type boundary, read from the parsed headers. */
function topBoundary(headers: { key: string; value: string }[]): string | undefined {
  const ct = headers.find((h) => h.key === 'content-type')?.value;
  if (!ct || !/^\s*multipart\//i.test(ct)) return undefined;
  const m = /boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(ct);
  return m?.[1] ?? m?.[2];
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle));
}

/** Top-level headers only, for messages the MIME parser refused. */
function fallbackParse(bytes: Uint8Array): Awaited<ReturnType<typeof PostalMime.parse>> {
  const text = Buffer.from(bytes.subarray(0, DEFAULT_LIMITS.maxHeaderBytes)).toString('utf8');
  const headers = parseHeaderBlock(text);
  const get = (key: string) => headers.find((h) => h.key === key)?.value;
  const addresses = (key: string) =>
    parseAddressList(get(key)).map((a) => ({ name: a.name ?? '', address: a.address }));
  const out: Awaited<ReturnType<typeof PostalMime.parse>> = {
    headers: headers.map((h) => ({ key: h.key, originalKey: h.key, value: h.value })),
    headerLines: [],
    attachments: [],
    to: addresses('to'),
    cc: addresses('cc'),
    replyTo: addresses('reply-to'),
  };
  const from = addresses('from')[0];
  if (from) out.from = from;
  const subject = get('subject');
  if (subject !== undefined) out.subject = decodeEncodedWords(subject);
  for (const [key, field] of [
    ['message-id', 'messageId'],
    ['in-reply-to', 'inReplyTo'],
    ['references', 'references'],
    ['date', 'date'],
  ] as const) {
    const value = get(key);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function collectWarnings(email: ParsedEmail, bytes: Uint8Array): void {
  const w = email.warnings;
  if (!email.from) w.push('missing-from: no usable From address');
  if (!email.messageId) w.push('missing-message-id: a synthetic id is derived from the content');
  if (!email.date) w.push('missing-date: no Date header');
  else if (Number.isNaN(Date.parse(email.date)))
    w.push(`invalid-date: ${JSON.stringify(email.date.slice(0, 80))}`);
  const texts = [email.subject ?? '', email.from?.name ?? '', email.text ?? ''];
  if (texts.some((t) => t.includes('\uFFFD')))
    w.push('undecodable-characters: bytes that are not valid in the declared charset');
  if (/=\?[^?\s]{1,64}\?[BbQq]\?[^?\s]{0,1000}\?=/.test(email.subject ?? ''))
    w.push('undecoded-encoded-word: in Subject');
  const boundary = topBoundary(email.headers);
  if (boundary && indexOfBytes(bytes, new TextEncoder().encode(`--${boundary}--`)) < 0) {
    w.push('unterminated-multipart: the closing boundary is missing');
  }
  if (email.text === undefined && email.html === undefined && email.attachments.length === 0)
    w.push('no-body: no text, HTML or attachment');
  w.push(...lintMime(bytes, email.headers));
}

/**
 * Parses raw RFC 5322 / MIME into a `ParsedEmail` with postal-mime (chosen over mailparser: about
 * twice as fast on the shared fixtures with the same results; see the README). Best effort: broken
 * MIME gives `warnings`, never a crash; sizes and header counts over the limits give
 * `PayloadTooLargeError`.
 */
export async function parseMime(
  raw: string | Uint8Array | ArrayBuffer,
  options: ParseMimeOptions = {},
): Promise<ParsedEmail> {
  const bytes = toBytes(raw);
  checkLimits(bytes, options);
  const warnings: string[] = [];
  let parsed: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    parsed = await PostalMime.parse(bytes, {
      attachmentEncoding: 'arraybuffer',
      maxNestingDepth: options.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth,
      maxHeadersSize: options.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes,
    });
  } catch (error) {
    // postal-mime refuses only structurally hopeless input (nesting or header bounds): read the
    // top-level headers ourselves so sender and thread survive; the bytes stay in `raw`.
    warnings.push(`mime-error: ${error instanceof Error ? error.message : String(error)}`);
    parsed = fallbackParse(bytes);
  }
  const maxInline = options.maxInlineAttachmentBytes ?? DEFAULT_LIMITS.maxInlineAttachmentBytes;
  const email: ParsedEmail = {
    type: 'parsed-email',
    headers: parsed.headers.map((h) => ({ key: h.key, value: h.value })),
    replyTo: flatten(parsed.replyTo, warnings),
    to: flatten(parsed.to, warnings),
    cc: flatten(parsed.cc, warnings),
    inReplyTo: parseIdList(parsed.inReplyTo),
    references: parseIdList(parsed.references),
    attachments: parsed.attachments.map((a) => toAttachment(a, maxInline)),
    warnings,
    size: bytes.byteLength,
  };
  const from = flatten(parsed.from, warnings)[0];
  if (from) email.from = from;
  const sender = flatten(parsed.sender, warnings)[0];
  if (sender) email.sender = sender;
  if (parsed.subject !== undefined) email.subject = parsed.subject;
  const messageId = parsed.messageId ? normalizeMessageId(parsed.messageId) : '';
  if (messageId) email.messageId = messageId;
  const dateHeader = parsed.headers.find((h) => h.key === 'date')?.value;
  if (dateHeader) email.date = dateHeader.trim();
  if (parsed.text !== undefined) email.text = parsed.text;
  if (parsed.html !== undefined) email.html = parsed.html;
  if (parsed.attachments.some((a) => a.rfc822DepthExceeded))
    warnings.push('nesting-too-deep: a nested message was kept unparsed');
  if (options.receivedAt) email.receivedAt = options.receivedAt;
  if (options.keepRaw !== false) email.raw = rawOf(bytes);
  collectWarnings(email, bytes);
  return email;
}
