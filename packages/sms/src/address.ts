import type { Identity } from '@omnithread/core';

/**
 * Twilio addresses: `+15551234567` (a phone), `whatsapp:+15551234567` (Twilio's WhatsApp sender or
 * user), `rcs:…`, short codes (`12345`) and alphanumeric sender IDs (`ACME`).
 */

const E164 = /^\+[1-9]\d{5,14}$/;

/** The channel prefix of an address (`whatsapp`, `rcs`, `messenger`), or undefined for a plain number. */
export function channelPrefix(address: string): string | undefined {
  const match = /^([a-z]+):/i.exec(address.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

/** The address without its channel prefix: `whatsapp:+1555…` → `+1555…`. */
export function stripChannelPrefix(address: string): string {
  return address.trim().replace(/^[a-z]+:/i, '');
}

/** The model channel of a Twilio address: `whatsapp` for `whatsapp:` senders, `sms` for the rest (RCS falls back to SMS). */
export function channelOfAddress(address: string | undefined): 'sms' | 'whatsapp' {
  return address !== undefined && channelPrefix(address) === 'whatsapp' ? 'whatsapp' : 'sms';
}

/**
 * The identity of a Twilio address. Phones and WhatsApp numbers get the kinds the core knows
 * (`phone` E.164, `whatsapp` wa_id digits), so one number on SMS and WhatsApp is one person; short
 * codes and alphanumeric senders get their own opaque kind instead of failing phone validation.
 */
export function addressIdentity(address: string, waId?: string): Identity {
  const prefix = channelPrefix(address);
  const bare = stripChannelPrefix(address);
  if (prefix === 'whatsapp') {
    const digits = waId && /^\d{6,15}$/.test(waId) ? waId : bare.replace(/^\+/, '');
    return { kind: 'whatsapp', value: digits };
  }
  if (E164.test(bare)) return { kind: 'phone', value: bare };
  return { kind: 'twilio-address', value: bare };
}
