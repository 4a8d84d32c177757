import { adapterConformanceCases } from '@omnithread/core/testing';
import { describe, it } from 'vitest';
import { createSmsAdapter } from '../src/index.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  CUSTOMER,
  inboundMms,
  inboundSms,
  inboundWhatsApp,
  OUR_NUMBER,
  signedRequest,
  statusCallback,
  whatsAppButtonReply,
  whatsAppLocation,
  withBody,
} from './payloads.js';

const AT = '2026-03-02T10:00:00.000Z';
const envelope = (params: Record<string, string>) => ({ params, receivedAt: AT });
const paramsOf = (payload: unknown) => (payload as { params: Record<string, string> }).params;

describe('sms adapter conformance', () => {
  const cases = adapterConformanceCases({
    create: () => createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: OUR_NUMBER }),
    validPayloads: [
      envelope(inboundSms),
      envelope(inboundMms),
      envelope(inboundWhatsApp),
      envelope(whatsAppLocation),
      envelope(whatsAppButtonReply),
      envelope(withBody(inboundSms, 'STOP', 'SM00000000000000000000000000000stp')),
      envelope(
        statusCallback('SM1342fe1b2c904d1ab04f0fc7a58abca9', 'delivered', { RawDlrDoneDate: '2603021004' }),
      ),
      envelope(statusCallback('SM1342fe1b2c904d1ab04f0fc7a58abca9', 'undelivered', { ErrorCode: '30005' })),
    ],
    invalidPayloads: [
      envelope({ From: CUSTOMER, Body: 'no sid' }),
      envelope({ ...inboundSms, From: '' }),
      envelope({ ...inboundSms, MessageSid: 'not-a-sid', SmsSid: '', SmsMessageSid: '' }),
      'Body=hello&From=%2B14155550123',
      42,
    ],
    signedRequest: (payload) => signedRequest(paramsOf(payload)),
    unsignedRequest: (payload) => signedRequest(paramsOf(payload), { signature: null }),
    badlySignedRequest: (payload) => signedRequest(paramsOf(payload), { token: 'not-the-auth-token' }),
  });
  for (const c of cases) it(c.name, c.run);
});
