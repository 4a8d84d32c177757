import { z } from 'zod';
import { jsonValueSchema, timestampSchema } from './common.js';
import { identitySchema } from './identity.js';

export const directionSchema = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof directionSchema>;

export const deliveryStatusSchema = z.enum([
  'received',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
]);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** A file on a message. Either `url` (fetched on demand, often with the provider's auth) or inline `content` (base64). */
export const attachmentSchema = z.object({
  id: z.string().min(1),
  contentType: z.string(),
  filename: z.string().optional(),
  /** Bytes; -1 when the provider does not say and the file was not fetched. */
  size: z.number().int().min(-1),
  /** Hex SHA-256 of the bytes, when they were seen. */
  sha256: z.string().optional(),
  url: z.string().optional(),
  content: z.string().optional(),
  /** Provider's media id (WhatsApp media id, Twilio media SID) for fetching on demand. */
  providerId: z.string().optional(),
  /** An inline image referenced from HTML by Content-ID. */
  contentId: z.string().optional(),
  caption: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const speakerRoleSchema = z.enum(['customer', 'agent', 'bot', 'unknown']);
export type SpeakerRole = z.infer<typeof speakerRoleSchema>;

/** One turn of a call: who spoke, what, and when (milliseconds from the start of the call). */
export const transcriptTurnSchema = z.object({
  speaker: speakerRoleSchema,
  /** The speaker label of the source format ("0", "spk_1", "A", "Jane"), kept for audit. */
  speakerLabel: z.string().optional(),
  text: z.string(),
  startMs: z.number().min(0),
  endMs: z.number().min(0),
  confidence: z.number().min(0).max(1).optional(),
  sentiment: z.string().optional(),
});
export type TranscriptTurn = z.infer<typeof transcriptTurnSchema>;

export const redactionSchema = z.object({
  kind: z.string(),
  /** Where: `text` or `transcript.turns[3].text`. */
  field: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type Redaction = z.infer<typeof redactionSchema>;

export const transcriptSchema = z.object({
  turns: z.array(transcriptTurnSchema),
  /** Which format it came from: `deepgram`, `aws-transcribe`, `vtt`… */
  source: z.string().optional(),
  language: z.string().optional(),
});
export type Transcript = z.infer<typeof transcriptSchema>;

export const callInfoSchema = z.object({
  callId: z.string().optional(),
  startedAt: timestampSchema.optional(),
  durationMs: z.number().min(0).optional(),
  recordingUrl: z.string().optional(),
  status: z.string().optional(),
});
export type CallInfo = z.infer<typeof callInfoSchema>;

export const statusHistoryEntrySchema = z.object({
  status: deliveryStatusSchema,
  at: timestampSchema,
  error: z.object({ code: z.string().optional(), message: z.string() }).optional(),
});
export type StatusHistoryEntry = z.infer<typeof statusHistoryEntrySchema>;

export const reactionSchema = z.object({
  by: identitySchema,
  emoji: z.string(),
  at: timestampSchema,
});
export type Reaction = z.infer<typeof reactionSchema>;

/** A version of an edited message; the message's `text` is always the latest version. */
export const editSchema = z.object({
  text: z.string(),
  html: z.string().optional(),
  at: timestampSchema,
});
export type Edit = z.infer<typeof editSchema>;

/** Thread evidence: keys that name this message or its thread, and keys of what it answers. */
export const threadEvidenceSchema = z.object({
  /** Own keys, namespaced: `email:<message-id>`, `whatsapp:<wamid>`, `x:conversation:<id>`. */
  keys: z.array(z.string()),
  /** Keys this message refers to: In-Reply-To and References, a WhatsApp `context.id`, a quoted tweet. */
  refs: z.array(z.string()).default([]),
});
export type ThreadEvidence = z.infer<typeof threadEvidenceSchema>;

export const placementSchema = z.object({
  /** The name of the rule that placed the message. */
  rule: z.string(),
  /** Why, in words an agent can read. */
  reason: z.string(),
});
export type Placement = z.infer<typeof placementSchema>;

export const messageSchema = z.object({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  contactId: z.string().min(1),
  channel: z.string().min(1),
  direction: directionSchema,
  from: identitySchema,
  to: z.array(identitySchema),
  /** Our business address the message came in to or went out from (a Twilio number, a page id, a mailbox). */
  endpoint: z.string().optional(),
  sentAt: timestampSchema,
  receivedAt: timestampSchema,
  subject: z.string().optional(),
  text: z.string(),
  /** The new part only, when the full `text` carries quoted history (email). */
  newText: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(attachmentSchema),
  /** External id of the message this one answers. */
  replyTo: z.string().optional(),
  thread: threadEvidenceSchema,
  external: z.object({ id: z.string().min(1), threadId: z.string().optional() }),
  status: deliveryStatusSchema,
  statusHistory: z.array(statusHistoryEntrySchema).default([]),
  placement: placementSchema,
  /** `public` for messages everyone can see (an X mention), so an agent moves to private before sharing details. */
  visibility: z.enum(['public', 'private']).default('private'),
  transcript: transcriptSchema.optional(),
  call: callInfoSchema.optional(),
  redactions: z.array(redactionSchema).optional(),
  reactions: z.array(reactionSchema).default([]),
  edits: z.array(editSchema).default([]),
  /** The text as first received, kept when the message was edited. */
  originalText: z.string().optional(),
  deletedAt: timestampSchema.optional(),
  /** Problems met while parsing that did not stop it (a bad charset, a truncated part). */
  warnings: z.array(z.string()).default([]),
  /** Channel-specific facts worth keeping beside the model (forwarded flag, ad referral, location). */
  metadata: z.record(z.string(), jsonValueSchema).default({}),
  /** The provider payload, or a reference to it: nothing is thrown away. */
  raw: z.unknown(),
});
export type Message = z.infer<typeof messageSchema>;
