import {
  type Identity,
  normalizeEmail,
  type OutboundMessage,
  type SendContext,
  SendFailedError,
  type SendResult,
  ValidationError,
} from '@omnithread/core';
import { bracket, emailThreadKey } from '../mime/ids.js';
import { replySubject, threadingHeaders } from './headers.js';

/** The part of a nodemailer transporter `send()` needs: any transport works (SMTP, SES, stream). */
export interface MailTransport {
  sendMail(
    mail: Record<string, unknown>,
  ): Promise<{ messageId?: string; response?: string; accepted?: unknown[]; rejected?: unknown[] }>;
}

export interface SendOptions {
  /** Our sender, e.g. `Support <help@shop.test>`. */
  from: string;
  /** Domain of the Message-IDs we make: `<msg_…@domain>`. */
  messageIdDomain: string;
  transport: MailTransport;
}

function addressOf(identity: Identity): string {
  if (identity.kind !== 'email')
    throw new ValidationError(`Cannot email a ${identity.kind} identity`, { path: 'to' });
  return identity.value;
}

// SMTP reply codes 4xx and network failures are temporary: the hub may retry.
function isRetryable(error: { responseCode?: number; code?: string }): boolean {
  if (typeof error.responseCode === 'number') return error.responseCode >= 400 && error.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'ECONNRESET', 'EDNS'].includes(
    error.code ?? '',
  );
}

/**
 * Sends an outbound message as email through nodemailer with threading headers: In-Reply-To and
 * References from the conversation's thread keys, a `Re:` subject, and a Message-ID under our
 * domain derived from our message id (so a retried send keeps its id). The result's thread keys
 * let the customer's answer thread back.
 */
export async function sendEmail(
  message: OutboundMessage,
  context: SendContext | undefined,
  options: SendOptions,
): Promise<SendResult> {
  const to = message.to.map(addressOf);
  if (to.length === 0) throw new ValidationError('An email needs at least one recipient', { path: 'to' });
  const messageId = `${message.id.replace(/[^A-Za-z0-9._-]/g, '_')}@${options.messageIdDomain}`;
  const { inReplyTo, references } = threadingHeaders(message.threadKeys, message.replyToExternalId);
  const original = message.subject ?? context?.lastInbound?.subject ?? context?.conversation.subject;
  const subject = inReplyTo ? replySubject(original) : (original ?? '');
  const mail: Record<string, unknown> = {
    from: options.from,
    to,
    subject,
    text: message.text,
    messageId: bracket(messageId),
    attachments: message.attachments.map((a) => {
      const out: Record<string, unknown> = { contentType: a.contentType };
      if (a.filename) out.filename = a.filename;
      if (a.contentId) out.cid = a.contentId;
      if (a.content !== undefined) out.content = Buffer.from(a.content, 'base64');
      else if (a.url) out.href = a.url;
      else
        throw new ValidationError(`Attachment ${a.id} has neither content nor url`, { path: 'attachments' });
      return out;
    }),
  };
  if (message.html !== undefined) mail.html = message.html;
  if (inReplyTo) {
    mail.inReplyTo = inReplyTo;
    mail.references = references.join(' ');
  }
  let info: Awaited<ReturnType<MailTransport['sendMail']>>;
  try {
    info = await options.transport.sendMail(mail);
  } catch (error) {
    const e = error as { message?: string; responseCode?: number; code?: string };
    const failure: { cause: unknown; retryable: boolean; providerCode?: string } = {
      cause: error,
      retryable: isRetryable(e),
    };
    const code = e.responseCode ?? e.code;
    if (code !== undefined) failure.providerCode = String(code);
    throw new SendFailedError(`Email send failed: ${e.message ?? String(error)}`, failure);
  }
  const result: SendResult = {
    externalId: messageId,
    status: 'sent',
    sentAt: new Date().toISOString(),
    from: { kind: 'email', value: normalizeEmail(options.from) },
    thread: { keys: [emailThreadKey(messageId)], refs: references.map(emailThreadKey) },
    metadata: { messageId, subject },
  };
  if (info.response) result.metadata!.smtpResponse = info.response;
  return result;
}
