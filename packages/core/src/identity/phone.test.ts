import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors.js';
import { canonicalPhone, normalizePhone, normalizeWaId } from './phone.js';

// The example mobile numbers of every territory in Google's libphonenumber metadata, as shipped by
// libphonenumber-js (the shared fixture folder identity/libphonenumber named in SOURCES.md is absent).
const territories = Object.entries(examples as Record<string, string>);

describe('normalizePhone over the example numbers of every territory', () => {
  it('covers over 200 territories', () => {
    expect(territories.length).toBeGreaterThan(200);
  });
  it('turns each national example, read in its own region, into E.164', () => {
    const failures: string[] = [];
    for (const [region, national] of territories) {
      const expected = `+${getCountryCallingCode(region as CountryCode)}${national}`;
      const got = normalizePhone(national, region as CountryCode);
      if (got !== expected) failures.push(`${region}: ${national} → ${got}, expected ${expected}`);
      // Written internationally, it normalizes the same without a default region.
      if (normalizePhone(expected) !== expected) failures.push(`${region}: ${expected} not stable`);
    }
    expect(failures).toEqual([]);
  });
});

describe('normalizePhone', () => {
  it('reads formatted numbers with a default region', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('tel:+44 20 7946 0958')).toBe('+442079460958');
  });
  it('a different default region gives a different number for the same digits', () => {
    expect(normalizePhone('0612345678', 'NL')).toBe('+31612345678');
    expect(normalizePhone('0612345678', 'FR')).toBe('+33612345678');
  });
  it('refuses what cannot be a phone number, saying why', () => {
    for (const bad of ['', 'hello', '12', '+1 415 555 26710000', 'x'.repeat(100)]) {
      expect(() => normalizePhone(bad, 'US'), bad).toThrow(/Invalid phone number/);
    }
    let error: unknown;
    try {
      normalizePhone('4155552671');
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/no country code and no default region/);
  });
});

describe('WhatsApp ids and the Brazilian ninth digit', () => {
  it('normalizes wa_ids to digits', () => {
    expect(normalizeWaId('+14155552671')).toBe('14155552671');
    expect(normalizeWaId('14155552671@c.us')).toBe('14155552671');
    expect(() => normalizeWaId('abc')).toThrow(/expected 6 to 15 digits/);
  });
  it('treats +55 31 8888-8888 and +55 31 9 8888-8888 as one mobile', () => {
    expect(canonicalPhone('+553188888888')).toBe('+5531988888888');
    expect(canonicalPhone('+5531988888888')).toBe('+5531988888888');
  });
  it('leaves Brazilian landlines and other countries alone', () => {
    expect(canonicalPhone('+553133334444')).toBe('+553133334444');
    expect(canonicalPhone('+14155552671')).toBe('+14155552671');
  });
  it('accepts the 8-digit WhatsApp form of a Brazilian mobile as a wa_id', () => {
    expect(normalizeWaId('553188888888')).toBe('553188888888');
  });
});
