import { twilioSignature } from '@omnithread/core';

/**
 * Webhook payloads built from the parameters Twilio documents for "Twilio's request to your incoming
 * message Webhook URL" and "Twilio's request to the StatusCallback URL" (twilio.com/docs/messaging),
 * with the values Twilio sends (SIDs of 34 characters, E.164 numbers, `whatsapp:` addresses).
 */

export const ACCOUNT_SID = 'AC1463d34872ec53122a2fb0dd7148521e';
export const AUTH_TOKEN = 'a3f1c2d4e5b6978812345678deadbeef';
export const OUR_NUMBER = '+15005550006';
export const CUSTOMER = '+14155550123';
export const BASE_URL = 'https://support.example.com';
export const WEBHOOK_URL = `${BASE_URL}/webhooks/sms`;

export const inboundSms: Record<string, string> = {
  ToCountry: 'US',
  ToState: 'CA',
  SmsMessageSid: 'SM3558804311501f712c1b4772546a80e0',
  NumMedia: '0',
  ToCity: 'SAN BRUNO',
  FromZip: '94107',
  SmsSid: 'SM3558804311501f712c1b4772546a80e0',
  FromState: 'CA',
  SmsStatus: 'received',
  FromCity: 'SAN FRANCISCO',
  Body: 'Hi, my order #1234 has not arrived yet',
  FromCountry: 'US',
  To: OUR_NUMBER,
  ToZip: '94030',
  NumSegments: '1',
  ReferralNumMedia: '0',
  MessageSid: 'SM3558804311501f712c1b4772546a80e0',
  AccountSid: ACCOUNT_SID,
  From: CUSTOMER,
  ApiVersion: '2010-04-01',
};

export const inboundMms: Record<string, string> = {
  ToCountry: 'US',
  MediaContentType0: 'image/jpeg',
  MediaContentType1: 'application/pdf',
  SmsMessageSid: 'MM258c7d2face97078418bc205b8683cf2',
  NumMedia: '2',
  SmsSid: 'MM258c7d2face97078418bc205b8683cf2',
  SmsStatus: 'received',
  Body: 'Here is the damaged box and the receipt',
  FromCountry: 'US',
  To: OUR_NUMBER,
  NumSegments: '1',
  ReferralNumMedia: '0',
  MessageSid: 'MM258c7d2face97078418bc205b8683cf2',
  AccountSid: ACCOUNT_SID,
  From: CUSTOMER,
  MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM258c7d2face97078418bc205b8683cf2/Media/ME88ee37a8772f605eb9a588dca17b62ba`,
  MediaUrl1: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM258c7d2face97078418bc205b8683cf2/Media/ME99ff48b9883f716fc0b699edb28c73cb`,
  ApiVersion: '2010-04-01',
};

export const inboundWhatsApp: Record<string, string> = {
  SmsMessageSid: 'SM257d0529a8938251516e56d5ec6ba46c',
  NumMedia: '0',
  ProfileName: 'Jane Doe',
  MessageType: 'text',
  SmsSid: 'SM257d0529a8938251516e56d5ec6ba46c',
  WaId: '14155550123',
  SmsStatus: 'received',
  Body: 'Following up on WhatsApp: any news?',
  To: `whatsapp:${OUR_NUMBER}`,
  NumSegments: '1',
  ReferralNumMedia: '0',
  MessageSid: 'SM257d0529a8938251516e56d5ec6ba46c',
  AccountSid: ACCOUNT_SID,
  From: `whatsapp:${CUSTOMER}`,
  ApiVersion: '2010-04-01',
};

export const whatsAppLocation: Record<string, string> = {
  SmsMessageSid: 'SM6b1f3c2d4e5f60718293a4b5c6d7e8f9',
  NumMedia: '0',
  ProfileName: 'Jane Doe',
  MessageType: 'location',
  SmsSid: 'SM6b1f3c2d4e5f60718293a4b5c6d7e8f9',
  WaId: '14155550123',
  SmsStatus: 'received',
  Body: '',
  To: `whatsapp:${OUR_NUMBER}`,
  Latitude: '37.7749',
  Longitude: '-122.4194',
  Address: '1 Market St, San Francisco, CA',
  Label: 'Pickup point',
  NumSegments: '1',
  ReferralNumMedia: '0',
  MessageSid: 'SM6b1f3c2d4e5f60718293a4b5c6d7e8f9',
  AccountSid: ACCOUNT_SID,
  From: `whatsapp:${CUSTOMER}`,
  ApiVersion: '2010-04-01',
};

export const whatsAppButtonReply: Record<string, string> = {
  AccountSid: ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  Body: 'Track my order',
  ButtonPayload: 'track-order',
  ButtonText: 'Track my order',
  From: 'whatsapp:+5531988888888',
  MessageSid: 'SMa1b2c3d4e5f60718293a4b5c6d7e8f90',
  MessageType: 'button',
  NumMedia: '0',
  NumSegments: '1',
  OriginalRepliedMessageSender: `whatsapp:${OUR_NUMBER}`,
  OriginalRepliedMessageSid: 'SM0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  ProfileName: 'João Silva',
  ReferralNumMedia: '0',
  SmsMessageSid: 'SMa1b2c3d4e5f60718293a4b5c6d7e8f90',
  SmsSid: 'SMa1b2c3d4e5f60718293a4b5c6d7e8f90',
  SmsStatus: 'received',
  To: `whatsapp:${OUR_NUMBER}`,
  WaId: '553188888888',
};

export function statusCallback(
  sid: string,
  status: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: OUR_NUMBER,
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    To: CUSTOMER,
    ...extra,
  };
}

export function withBody(params: Record<string, string>, body: string, sid?: string): Record<string, string> {
  const out = { ...params, Body: body };
  if (sid) Object.assign(out, { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid });
  return out;
}

/** A webhook request signed the way Twilio signs it. */
export function signedRequest(
  params: Record<string, string>,
  options: { url?: string; token?: string; signature?: string | null; headers?: Record<string, string> } = {},
): Request {
  const url = options.url ?? WEBHOOK_URL;
  const body = new URLSearchParams(params).toString();
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...options.headers,
  };
  const signature =
    options.signature === undefined
      ? twilioSignature(options.token ?? AUTH_TOKEN, url, params)
      : options.signature;
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return new Request(url, { method: 'POST', headers, body });
}
