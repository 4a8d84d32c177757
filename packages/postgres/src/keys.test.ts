import { describe, expect, it } from 'vitest';
import { keyParam, MAX_KEY_BYTES, storedKey } from './keys.js';

describe('storedKey', () => {
  it('keeps a key up to MAX_KEY_BYTES of UTF-8 as it is, and digests a longer one', () => {
    const fits = 'é'.repeat(MAX_KEY_BYTES / 2);
    expect(storedKey(fits)).toBe(fits);
    const long = `${fits}x`;
    expect(storedKey(long).startsWith('\u0001sha256:')).toBe(true);
    expect(storedKey(long).slice(8)).toMatch(/^[0-9a-f]{64}$/);
    expect(storedKey(long)).not.toBe(storedKey(`${fits}y`));
  });

  it("digests a key that looks like a digest, so no key is stored in another one's form", () => {
    const digest = storedKey('k'.repeat(MAX_KEY_BYTES + 1));
    expect(storedKey(digest)).not.toBe(digest);
    expect(storedKey(digest).startsWith('\u0001sha256:')).toBe(true);
  });

  it('takes the key as text keeps it first (keyParam)', () => {
    expect(keyParam('t\ud800')).toBe('t\ufffd');
    expect(keyParam(`${'k'.repeat(MAX_KEY_BYTES)}\u0000`)).toBe(
      storedKey(`${'k'.repeat(MAX_KEY_BYTES)}\ufffd`),
    );
  });
});
