import { describe, expect, it } from 'vitest';
import { countSegments } from './segments.js';

describe('countSegments', () => {
  it('counts a short GSM-7 text as one 160-septet segment', () => {
    expect(countSegments('Your order has shipped')).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      charactersPerSegment: 160,
      length: 22,
      remainingInSegment: 138,
      nonGsmCharacters: [],
    });
  });

  it('switches to 153-septet segments past 160', () => {
    expect(countSegments('a'.repeat(160))).toMatchObject({
      segments: 1,
      charactersPerSegment: 160,
      length: 160,
    });
    expect(countSegments('a'.repeat(161))).toMatchObject({
      segments: 2,
      charactersPerSegment: 153,
      length: 161,
    });
    expect(countSegments('a'.repeat(306))).toMatchObject({ segments: 2, remainingInSegment: 0 });
    expect(countSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(countSegments('a'.repeat(1600)).segments).toBe(11);
  });

  it('counts extension-table characters as two septets', () => {
    expect(countSegments('€').length).toBe(2);
    expect(countSegments('[x]{y}|~^\\').length).toBe(18);
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, length: 160 });
    expect(countSegments('€'.repeat(81))).toMatchObject({ segments: 2, length: 162 });
  });

  it('never splits an escape pair across segments', () => {
    // 152 plain septets then a €: the € does not fit in the 1 septet left, so it opens segment 2.
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const result = countSegments(text);
    expect(result.length).toBe(164);
    expect(result.segments).toBe(2);
    expect(result.remainingInSegment).toBe(153 - 12);
  });

  it('uses UCS-2 when any character is outside GSM 03.38, with 70/67 code units', () => {
    expect(countSegments('Thanks! 🙏')).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      charactersPerSegment: 70,
      length: 10,
    });
    expect(countSegments('ç'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSegments('ç'.repeat(71))).toMatchObject({
      encoding: 'UCS-2',
      segments: 2,
      charactersPerSegment: 67,
    });
    expect(countSegments('Привет').nonGsmCharacters).toEqual(['П', 'р', 'и', 'в', 'е', 'т']);
    // Ç (capital) is GSM-7, ç is not: a classic trap.
    expect(countSegments('Ç').encoding).toBe('GSM-7');
  });

  it('never splits a surrogate pair across UCS-2 segments', () => {
    const text = `${'ж'.repeat(66)}😀`; // 66 + 2 = 68 units > 67 in a multi-part message
    const result = countSegments(`${text}${'ж'.repeat(10)}`);
    expect(result.length).toBe(78);
    expect(result.segments).toBe(2);
    expect(result.remainingInSegment).toBe(67 - 12);
  });

  it('treats the empty text as one empty segment', () => {
    expect(countSegments('')).toMatchObject({ encoding: 'GSM-7', segments: 1, length: 0 });
  });
});
