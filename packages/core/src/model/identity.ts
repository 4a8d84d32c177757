import { z } from 'zod';

/**
 * The identity kinds Omnithread knows. The set is open: an adapter may use its own kind
 * (`'telegram'`, `'line'`…) and it is treated as an opaque id.
 */
export const KNOWN_IDENTITY_KINDS = [
  'email',
  'phone',
  'whatsapp',
  'whatsapp-bsuid',
  'whatsapp-lid',
  'x',
  'messenger',
  'instagram',
] as const;
export type KnownIdentityKind = (typeof KNOWN_IDENTITY_KINDS)[number];
export type IdentityKind = KnownIdentityKind | (string & {});

/** One address of a person on one network, normalized (see `normalizeIdentity`). */
export const identitySchema = z.object({
  kind: z.string().min(1).max(64),
  value: z.string().min(1).max(512),
});
export interface Identity {
  kind: IdentityKind;
  value: string;
}

/**
 * How far an identity can be trusted.
 * - `verified`: the person proved it (a verified email in the app's own user record).
 * - `provider`: the channel's provider vouches for it (Twilio's From, WhatsApp's wa_id, an email that passed DMARC).
 * - `unverified`: a claim (a From that failed DMARC, an address typed into a chat widget). Never merges contacts.
 */
export const trustSchema = z.enum(['verified', 'provider', 'unverified']);
export type Trust = z.infer<typeof trustSchema>;

/** An identity as stored on a contact, with how it came to belong there. */
export const contactIdentitySchema = identitySchema.extend({
  trust: trustSchema,
  /** Display data that may change (an X handle, a WhatsApp username, a profile name). */
  displayName: z.string().optional(),
  addedAt: z.string(),
});
export type ContactIdentity = z.infer<typeof contactIdentitySchema>;

/** A second identity that a payload says belongs to the sender (a BSUID and its phone; a LID and its @c.us). */
export const identityLinkSchema = z.object({
  identity: identitySchema,
  trust: trustSchema,
  /** Why the link is believed, for the audit trail ("WhatsApp Cloud payload carried both user_id and wa_id"). */
  evidence: z.string().optional(),
});
export type IdentityLink = z.infer<typeof identityLinkSchema>;
