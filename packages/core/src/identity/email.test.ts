import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors.js';
import { normalizeEmail, stripDisplayName } from './email.js';

// The isemail suite (dominicsayers/isemail): 164 addresses, each with the category of its validity.
const xml = readFileSync(
  new URL('../../../../../shared/fixtures/identity/isemail/tests.xml', import.meta.url),
  'utf8',
);

function decodeXml(text: string): string {
  return (
    text
      .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&')
      // The suite writes control characters as their Unicode "symbol for" (U+2400 + code).
      .replace(/[\u2400-\u241f]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x2400))
      .replace(/\u2421/g, '\u007f')
  );
}

const cases = [...xml.matchAll(/<test id="(\d+)">([\s\S]*?)<\/test>/g)].map(([, id, body]) => ({
  id: Number(id),
  address: decodeXml(/<address>([\s\S]*?)<\/address>/.exec(body!)?.[1] ?? ''),
  category: /<category>(\w+)<\/category>/.exec(body!)![1]!,
  diagnosis: /<diagnosis>(\w+)<\/diagnosis>/.exec(body!)![1]!,
}));

/**
 * Our policy per isemail category: addresses a reply can be sent to (valid, DNS warnings we do not
 * check, RFC 5321 quoted strings and address literals) are accepted; comments and folding white space
 * around the address are accepted and dropped; obsolete syntax, RFC 5322-only forms and errors are
 * refused.
 */
const ACCEPTED = new Set(['ISEMAIL_VALID_CATEGORY', 'ISEMAIL_DNSWARN', 'ISEMAIL_RFC5321', 'ISEMAIL_CFWS']);

describe('normalizeEmail over the isemail suite', () => {
  it('reads all 164 cases', () => {
    expect(cases).toHaveLength(164);
  });
  for (const c of cases) {
    const expected = ACCEPTED.has(c.category) && c.diagnosis !== 'ISEMAIL_RFC5321_IPV6DEPRECATED';
    it(`#${c.id} ${JSON.stringify(c.address).slice(0, 60)} → ${expected ? 'accepted' : 'refused'} (${c.diagnosis})`, () => {
      if (expected) {
        const normalized = normalizeEmail(c.address);
        expect(normalized).toContain('@');
        expect(normalized).not.toMatch(/^\s|\s$/);
      } else {
        let error: unknown;
        try {
          normalizeEmail(c.address);
        } catch (e) {
          error = e;
        }
        expect(isValidationError(error), `expected a ValidationError for ${JSON.stringify(c.address)}`).toBe(
          true,
        );
        expect((error as Error).message).toMatch(/^Invalid email address/);
      }
    });
  }
});

describe('normalizeEmail', () => {
  it('strips display names and lower-cases only the domain', () => {
    expect(normalizeEmail('"Jane Doe" <Jane.Doe@Example.ORG>')).toBe('Jane.Doe@example.org');
    expect(normalizeEmail('Jane <jane@x.org>')).toBe('jane@x.org');
    expect(normalizeEmail('  <jane@x.org>  ')).toBe('jane@x.org');
    expect(stripDisplayName('jane@x.org')).toBe('jane@x.org');
  });
  it('drops surrounding comments and folding white space', () => {
    expect(normalizeEmail('(work) jane@x.org')).toBe('jane@x.org');
    expect(normalizeEmail('\r\n jane@x.org')).toBe('jane@x.org');
  });
  it('accepts internationalized addresses', () => {
    expect(normalizeEmail('josé@bücher.de')).toBe('josé@bücher.de');
  });
  it('names the problem in the error', () => {
    expect(() => normalizeEmail('jane@@x.org')).toThrow(/more than one "@"/);
    expect(() => normalizeEmail('jane.x.org')).toThrow(/no "@"/);
    expect(() => normalizeEmail('jane@-x.org')).toThrow(/starting or ending with "-"/);
    expect(() => normalizeEmail(`${'a'.repeat(65)}@x.org`)).toThrow(/64 octets/);
  });
  it('refuses huge inputs quickly', () => {
    expect(() => normalizeEmail(`${'a'.repeat(100_000)}@x.org`)).toThrow(/longer than any email address/);
  });
});
