import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFilename } from './filename.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['C:\\Windows\\system32\\CON.txt', '_CON.txt'],
    ['/absolute/path/report.pdf', 'report.pdf'],
    ['..', 'attachment'],
    ['.', 'attachment'],
    ['...', 'attachment'],
    ['.bashrc', 'bashrc'],
    ['', 'attachment'],
    ['   ', 'attachment'],
    ['dir/', 'dir'],
    ['NUL', '_NUL'],
    ['com1.tar.gz', '_com1.tar.gz'],
    ['lpt9', '_lpt9'],
    ['consent.pdf', 'consent.pdf'],
    ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['a\u0000b\r\nc.txt', 'abc.txt'],
    ['what?<is>:this*|".doc', 'what__is__this___.doc'],
    ['report.pdf. . .', 'report.pdf'],
    ['\ud800lone.txt', 'lone.txt'],
    ['Résumé – Jane.pdf', 'Résumé – Jane.pdf'],
    ['C:drive.txt', 'C_drive.txt'],
  ])('%j → %j', (input, expected) => {
    expect(safeFilename(input)).toBe(expected);
  });
  it('wrong types and the fallback', () => {
    expect(safeFilename(undefined)).toBe('attachment');
    expect(safeFilename(42)).toBe('attachment');
    expect(safeFilename('../', { fallback: 'file.bin' })).toBe('file.bin');
  });
  it('caps the length in UTF-8 bytes and keeps the extension', () => {
    const long = `${'é'.repeat(500)}.pdf`;
    const safe = safeFilename(long);
    expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(200);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safeFilename(`${'a'.repeat(300)}.tar.gz`, { maxBytes: 50 })).toBe(`${'a'.repeat(47)}.gz`);
    expect(safeFilename('x'.repeat(1_000_000)).length).toBe(200);
  });
  it('any string becomes one harmless path segment', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
        (name) => {
          const safe = safeFilename(name);
          expect(safe.length).toBeGreaterThan(0);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
          expect(safe).not.toMatch(/[/\\<>:"|?*\u0000-\u001f]/);
          expect(safe).not.toMatch(/^\./);
          expect(safe).not.toBe('..');
          expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(200);
          expect(safeFilename(safe)).toBe(safe);
        },
      ),
      { seed: 2020, numRuns },
    );
  });
});
