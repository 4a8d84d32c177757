import { ValidationError } from '../errors.js';
import type { Identity } from '../model/identity.js';
import { wellFormed } from '../security/well-formed.js';
import { normalizeEmail } from './email.js';
import { type CountryCode, canonicalPhone, normalizePhone, normalizeWaId, waIdToE164 } from './phone.js';

export interface IdentityOptions {
  /** Region for phone numbers written without a country code, e.g. `'US'`. */
  defaultRegion?: CountryCode;
  /**
   * `phone` and `whatsapp` identities of one number are one person (DESIGN.md). Turn off only when
   * your WhatsApp numbers are not your customers' phones.
   */
  samePersonAcrossPhoneChannels?: boolean;
  /**
   * Compare email local parts case-sensitively. RFC 5321 allows a server to, but no mainstream
   * provider does, and `Jane@x.org` and `jane@x.org` are one person in practice. Default false.
   */
  emailLocalPartCaseSensitive?: boolean;
}

const OPAQUE_NUMERIC = /^\d{1,32}$/;
// Business-scoped user ids: a country prefix, a dot, then an id; parent ids contain an `ENT` segment.
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,64}$/;

function fail(kind: string, value: string, why: string): never {
  throw new ValidationError(`Invalid ${kind} identity ${JSON.stringify(value.slice(0, 80))}: ${why}`, {
    path: `${kind}.value`,
  });
}

/**
 * Returns the identity in its normalized form, or throws a `ValidationError` naming what is wrong.
 *
 * @example
 * ```ts
 * normalizeIdentity({ kind: 'phone', value: '(415) 555-2671' }, { defaultRegion: 'US' });
 * // { kind: 'phone', value: '+14155552671' }
 * normalizeIdentity({ kind: 'whatsapp-lid', value: '1234567890@lid' });
 * // { kind: 'whatsapp-lid', value: '1234567890' }
 * ```
 */
export function normalizeIdentity(identity: Identity, options: IdentityOptions = {}): Identity {
  if (typeof identity !== 'object' || identity === null)
    throw new ValidationError('An identity must be an object');
  if (typeof identity.kind !== 'string' || identity.kind.length === 0)
    throw new ValidationError('An identity needs a kind', { path: 'kind' });
  // As every store keeps it (no U+0000, no half surrogate pairs): a key must read back as itself.
  const kind = wellFormed(identity.kind);
  if (typeof identity.value !== 'string') fail(kind, String(identity.value), 'the value must be a string');
  const value = wellFormed(identity.value.trim());
  if (value.length === 0) fail(kind, value, 'empty');
  switch (kind) {
    case 'email':
      return { kind, value: normalizeEmail(value) };
    case 'phone':
      return { kind, value: normalizePhone(value, options.defaultRegion) };
    case 'whatsapp':
      return { kind, value: normalizeWaId(value) };
    case 'whatsapp-bsuid':
      if (!BSUID.test(value))
        fail(kind, value, 'expected a business-scoped user id such as "US.13491208655302741918"');
      return { kind, value };
    case 'whatsapp-lid': {
      const lid = value.replace(/@lid$/, '');
      if (!OPAQUE_NUMERIC.test(lid)) fail(kind, value, 'expected the digits of a "…@lid" id');
      return { kind, value: lid };
    }
    case 'x':
      if (!OPAQUE_NUMERIC.test(value))
        fail(kind, value, 'expected the numeric user id (handles change; ids do not)');
      return { kind, value };
    case 'messenger':
    case 'instagram':
      if (!OPAQUE_NUMERIC.test(value)) fail(kind, value, 'expected a numeric page-scoped id');
      return { kind, value };
    default:
      if (value.length > 512) fail(kind, value, 'longer than 512 characters');
      return { kind, value };
  }
}

/**
 * The lookup key of a normalized identity: two identities with one key are one person. Phone and
 * WhatsApp ids of one number share a key (unless turned off), and so do the two forms of a
 * Brazilian mobile.
 */
export function identityKey(identity: Identity, options: IdentityOptions = {}): string {
  switch (identity.kind) {
    case 'email':
      return `email:${options.emailLocalPartCaseSensitive ? identity.value : identity.value.toLowerCase()}`;
    case 'phone':
      return `phone:${canonicalPhone(identity.value)}`;
    case 'whatsapp':
      return options.samePersonAcrossPhoneChannels === false
        ? `whatsapp:${canonicalPhone(waIdToE164(identity.value)).slice(1)}`
        : `phone:${canonicalPhone(waIdToE164(identity.value))}`;
    default:
      return `${identity.kind}:${identity.value}`;
  }
}

/** Two identities name the same person by the equivalence rules (same key). */
export function sameIdentity(a: Identity, b: Identity, options: IdentityOptions = {}): boolean {
  return identityKey(a, options) === identityKey(b, options);
}

/** A short human form for reasons and logs: `phone +14155552671`, `X user 1234`. */
export function describeIdentity(identity: Identity): string {
  switch (identity.kind) {
    case 'email':
      return `email ${identity.value}`;
    case 'phone':
      return `phone ${identity.value}`;
    case 'whatsapp':
      return `WhatsApp +${identity.value}`;
    case 'whatsapp-bsuid':
      return `WhatsApp user ${identity.value}`;
    case 'whatsapp-lid':
      return `WhatsApp LID ${identity.value}`;
    case 'x':
      return `X user ${identity.value}`;
    default:
      return `${identity.kind} ${identity.value}`;
  }
}
