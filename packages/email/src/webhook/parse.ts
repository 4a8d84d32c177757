import { createHash } from 'node:crypto';
import { PayloadTooLargeError, parseJson, safeFilename, WebhookParseError } from '@omnithread/core';
import { decodeEncodedWords, parseAddressList, parseHeaderBlock } from '../mime/headers.js';
import { normalizeMessageId, parseIdList } from '../mime/ids.js';
import { DEFAULT_LIMITS, type ParseLimits } from '../mime/limits.js';
import type { EmailAddress, ParsedAttachment, ParsedEmail } from '../mime/types.js';
import type { InboundFormPayload, PostmarkInbound, WebhookFile } from './payloads.js';

type Header = { key: string; value: string };

/**
 * The email limits that apply to a provider's parsed fields, with the same defaults and outcome as
 * for raw MIME: too many header fields is a `PayloadTooLargeError` (carrying the payload as `raw`);
 * an attachment over `maxInlineAttachmentBytes` keeps its metadata but not its content.
 */
export type WebhookLimits = Pick<ParseLimits, 'maxHeaders' | 'maxInlineAttachmentBytes'>;

function resolve(limits: WebhookLimits): Required<WebhookLimits> {
  return {
    maxHeaders: limits.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxInlineAttachmentBytes: limits.maxInlineAttachmentBytes ?? DEFAULT_LIMITS.maxInlineAttachmentBytes,
  };
}

