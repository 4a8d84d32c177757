import { isConfigurationError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SID, AUTH_TOKEN } from '../test/payloads.js';
import { createSmsAdapter } from './adapter.js';
import type { SmsAdapterConfig } from './config.js';

const settingOf = (config: unknown): string | undefined => {
  try {
    createSmsAdapter(config as SmsAdapterConfig);
    return undefined;
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true);
    return (error as { setting: string }).setting;
  }
};

describe('createSmsAdapter config', () => {
  it('names the missing or wrong setting', () => {
    expect(settingOf(undefined)).toBe('config');
    expect(settingOf({ authToken: AUTH_TOKEN })).toBe('accountSid');
    expect(settingOf({ accountSid: 'SK123', authToken: AUTH_TOKEN })).toBe('accountSid');
    expect(settingOf({ accountSid: ACCOUNT_SID })).toBe('authToken');
    expect(settingOf({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: 'MGnope' })).toBe(
      'messagingServiceSid',
    );
    expect(settingOf({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicBaseUrl: 'example.com' })).toBe(
      'publicBaseUrl',
    );
    expect(settingOf({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, client: {} })).toBe('client');
    expect(settingOf({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, retry: { retries: -1 } })).toBe(
      'retry.retries',
    );
  });

  it('declares the sms channel, Twilio WhatsApp as a second channel, and its capabilities', () => {
    const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    expect(sms.channel).toBe('sms');
    expect(sms.alsoSends).toEqual(['whatsapp']);
    expect(sms.capabilities).toMatchObject({
      maxTextLength: 1600,
      threaded: false,
      identityKinds: ['phone', 'whatsapp'],
    });
    expect(sms.countSegments('héllo').encoding).toBe('GSM-7');
  });

  it("applies WhatsApp's 24-hour window to WhatsApp conversations only", () => {
    const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const at = '2026-03-02T10:00:00.000Z';
    const inbound = (channel: string) =>
      ({ channel, sentAt: at }) as Parameters<typeof sms.replyWindow & object>[1];
    const later = new Date('2026-03-03T11:00:00.000Z');
    const conversation = {} as Parameters<typeof sms.replyWindow & object>[0];
    expect(sms.replyWindow?.(conversation, inbound('sms'), later)).toEqual({ open: true });
    expect(sms.replyWindow?.(conversation, inbound('whatsapp'), later)).toEqual({
      open: false,
      closesAt: '2026-03-03T10:00:00.000Z',
    });
    expect(sms.replyWindow?.(conversation, inbound('whatsapp'), new Date('2026-03-02T20:00:00Z'))?.open).toBe(
      true,
    );
  });
});
