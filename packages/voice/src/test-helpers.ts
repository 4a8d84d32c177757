import { twilioSignature } from '@omnithread/core';

/** Twilio payloads and request signing shared by the adapter and hub tests. */

export const AUTH_TOKEN = '12345678901234567890123456789012';
export const URL_ = 'https://example.com/webhooks/voice';
export const CALL_SID = 'CA0123456789abcdef0123456789abcdef';

export const callStatus = {
  AccountSid: 'AC00000000000000000000000000000000',
  CallSid: CALL_SID,
  CallStatus: 'completed',
  CallDuration: '42',
  Direction: 'inbound',
  From: '+14155550100',
  To: '+14155550199',
  CallerName: 'Jane Doe',
  Timestamp: 'Mon, 02 Mar 2026 15:00:00 +0000',
  ApiVersion: '2010-04-01',
};

export const transcription = {
  AccountSid: 'AC00000000000000000000000000000000',
  CallSid: CALL_SID,
  TranscriptionSid: 'TR0123456789abcdef0123456789abcdef',
  TranscriptionStatus: 'completed',
  TranscriptionText: 'Hi, my order never arrived, call me back on 415 555 0100.',
  RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1',
  From: '+14155550100',
  To: '+14155550199',
};

/** A Twilio-signed request: form posts signed over the params, JSON over the body's SHA-256 in the URL. */
export async function signed(
  payload: unknown,
  options: { token?: string; signature?: string | null } = {},
): Promise<Request> {
  const isForm =
    typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload) &&
    Object.values(payload).every((v) => typeof v === 'string');
  let url = URL_;
  let body: string;
  let signature: string;
  if (isForm) {
    body = new URLSearchParams(payload as Record<string, string>).toString();
    signature = twilioSignature(options.token ?? AUTH_TOKEN, url, payload as Record<string, string>);
  } else {
    body = JSON.stringify(payload);
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString(
      'hex',
    );
    url = `${URL_}?bodySHA256=${hash}`;
    signature = twilioSignature(options.token ?? AUTH_TOKEN, url, {});
  }
  const headers: Record<string, string> = {
    'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json',
  };
  const header = options.signature === undefined ? signature : options.signature;
  if (header !== null) headers['x-twilio-signature'] = header;
  return new Request(url, { method: 'POST', headers, body });
}
