import { type Identity, normalizeIdentity } from '@omnithread/core';

/**
 * The identity if core normalization accepts it, else undefined. Parsers use it to pick the usable
 * ids of a payload (placeholders like `<WHATSAPP_USER_PHONE_NUMBER>` or impossible numbers are
 * skipped) so the hub never rejects a whole event over one bad field.
 */
// Cheap shape checks first: the usual miss (a wa_id tried as a BSUID) would otherwise cost a
// thrown and caught error on every message.
const SHAPES: Record<string, RegExp> = {
  whatsapp: /^\+?[\d\s-]+(@c\.us)?$/,
  'whatsapp-bsuid': /^[A-Z]{2}\./,
  'whatsapp-lid': /^\d+(@lid)?$/,
};

export function validIdentity(kind: string, value: unknown): Identity | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (SHAPES[kind] && !SHAPES[kind].test(value.trim())) return undefined;
  try {
    return normalizeIdentity({ kind, value });
  } catch {
    return undefined;
  }
}
