import { describe, expect, it } from 'vitest';
import { describeIdentity, identityKey, normalizeIdentity, sameIdentity } from './normalize.js';

describe('normalizeIdentity', () => {
  it.each([
    [
      { kind: 'email', value: ' "Ann" <Ann@Example.COM> ' },
      { kind: 'email', value: 'Ann@example.com' },
    ],
    [
      { kind: 'phone', value: '(415) 555-2671' },
      { kind: 'phone', value: '+14155552671' },
    ],
    [
      { kind: 'whatsapp', value: '+1 415 555 2671' },
      { kind: 'whatsapp', value: '14155552671' },
    ],
    [
      { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' },
      { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' },
    ],
    [
      { kind: 'whatsapp-bsuid', value: 'US.ENT.11815799212886844830' },
      { kind: 'whatsapp-bsuid', value: 'US.ENT.11815799212886844830' },
    ],
    [
      { kind: 'whatsapp-lid', value: '208340958134361@lid' },
      { kind: 'whatsapp-lid', value: '208340958134361' },
    ],
    [
      { kind: 'x', value: '1234567890123456789' },
      { kind: 'x', value: '1234567890123456789' },
    ],
    [
      { kind: 'messenger', value: '6789012345' },
      { kind: 'messenger', value: '6789012345' },
    ],
    [
      { kind: 'telegram', value: ' 42 ' },
      { kind: 'telegram', value: '42' },
    ],
  ])('%j → %j', (input, expected) => {
    expect(normalizeIdentity(input, { defaultRegion: 'US' })).toEqual(expected);
  });

  it.each([
    [{ kind: 'x', value: '@brand' }, /numeric user id/],
    [{ kind: 'whatsapp-bsuid', value: '13491208655302741918' }, /business-scoped user id/],
    [{ kind: 'whatsapp-lid', value: 'abc@lid' }, /digits of a/],
    [{ kind: 'instagram', value: 'some.handle' }, /page-scoped id/],
    [{ kind: 'email', value: 'not an email' }, /Invalid email address/],
    [{ kind: 'phone', value: 'call me' }, /Invalid phone number/],
    [{ kind: 'sms', value: '   ' }, /empty/],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeIdentity(input, { defaultRegion: 'US' })).toThrow(message);
  });
});

describe('identityKey: who is the same person', () => {
  it('phone and WhatsApp of one number are one person', () => {
    expect(
      sameIdentity({ kind: 'phone', value: '+14155552671' }, { kind: 'whatsapp', value: '14155552671' }),
    ).toBe(true);
  });
  it('unless the app turns that rule off', () => {
    expect(
      sameIdentity(
        { kind: 'phone', value: '+14155552671' },
        { kind: 'whatsapp', value: '14155552671' },
        { samePersonAcrossPhoneChannels: false },
      ),
    ).toBe(false);
  });
  it('a Brazilian wa_id without the ninth digit is the dialled mobile', () => {
    expect(
      sameIdentity({ kind: 'whatsapp', value: '553188888888' }, { kind: 'phone', value: '+5531988888888' }),
    ).toBe(true);
  });
  it('a BSUID and a LID are their own kinds, never a phone', () => {
    expect(identityKey({ kind: 'whatsapp-bsuid', value: 'US.1349' })).toBe('whatsapp-bsuid:US.1349');
    expect(identityKey({ kind: 'whatsapp-lid', value: '14155552671' })).not.toBe(
      identityKey({ kind: 'whatsapp', value: '14155552671' }),
    );
  });
  it('email local parts compare case-insensitively by default', () => {
    expect(sameIdentity({ kind: 'email', value: 'Ann@x.org' }, { kind: 'email', value: 'ann@x.org' })).toBe(
      true,
    );
    expect(
      sameIdentity(
        { kind: 'email', value: 'Ann@x.org' },
        { kind: 'email', value: 'ann@x.org' },
        { emailLocalPartCaseSensitive: true },
      ),
    ).toBe(false);
  });
  it('describes identities for reasons', () => {
    expect(describeIdentity({ kind: 'whatsapp', value: '14155552671' })).toBe('WhatsApp +14155552671');
    expect(describeIdentity({ kind: 'x', value: '42' })).toBe('X user 42');
  });
});
