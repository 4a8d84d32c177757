import { z } from 'zod';
import { jsonValueSchema, timestampSchema } from './common.js';
import { identityLinkSchema, identitySchema, trustSchema } from './identity.js';
import {
  attachmentSchema,
  callInfoSchema,
  deliveryStatusSchema,
  directionSchema,
  redactionSchema,
  threadEvidenceSchema,
  transcriptSchema,
} from './message.js';

/**
 * A message as an adapter sees it, before the hub places it: no ids of ours yet, no placement.
 * `trust` says how far the sender's address can be believed; `links` are further identities the
 * payload ties to the sender.
 */
export const inboundMessageSchema = z.object({
  channel: z.string().min(1),
  direction: directionSchema.default('inbound'),
  from: identitySchema,
  /** The sender's display name as the channel gave it (display data, never used to merge). */
  fromName: z.string().optional(),
  to: z.array(identitySchema).default([]),
  /** Other people on the thread (email Cc, group chat members): they join the conversation's contacts. */
  participants: z.array(identitySchema).default([]),
  endpoint: z.string().optional(),
  sentAt: timestampSchema,
  receivedAt: timestampSchema.optional(),
  subject: z.string().optional(),
  text: z.string().default(''),
  newText: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(attachmentSchema).default([]),
  replyTo: z.string().optional(),
  thread: threadEvidenceSchema.default({ keys: [], refs: [] }),
  external: z.object({
    id: z.string().min(1),
    threadId: z.string().optional(),
    /**
     * On an echo of our own send (Messenger, X): the id of our outbound message, when the provider
     * hands back what we attached. An echo that beats the send's own result then updates that
     * message instead of becoming a second one.
     */
    clientId: z.string().optional(),
  }),
  status: deliveryStatusSchema.optional(),
  visibility: z.enum(['public', 'private']).default('private'),
  transcript: transcriptSchema.optional(),
  call: callInfoSchema.optional(),
  redactions: z.array(redactionSchema).optional(),
  warnings: z.array(z.string()).default([]),
  metadata: z.record(z.string(), jsonValueSchema).default({}),
  trust: trustSchema.default('provider'),
  links: z.array(identityLinkSchema).default([]),
  raw: z.unknown(),
});
export type InboundMessage = z.input<typeof inboundMessageSchema>;
export type NormalizedInboundMessage = z.output<typeof inboundMessageSchema>;

/** A delivery status from a provider. May arrive before the message it is about; it is kept until then. */
export const statusUpdateSchema = z.object({
  channel: z.string().min(1),
  externalId: z.string().min(1),
  status: deliveryStatusSchema,
  at: timestampSchema,
  error: z.object({ code: z.string().optional(), message: z.string() }).optional(),
  raw: z.unknown().optional(),
});
export type StatusUpdate = z.infer<typeof statusUpdateSchema>;

const targetFields = {
  channel: z.string().min(1),
  /** The provider's id of the message this event is about. */
  targetExternalId: z.string().min(1),
  at: timestampSchema,
  raw: z.unknown().optional(),
};

export const inboundEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: inboundMessageSchema }),
  z.object({ type: z.literal('status'), status: statusUpdateSchema }),
  /** A reaction; an empty `emoji` removes the reactor's reaction. */
  z.object({ type: z.literal('reaction'), ...targetFields, by: identitySchema, emoji: z.string() }),
  z.object({ type: z.literal('edit'), ...targetFields, text: z.string(), html: z.string().optional() }),
  z.object({ type: z.literal('delete'), ...targetFields, by: identitySchema.optional() }),
  /** Facts learned after the message: a call's transcript, its recording, its final duration. */
  z.object({
    type: z.literal('enrich'),
    ...targetFields,
    /** The message's searchable text, when the enrichment changes it (a transcript's turns, joined). */
    text: z.string().optional(),
    transcript: transcriptSchema.optional(),
    call: callInfoSchema.optional(),
    attachments: z.array(attachmentSchema).optional(),
    redactions: z.array(redactionSchema).optional(),
    /**
     * What the enrichment repaired or guessed (a transcript's filled-in times, speakers whose role
     * was inferred), added to the message's `warnings`: a transcript usually arrives after its call.
     */
    warnings: z.array(z.string()).optional(),
  }),
  /** The provider told us two identities are one person, outside any message. */
  z.object({
    type: z.literal('identity-link'),
    channel: z.string().min(1),
    identity: identitySchema,
    link: identityLinkSchema,
    at: timestampSchema,
  }),
  /** Consent: SMS STOP / START and their equivalents. */
  z.object({
    type: z.literal('consent'),
    channel: z.string().min(1),
    identity: identitySchema,
    optedOut: z.boolean(),
    keyword: z.string().optional(),
    at: timestampSchema,
  }),
  /** A provider event that is not about a customer message (account updates, template reviews). Emitted, not stored. */
  z.object({
    type: z.literal('notice'),
    channel: z.string().min(1),
    name: z.string(),
    at: timestampSchema,
    raw: z.unknown(),
  }),
]);
export type InboundEvent = z.input<typeof inboundEventSchema>;
export type NormalizedInboundEvent = z.output<typeof inboundEventSchema>;
export type InboundEventType = NormalizedInboundEvent['type'];

/** A payload that could not be used, kept with the reason so nothing a customer sent disappears. */
export const rejectedPayloadSchema = z.object({
  id: z.string(),
  channel: z.string(),
  receivedAt: timestampSchema,
  error: z.object({ code: z.string(), message: z.string() }),
  /** The body as received (text), or the parsed JSON. */
  raw: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});
export type RejectedPayload = z.infer<typeof rejectedPayloadSchema>;
