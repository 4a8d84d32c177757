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

// Normalization is pure and the same customers write again and again: remember recent answers
// (the normalized value, or null for a refusal) per kind, bounded, oldest evicted first.
const CACHE_LIMIT = 10_000;
const cache = new Map<string, Map<string, string | null>>();

function normalized(kind: string, value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const shape = SHAPES[kind];
  if (shape && !shape.test(trimmed)) return null;
  try {
    return normalizeIdentity({ kind, value }).value;
  } catch {
    return null;
  }
}

export function validIdentity(kind: string, value: unknown): Identity | undefined {
  if (typeof value !== 'string') return undefined;
  let known = cache.get(kind);
  if (!known) {
    known = new Map();
    cache.set(kind, known);
  }
  let result = known.get(value);
  if (result === undefined) {
    result = normalized(kind, value);
    if (known.size >= CACHE_LIMIT) known.delete(known.keys().next().value!);
    known.set(value, result);
  }
  return result === null ? undefined : { kind, value: result };
}
