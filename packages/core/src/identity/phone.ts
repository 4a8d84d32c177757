import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js';
import { ValidationError } from '../errors.js';

export type { CountryCode } from 'libphonenumber-js';

/**
 * Normalizes a phone number to E.164 (`+15551234567`). Numbers written without a country code are
 * read in `defaultRegion`. Refuses what cannot be a phone number with a `ValidationError`.
 *
 * @example
 * ```ts
 * normalizePhone('(415) 555-2671', 'US'); // '+14155552671'
 * normalizePhone('tel:+44 20 7946 0958'); // '+442079460958'
 * ```
 */
export function normalizePhone(input: string, defaultRegion?: CountryCode): string {
  if (typeof input !== 'string')
    throw new ValidationError('A phone number must be a string', { path: 'phone' });
  // One map a default region, so a lookup needs no concatenated key.
  const region = defaultRegion ?? '';
  let cache = caches.get(region);
  if (cache === undefined) {
    cache = new Map();
    caches.set(region, cache);
  }
  const cached = cache.get(input);
  if (cached !== undefined) return cached;
  const e164 = parsePhone(input, defaultRegion);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(input, e164);
  return e164;
}

// Parsing a number is the costliest step of an ingest, and the same customers write again and
// again: remember recent results (bounded, oldest evicted first). Failures are not cached.
const CACHE_LIMIT = 10_000;
const caches = new Map<string, Map<string, string>>();

function parsePhone(input: string, defaultRegion?: CountryCode): string {
  const text = input.trim().replace(/^tel:/i, '');
  if (text.length === 0 || text.length > 64) {
    throw new ValidationError(
      `Invalid phone number ${JSON.stringify(input.slice(0, 64))}: empty or too long`,
      {
        path: 'phone',
      },
    );
  }
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(text, defaultRegion ? { defaultCountry: defaultRegion } : {});
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const hint = !defaultRegion && !text.startsWith('+') ? ' (no country code and no default region)' : '';
    throw new ValidationError(`Invalid phone number ${JSON.stringify(input)}: ${why}${hint}`, {
      path: 'phone',
      cause,
    });
  }
  if (!parsed.isPossible()) {
    throw new ValidationError(
      `Invalid phone number ${JSON.stringify(input)}: not a possible number for +${parsed.countryCallingCode}`,
      {
        path: 'phone',
      },
    );
  }
  return parsed.number;
}

const WA_ID = /^\d{6,15}$/;

/**
 * Normalizes a WhatsApp id (`wa_id`, the number in digits, no `+`) and checks it is a possible phone
 * number. Accepts `+`, spaces and a whatsapp-web.js `@c.us` suffix.
 */
export function normalizeWaId(input: string): string {
  // What providers send (bare digits) skips the clean-up below; the possibility check still runs (cached).
  if (typeof input === 'string' && WA_ID.test(input)) {
    normalizePhone(`+${input}`);
    return input;
  }
  const digits = String(input)
    .trim()
    .replace(/@c\.us$|@s\.whatsapp\.net$/, '')
    .replace(/^\+/, '')
    .replace(/[\s-]/g, '');
  if (!WA_ID.test(digits)) {
    throw new ValidationError(
      `Invalid WhatsApp id ${JSON.stringify(String(input).slice(0, 64))}: expected 6 to 15 digits`,
      {
        path: 'whatsapp',
      },
    );
  }
  // Only check possibility: wa_ids of old Brazilian mobiles lack the ninth digit yet are real.
  normalizePhone(`+${digits}`);
  return digits;
}

/**
 * The canonical form used to decide that two phone numbers are one line. Brazilian mobiles gained a
 * ninth digit (a leading 9) in 2012-2016, but WhatsApp ids often still lack it: `+55 31 8888-8888`
 * and `+55 31 9 8888-8888` are the same phone. Landlines (subscriber numbers starting 2-5) are not
 * touched.
 */
export function canonicalPhone(e164: string): string {
  const m = /^\+55([1-9]\d)([6-9]\d{7})$/.exec(e164);
  return m ? `+55${m[1]}9${m[2]}` : e164;
}

/** The E.164 form of a wa_id. */
export function waIdToE164(waId: string): string {
  return `+${waId}`;
}

/** The wa_id form of an E.164 number. */
export function e164ToWaId(e164: string): string {
  return e164.replace(/^\+/, '');
}
