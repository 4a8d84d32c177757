import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormed } from './well-formed.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);

describe('wellFormed', () => {
  it('replaces U+0000 and unpaired surrogates with U+FFFD, keeping pairs (emoji)', () => {
    expect(wellFormed('a\u0000b')).toBe('a\uFFFDb');
    expect(wellFormed('x\uD83D')).toBe('x\uFFFD');
    expect(wellFormed('\uDE00x')).toBe('\uFFFDx');
    expect(wellFormed('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
    expect(wellFormed('ok 😀 é')).toBe('ok 😀 é');
    const plain = 'nothing to do';
    expect(wellFormed(plain)).toBe(plain);
  });

  it('gives what UTF-8 keeps of any string, with U+0000 as U+FFFD (an independent encoder)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const viaUtf8 = Buffer.from(text, 'utf8').toString('utf8').replaceAll('\u0000', '\uFFFD');
        expect(wellFormed(text)).toBe(viaUtf8);
        expect(wellFormed(wellFormed(text))).toBe(wellFormed(text));
      }),
      { seed: 4242, numRuns },
    );
  });
});
