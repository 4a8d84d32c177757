import { createHash } from 'node:crypto';
import {
  type Attachment,
  type Identity,
  type InboundMessage,
  normalizeEmail,
  safeFilename,
  type Trust,
  WebhookParseError,
} from '@omnithread/core';
import { extractNewContent } from '../reply/extract.js';
import { type AuthenticationTrustOptions, trustFromAuthenticationResults } from '../trust/authres.js';
import { emailThreadKey } from './ids.js';
import { htmlToText } from './text.js';
import type { EmailAddress, ParsedEmail } from './types.js';

export interface ToMessageOptions extends AuthenticationTrustOptions {
  /** Our own mailboxes: never counted as participants; mail from them is `outbound`. */
  addresses?: readonly string[];
  /** The business endpoint (mailbox) to record on inbound messages. */
  endpoint?: string;
  /** Split new content from quoted history and signatures into `newText`. Default true. */
  extractReplies?: boolean;
  /** A trust decision computed elsewhere (mailauth); wins over Authentication-Results. */
  trust?: { trust: Trust; reason?: string };
}

const EPOCH = '1970-01-01T00:00:00.000Z';

function iso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  // The model stores 4-digit-year ISO timestamps; absurd years are treated as no date at all.
  if (year < 1 || year > 9999) return undefined;
  return d.toISOString();
}

/** A stable id for a message without Message-ID: the same message re-imported gives the same id. */
export function syntheticMessageId(email: ParsedEmail): string {
  const h = createHash('sha256');
  for (const key of ['from', 'to', 'cc', 'subject', 'date', 'in-reply-to', 'references']) {
    for (const header of email.headers) if (header.key === key) h.update(`${key}:${header.value}\n`);
  }
  h.update('\n');
  h.update(email.text ?? '');
  h.update('\0');
  h.update(email.html ?? '');
  for (const a of email.attachments) h.update(`\0${a.sha256}`);
  return `${h.digest('hex').slice(0, 40)}@synthetic.omnithread.invalid`;
}

function sentAtOf(email: ParsedEmail, warnings: string[]): string {
  const fromDate = iso(email.date);
  if (fromDate) return fromDate;
  const received = email.headers.find((h) => h.key === 'received')?.value;
  const fromReceived = iso(received?.slice(received.lastIndexOf(';') + 1));
  const fallback = iso(email.receivedAt) ?? fromReceived;
  if (fallback) return fallback;
  warnings.push('missing-date: no usable date anywhere; the epoch is used');
  return EPOCH;
}

function identities(list: EmailAddress[], warnings: string[], field: string): Identity[] {
  const out: Identity[] = [];
  for (const entry of list) {
    try {
      out.push({ kind: 'email', value: normalizeEmail(entry.address) });
    } catch (error) {
      warnings.push(
        `invalid-address: ${field} ${JSON.stringify(entry.address.slice(0, 100))}: ${(error as Error).message}`,
      );
    }
  }
  return out;
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Maps a parsed email onto the model's `InboundMessage` (pure, synchronous). Throws
 * `WebhookParseError` (keeping the parsed email as `raw`) when there is no usable From address.
 */
export function toInboundMessage(email: ParsedEmail, options: ToMessageOptions = {}): InboundMessage {
  const warnings = [...email.warnings];
  const author = email.from ?? email.sender;
  if (!author) throw new WebhookParseError('The email has no From address', { raw: email, path: 'from' });
  let from: string;
  try {
    from = normalizeEmail(author.address);
  } catch (error) {
    throw new WebhookParseError(`The email's From address is invalid: ${(error as Error).message}`, {
      raw: email,
      path: 'from',
      cause: error,
    });
  }
  const messageId = email.messageId ?? syntheticMessageId(email);
  const to = identities(email.to, warnings, 'To');
  const cc = identities(email.cc, warnings, 'Cc');
  const ours = (options.addresses ?? []).map((a) => a.trim());
  const seen = new Set<string>([from.toLowerCase()]);
  const participants: Identity[] = [];
  for (const id of [...to, ...cc]) {
    const key = id.value.toLowerCase();
    if (seen.has(key) || ours.some((o) => sameAddress(o, id.value))) continue;
    seen.add(key);
    participants.push(id);
  }
  const refs = [...new Set([...email.references, ...email.inReplyTo])]
    .filter((id) => id !== messageId)
    .map(emailThreadKey);
  const text = email.text ?? (email.html !== undefined ? htmlToText(email.html) : '');
  const attachments: Attachment[] = email.attachments.map((a, i) => {
    const out: Attachment = {
      id: `${a.sha256.slice(0, 16)}-${i}`,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
    };
    // Also for a ParsedEmail built elsewhere: the model never carries a path-like filename.
    if (a.filename) out.filename = safeFilename(a.filename);
    if (a.contentId) out.contentId = a.contentId;
    if (a.content !== undefined) out.content = a.content;
    return out;
  });
  const metadata: Record<string, string | string[]> = { messageId };
  if (!email.messageId) metadata.syntheticMessageId = 'true';
  if (email.replyTo.length > 0) metadata.replyTo = email.replyTo.map((r) => r.address);
  if (email.inReplyTo.length > 0) metadata.inReplyTo = email.inReplyTo;
  if (email.references.length > 0) metadata.references = email.references;
  const trust = options.trust ?? trustFromAuthenticationResults(email.headers, from, options);
  const message: InboundMessage = {
    channel: 'email',
    // Mail from our own mailboxes (an imported Sent folder) is ours: outbound.
    direction: ours.some((o) => sameAddress(o, from)) ? 'outbound' : 'inbound',
    from: { kind: 'email', value: from },
    to,
    participants,
    sentAt: sentAtOf(email, warnings),
    text,
    attachments,
    thread: { keys: [emailThreadKey(messageId)], refs },
    external: { id: messageId },
    warnings,
    metadata,
    trust: trust.trust,
    raw: email.raw ?? email.payload ?? email,
  };
  if (trust.reason) metadata.trust = trust.reason;
  if (author.name) message.fromName = author.name;
  if (options.endpoint) message.endpoint = options.endpoint;
  const receivedAt = iso(email.receivedAt);
  if (receivedAt) message.receivedAt = receivedAt;
  if (email.subject !== undefined) message.subject = email.subject;
  if (email.html !== undefined) message.html = email.html;
  const parent = email.inReplyTo[0] ?? email.references.at(-1);
  if (parent) message.replyTo = parent;
  const root = email.references[0] ?? email.inReplyTo[0];
  if (root) message.external = { id: messageId, threadId: root };
  if (options.extractReplies !== false && text) {
    const sender = author.name ? `${author.name} <${author.address}>` : author.address;
    const { newText } = extractNewContent(text, { sender });
    if (newText !== text) message.newText = newText;
  }
  return message;
}
