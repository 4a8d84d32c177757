import { type Identity, normalizeIdentity } from '@omnithread/core';

/**
 * The identity if core normalization accepts it, else undefined. Parsers use it to pick the usable
 * ids of a payload (placeholders like `<WHATSAPP_USER_PHONE_NUMBER>` or impossible numbers are
 * skipped) so the hub never rejects a whole event over one bad field.
 */
export function validIdentity(kind: string, value: unknown): Identity | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return normalizeIdentity({ kind, value });
  } catch {
    return undefined;
  }
}
