/** A file of a multipart webhook, read into memory (bounded by the request size limit). */
export interface WebhookFile {
  /** The form field: `attachment1` (SendGrid), `attachment-1` (Mailgun). */
  field: string;
  filename?: string;
  contentType: string;
  /** Base64 bytes. */
  content: string;
}

/** What `handle()` hands `parse()` for form-posting providers (SendGrid Inbound Parse, Mailgun routes). */
export interface InboundFormPayload {
  provider: 'sendgrid' | 'mailgun';
  fields: Record<string, string>;
  files: WebhookFile[];
}

export interface PostmarkMailbox {
  Email?: string;
  Name?: string;
  MailboxHash?: string;
}

/** Postmark's inbound webhook JSON (the fields we use; the whole object is kept as raw). */
export interface PostmarkInbound {
  MessageID?: string;
  From?: string;
  FromName?: string;
  FromFull?: PostmarkMailbox;
  To?: string;
  ToFull?: PostmarkMailbox[];
  Cc?: string;
  CcFull?: PostmarkMailbox[];
  ReplyTo?: string;
  Subject?: string;
  Date?: string;
  TextBody?: string;
  HtmlBody?: string;
  StrippedTextReply?: string;
  Headers?: { Name: string; Value: string }[];
  Attachments?: {
    Name?: string;
    Content?: string;
    ContentType?: string;
    ContentLength?: number;
    ContentID?: string;
  }[];
  RawEmail?: string;
  OriginalRecipient?: string;
  MailboxHash?: string;
  MessageStream?: string;
  Tag?: string;
}

export function isFormPayload(raw: unknown): raw is InboundFormPayload {
  const r = raw as InboundFormPayload;
  return (
    typeof raw === 'object' &&
    raw !== null &&
    (r.provider === 'sendgrid' || r.provider === 'mailgun') &&
    typeof r.fields === 'object' &&
    r.fields !== null &&
    Array.isArray(r.files)
  );
}

export function isPostmarkInbound(raw: unknown): raw is PostmarkInbound {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const r = raw as PostmarkInbound;
  return (
    (typeof r.FromFull === 'object' || typeof r.From === 'string') &&
    (typeof r.MessageID === 'string' || Array.isArray(r.Headers))
  );
}
