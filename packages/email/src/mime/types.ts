/** A mailbox from an address header, groups flattened. */
export interface EmailAddress {
  name?: string;
  address: string;
}

export interface ParsedAttachment {
  contentType: string;
  filename?: string;
  /** Decoded size in bytes. */
  size: number;
  /** Hex SHA-256 of the decoded bytes. */
  sha256: string;
  /** Content-ID without brackets, for inline images referenced from HTML (`cid:`). */
  contentId?: string;
  disposition?: string;
  /** Base64 bytes, when at most `maxInlineAttachmentBytes`. */
  content?: string;
}

/** The source of a parsed message, as text when it is valid UTF-8, else base64. */
export interface RawMime {
  encoding: 'utf8' | 'base64';
  data: string;
}

/**
 * The JSON-serializable result of MIME parsing: what `adapter.parse()` maps synchronously onto the
 * model. `parseMime` makes it (asynchronously: both maintained MIME parsers are async).
 */
export interface ParsedEmail {
  type: 'parsed-email';
  headers: { key: string; value: string }[];
  from?: EmailAddress;
  sender?: EmailAddress;
  replyTo: EmailAddress[];
  to: EmailAddress[];
  cc: EmailAddress[];
  subject?: string;
  /** Normalized (no brackets); absent when the message has none. */
  messageId?: string;
  inReplyTo: string[];
  references: string[];
  /** The Date header as written. */
  date?: string;
  text?: string;
  html?: string;
  attachments: ParsedAttachment[];
  /** Typed warnings: `<code>: <detail>` (see `EmailWarningCode`). */
  warnings: string[];
  size: number;
  /** When the message reached us, if the source knows (mbox `From ` line, IMAP INTERNALDATE). */
  receivedAt?: string;
  raw?: RawMime;
  /** The provider payload it was read from (inbound webhooks), kept as the message's raw. */
  payload?: unknown;
}

export type EmailWarningCode =
  | 'missing-from'
  | 'missing-message-id'
  | 'missing-date'
  | 'invalid-date'
  | 'invalid-address'
  | 'undecodable-characters'
  | 'undecoded-encoded-word'
  | 'unterminated-multipart'
  | 'nesting-too-deep'
  | 'no-body'
  | 'mime-error'
  | 'unknown-transfer-encoding'
  | 'unknown-charset'
  | 'duplicate-header'
  | 'malformed-header';
