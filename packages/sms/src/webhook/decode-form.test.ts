import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeForm } from './parse.js';

// decodeForm reads the usual body by hand: it must give exactly what URLSearchParams gives.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 500);
const reference = (text: string) => Object.fromEntries(new URLSearchParams(text));

describe('decodeForm', () => {
  it('equals Object.fromEntries(new URLSearchParams(text)), keys in the same order', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '&',
        '=',
        '+',
        '%',
        '?',
        '%2B',
        '%3A',
        '%20',
        '%zz',
        '%E2%82',
        '%E2%82%AC',
        '%F0%9F%98%80',
      ),
      fc.constantFrom(
        '%ED%A0%80',
        '%C0%AF',
        '__proto__',
        'constructor',
        '0',
        '1',
        'From',
        'Body',
        '%25',
        '%00',
      ),
      fc.string({ maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    const body = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, (text) => {
        const out = decodeForm(text);
        const expected = reference(text);
        expect(out).toStrictEqual(expected);
        expect(Object.keys(out)).toEqual(Object.keys(expected));
      }),
      { seed: 17, numRuns },
    );
  });

  it('reads a Twilio body, repeated names and names without a value', () => {
    const text = new URLSearchParams({
      From: 'whatsapp:+14155550123',
      Body: 'Héllo + 100% 😀 & more = fun',
      NumMedia: '0',
    }).toString();
    expect(decodeForm(text)).toEqual({
      From: 'whatsapp:+14155550123',
      Body: 'Héllo + 100% 😀 & more = fun',
      NumMedia: '0',
    });
    expect(decodeForm('a=1&a=2&b&=x&&c==d')).toStrictEqual(reference('a=1&a=2&b&=x&&c==d'));
    expect(decodeForm('?a=1')).toEqual({ a: '1' });
  });

  it('stays linear on many names without a value', () => {
    const text = `${'a&'.repeat(200_000)}b=1`;
    expect(Object.keys(decodeForm(text))).toEqual(['a', 'b']);
  });
});