function checkHeaderCount(count: number, maxHeaders: number, payload: unknown): void {
  if (count > maxHeaders) {
    throw new PayloadTooLargeError(`Email has more than ${maxHeaders} header fields`, {
      limit: maxHeaders,
      raw: payload,
    });
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function attachment(
  maxInline: number,
  contentType: string,
  base64: string,
  filename?: string,
  contentId?: string,
): ParsedAttachment {
  const bytes = Buffer.from(base64, 'base64');
  const out: ParsedAttachment = {
    contentType: contentType || 'application/octet-stream',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  // As parseMime does: a big attachment stays in the payload kept as raw, not on the message.
  if (bytes.length <= maxInline) out.content = base64;
  // The sender chose the name: one harmless path segment before anything saves it to disk.
  if (filename) out.filename = safeFilename(filename);
  if (contentId) out.contentId = normalizeMessageId(contentId);
  return out;
}

function build(
  payload: unknown,
  headers: Header[],
  parts: {
    from?: string;
    to?: string;
    cc?: string;
    subject?: string;
    text?: string;
    html?: string;
    date?: string;
  },
  attachments: ParsedAttachment[],
): ParsedEmail {
  const header = (key: string) => headers.find((h) => h.key === key)?.value;
  const email: ParsedEmail = {
    type: 'parsed-email',
    headers,
    replyTo: parseAddressList(header('reply-to')),
    to: parseAddressList(parts.to ?? header('to')),
    cc: parseAddressList(parts.cc ?? header('cc')),
    inReplyTo: parseIdList(header('in-reply-to')),
    references: parseIdList(header('references')),
    attachments,
    warnings: [],
    size: JSON.stringify(payload).length,
    payload,
  };
  const from: EmailAddress | undefined = parseAddressList(parts.from ?? header('from'))[0];
  if (from) email.from = from;
  else email.warnings.push('missing-from: no usable From address');
  const subject =
    parts.subject ?? (header('subject') !== undefined ? decodeEncodedWords(header('subject')!) : undefined);
  if (subject !== undefined) email.subject = subject;
  const messageId = normalizeMessageId(header('message-id') ?? '');
  if (messageId) email.messageId = messageId;
  else email.warnings.push('missing-message-id: a synthetic id is derived from the content');
  const date = parts.date ?? header('date');
  if (date) email.date = date;
  if (parts.text !== undefined) email.text = parts.text;
  if (parts.html !== undefined) email.html = parts.html;
  return email;
}

function filesToAttachments(
  files: WebhookFile[],
  info: Record<string, { filename?: string; name?: string; type?: string; 'content-id'?: string }>,
  maxInline: number,
) {
  // attachment-info is JSON the sender's provider built: check every type before use.
  const byField = rec(info);
  return files.map((f) => {
    const meta = rec(byField[f.field]);
    return attachment(
      maxInline,
      str(meta.type) ?? f.contentType,
      f.content,
      str(meta.filename) ?? str(meta.name) ?? f.filename,
      str(meta['content-id']),
    );
  });
}

function json<T>(value: string | undefined, fallback: T, raw: unknown, path: string): T {
  if (value === undefined || value === '') return fallback;
  try {
    return parseJson(value) as T;
  } catch (error) {
    throw new WebhookParseError(`The ${path} field is not valid JSON`, { raw, path, cause: error });
  }
}

/** SendGrid Inbound Parse (parsed mode: `headers`, `text`, `html`, `attachment-info`, files). */
export function sendgridToParsed(payload: InboundFormPayload, limits: WebhookLimits = {}): ParsedEmail {
  const { maxHeaders, maxInlineAttachmentBytes } = resolve(limits);
  const f = payload.fields;
  if (f.headers === undefined && f.from === undefined) {
    throw new WebhookParseError('SendGrid payload without headers or from', {
      raw: payload,
      path: 'headers',
    });
  }
  const info = json<
    Record<string, { filename?: string; name?: string; type?: string; 'content-id'?: string }>
  >(f['attachment-info'], {}, payload, 'attachment-info');
  const parts: Parameters<typeof build>[2] = {};
  for (const key of ['from', 'to', 'cc', 'subject', 'text', 'html'] as const)
    if (f[key] !== undefined) parts[key] = f[key];
  const headers = parseHeaderBlock(f.headers ?? '', maxHeaders + 1);
  checkHeaderCount(headers.length, maxHeaders, payload);
  const attachments = filesToAttachments(payload.files, info, maxInlineAttachmentBytes);
  return build(payload, headers, parts, attachments);
}

/** Mailgun routes, fully parsed mode (`message-headers`, `body-plain`, `body-html`, `attachment-N`). */
export function mailgunToParsed(payload: InboundFormPayload, limits: WebhookLimits = {}): ParsedEmail {
  const { maxHeaders, maxInlineAttachmentBytes } = resolve(limits);
  const f = payload.fields;
  const list = json<[string, string][]>(f['message-headers'], [], payload, 'message-headers');
  if (!Array.isArray(list))
    throw new WebhookParseError('message-headers is not a list', { raw: payload, path: 'message-headers' });
  const headers = list
    .filter(
      (h): h is [string, string] => Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'string',
    )
    .map(([key, value]) => ({ key: key.toLowerCase(), value }));
  checkHeaderCount(headers.length, maxHeaders, payload);
  if (headers.length === 0 && f.from === undefined) {
    throw new WebhookParseError('Mailgun payload without message-headers or from', {
      raw: payload,
      path: 'message-headers',
    });
  }
  const cids = json<Record<string, string>>(f['content-id-map'], {}, payload, 'content-id-map');
  const byField = new Map(
    Object.entries(rec(cids))
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([cid, field]) => [field, cid]),
  );
  const attachments = payload.files.map((file) =>
    attachment(
      maxInlineAttachmentBytes,
      file.contentType,
      file.content,
      file.filename,
      byField.get(file.field),
    ),
  );
  const parts: Parameters<typeof build>[2] = {};
  if (f.from !== undefined) parts.from = f.from;
  if (f.subject !== undefined) parts.subject = f.subject;
  if (f['body-plain'] !== undefined) parts.text = f['body-plain'];
  if (f['body-html'] !== undefined) parts.html = f['body-html'];
  if (f.To !== undefined) parts.to = f.To;
  return build(payload, headers, parts, attachments);
}

/** Postmark inbound JSON. Every field is type-checked: an authentic body may still hold anything. */
export function postmarkToParsed(payload: PostmarkInbound, limits: WebhookLimits = {}): ParsedEmail {
  const { maxHeaders, maxInlineAttachmentBytes } = resolve(limits);
  const p = rec(payload);
  const headers = list(p.Headers)
    .map(rec)
    .filter((h) => typeof h.Name === 'string' && typeof h.Value === 'string')
    .map((h) => ({ key: (h.Name as string).toLowerCase(), value: h.Value as string }));
  checkHeaderCount(headers.length, maxHeaders, payload);
  const mailbox = (value: unknown) => {
    const m = rec(value);
    const email = str(m.Email);
    const name = str(m.Name);
    return email ? (name ? `"${name.replace(/"/g, '\\"')}" <${email}>` : email) : undefined;
  };
  const parts: Parameters<typeof build>[2] = {};
  const from = mailbox(p.FromFull) ?? str(p.From);
  if (from) parts.from = from;
  const to = list(p.ToFull).map(mailbox).filter(Boolean).join(', ') || str(p.To);
  if (to) parts.to = to;
  const cc = list(p.CcFull).map(mailbox).filter(Boolean).join(', ') || str(p.Cc);
  if (cc) parts.cc = cc;
  const subject = str(p.Subject);
  if (subject !== undefined) parts.subject = subject;
  const text = str(p.TextBody);
  if (text !== undefined) parts.text = text;
  const html = str(p.HtmlBody);
  if (html) parts.html = html;
  const date = str(p.Date);
  if (date) parts.date = date;
  const replyTo = str(p.ReplyTo);
  if (replyTo && !headers.some((h) => h.key === 'reply-to'))
    headers.push({ key: 'reply-to', value: replyTo });
  const attachments = list(p.Attachments)
    .map(rec)
    .filter((a) => typeof a.Content === 'string')
    .map((a) =>
      attachment(
        maxInlineAttachmentBytes,
        str(a.ContentType) ?? '',
        a.Content as string,
        str(a.Name),
        str(a.ContentID),
      ),
    );
  return build(payload, headers, parts, attachments);
}

/** The raw MIME a provider posted in "raw" mode, when it did. */
export function rawMimeOf(payload: unknown): string | undefined {
  const p = payload as InboundFormPayload & PostmarkInbound;
  if (p?.provider === 'sendgrid' && typeof p.fields?.email === 'string') return p.fields.email;
  if (p?.provider === 'mailgun' && typeof p.fields?.['body-mime'] === 'string') return p.fields['body-mime'];
  if (typeof p?.RawEmail === 'string' && p.RawEmail) return p.RawEmail;
  return undefined;
}
