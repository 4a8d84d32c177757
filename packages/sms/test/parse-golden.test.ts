import { outputDigest, recordedDigests } from '@omnithread/core/testing';
import { createSmsAdapter } from '@omnithread/sms';
import { describe, expect, it } from 'vitest';
import * as payloads from './payloads.js';

// Speed work must not change a single output: a digest of what `parse` gives for every payload of
// the tests (as a record, a form body and an envelope), recorded before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);
const RECEIVED = '2026-11-17T08:05:00.000Z';

describe('parse outputs stay exactly as recorded', () => {
  const sms = createSmsAdapter({
    accountSid: payloads.ACCOUNT_SID,
    authToken: payloads.AUTH_TOKEN,
    from: payloads.OUR_NUMBER,
    clock: () => new Date(RECEIVED),
  });
  const cases: Record<string, Record<string, string>> = {
    inboundSms: payloads.inboundSms,
    inboundMms: payloads.inboundMms,
    inboundWhatsApp: payloads.inboundWhatsApp,
    whatsAppLocation: payloads.whatsAppLocation,
    whatsAppButtonReply: payloads.whatsAppButtonReply,
    stop: payloads.withBody(payloads.inboundSms, ' Stop! '),
    start: payloads.withBody(payloads.inboundSms, 'START'),
    help: payloads.withBody(payloads.inboundSms, 'help'),
    accents: payloads.withBody(payloads.inboundSms, 'Olá + 100% 😀 & = ok'),
    delivered: payloads.statusCallback('SM3558804311501f712c1b4772546a80e0', 'delivered', {
      RawDlrDoneDate: '2611170805',
    }),
    failed: payloads.statusCallback('SM3558804311501f712c1b4772546a80e0', 'failed', { ErrorCode: '30008' }),
    unknownStatus: payloads.statusCallback('SM3558804311501f712c1b4772546a80e0', 'teleported'),
    noSid: { From: payloads.CUSTOMER, Body: 'hi' },
  };
  const actual: Record<string, string> = {};
  for (const [name, params] of Object.entries(cases)) {
    actual[name] = outputDigest(() => sms.parse({ params, receivedAt: RECEIVED }));
    actual[`${name} (form body)`] = outputDigest(() =>
      sms.parse({ params: new URLSearchParams(params).toString(), receivedAt: RECEIVED }),
    );
    actual[`${name} (bare)`] = outputDigest(() => sms.parse(params));
  }

  it('every payload of the tests', () => {
    expect(actual).toEqual(recordedDigests(GOLDEN, actual));
  });
});
