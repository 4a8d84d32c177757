import { z } from 'zod';
import { jsonValueSchema, timestampSchema } from './common.js';
import { contactIdentitySchema, identitySchema } from './identity.js';

/**
 * A person. A merged contact is kept as a tombstone (`mergedInto` set, identities moved) so that
 * old ids still resolve to the survivor.
 */
export const contactSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  identities: z.array(contactIdentitySchema),
  /**
   * Identities the person claimed without proof (typed into a form, an email From that failed DMARC).
   * Kept for the agent to see; never used to find or merge contacts.
   */
  claims: z
    .array(identitySchema.extend({ at: timestampSchema, evidence: z.string().optional() }))
    .default([]),
  /**
   * Consent per channel (SMS STOP / START and the like): the latest event wins. A contact with
   * `optedOut: true` on a channel is not sent to on it.
   */
  consent: z
    .record(
      z.string(),
      z.object({ optedOut: z.boolean(), at: timestampSchema, keyword: z.string().optional() }),
    )
    .default({}),
  attributes: z.record(z.string(), jsonValueSchema),
  mergedInto: z.string().optional(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Contact = z.infer<typeof contactSchema>;

/** What `hub.contacts.update` may change: the name and attributes (merged into the existing ones). */
export const contactPatchSchema = z.object({
  name: z.string().optional(),
  attributes: z.record(z.string(), jsonValueSchema).optional(),
});
