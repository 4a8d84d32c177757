import {
  type Attachment,
  canonicalIso,
  type InboundEvent,
  type JsonValue,
  WebhookParseError,
} from '@omnithread/core';
import { addressIdentity, channelOfAddress, channelPrefix, stripChannelPrefix } from '../address.js';
import { describeTwilioError } from '../send/errors.js';
import { mapMessageStatus } from '../status.js';
import { matchKeyword } from './keywords.js';

/**
 * Pure parsing of Twilio Programmable Messaging webhooks: the incoming-message request (SMS, MMS,
 * WhatsApp and RCS via Twilio) and status callbacks. Parameters are those Twilio documents for
 * "Twilio's request to your incoming message Webhook URL" and "Twilio's request to the StatusCallback
 * URL"; unknown ones are kept in `raw` (Twilio adds parameters without notice).
 */

export type TwilioParams = Record<string, string>;

/**
 * What `handle` passes to `parse`: the form parameters and when the request arrived. Twilio's message
 * webhook carries no timestamp, so the arrival time is the message's time; passing it in keeps `parse`
 * pure (same input, same events).
 */
export interface TwilioWebhookEnvelope {
  params: TwilioParams | URLSearchParams | string;
  receivedAt: string;
}

const SID = /^[A-Z]{2}[0-9a-zA-Z]{16,64}$/;
const MEDIA_SID = /\/Media\/(ME[0-9a-fA-F]{32})\b/;

function fail(message: string, raw: unknown, path?: string): never {
  throw new WebhookParseError(message, path === undefined ? { raw } : { raw, path });
}

// Printable ASCII: what Twilio sends (everything else percent-encoded).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** One form-encoded name or value: `+` is a space, then percent-decoding; undefined when malformed. */
function decodeComponent(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

/**
 * `Object.fromEntries(new URLSearchParams(text))`, read by hand for the usual printable-ASCII body
 * with well-formed escapes (where the two agree exactly); anything else (a leading `?`, other
 * characters, malformed escapes, a `__proto__` name) goes through URLSearchParams itself.
 */
export function decodeForm(text: string): TwilioParams {
  const slow = () => Object.fromEntries(new URLSearchParams(text));
  if (text.charCodeAt(0) === 63 || !PRINTABLE_ASCII.test(text)) return slow();
  const out: TwilioParams = {};
  const length = text.length;
  let start = 0;
  let eq = -1;
  while (start < length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      // The next `=` is looked up again only once passed, so many names without one stay linear.
      if (eq !== length && eq < start) {
        eq = text.indexOf('=', start);
        if (eq === -1) eq = length;
      }
      const split = eq < end;
      const name = decodeComponent(text.slice(start, split ? eq : end));
      const value = split ? decodeComponent(text.slice(eq + 1, end)) : '';
      if (name === undefined || value === undefined || name === '__proto__') return slow();
      out[name] = value;
    }
    start = end + 1;
  }
  return out;
}

function paramsFrom(value: unknown, raw: unknown): TwilioParams {
  if (typeof value === 'string') return decodeForm(value);
  if (value instanceof URLSearchParams) {
    const out: TwilioParams = {};
    for (const [k, v] of value) if (!(k in out)) out[k] = v;
    return out;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(
      'A Twilio webhook payload must be form parameters (an object, URLSearchParams or a form-encoded string)',
      raw,
    );
  }
  const out: TwilioParams = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

/** Reads a payload in any accepted form into its parameters and arrival time. */
export function readPayload(raw: unknown): { params: TwilioParams; receivedAt: string | undefined } {
  if (
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    'params' in raw &&
    !(raw instanceof URLSearchParams)
  ) {
    const envelope = raw as { params: unknown; receivedAt?: unknown };
    const receivedAt = typeof envelope.receivedAt === 'string' ? envelope.receivedAt : undefined;
    const canonical = receivedAt !== undefined && canonicalIso(receivedAt) === receivedAt;
    if (receivedAt !== undefined && !canonical && Number.isNaN(Date.parse(receivedAt)))
      fail('receivedAt is not a timestamp', raw, 'receivedAt');
    return {
      params: paramsFrom(envelope.params, raw),
      receivedAt: canonical ? receivedAt : receivedAt && new Date(receivedAt).toISOString(),
    };
  }
  return { params: paramsFrom(raw, raw), receivedAt: undefined };
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/** Drops undefined and empty values so metadata stays plain JSON. */
function compact(record: Record<string, JsonValue | undefined>): Record<string, JsonValue> | undefined {
  let out: Record<string, JsonValue> | undefined;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v === undefined || v === '') continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out ??= {};
    out[k] = v;
  }
  return out;
}

function numberParam(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** RawDlrDoneDate is the carrier's YYMMDDhhmm (UTC); a plausible value becomes an ISO timestamp. */
export function parseDlrDoneDate(value: string | undefined): string | undefined {
  const m = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value.trim()) : null;
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi] = m.map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== dd || hh > 23 || mi > 59) return undefined;
  return date.toISOString();
}

function messageSid(params: TwilioParams, raw: unknown): string {
  const sid = nonEmpty(params.MessageSid) ?? nonEmpty(params.SmsMessageSid) ?? nonEmpty(params.SmsSid);
  if (!sid) fail('Not a Twilio messaging webhook: no MessageSid', raw, 'MessageSid');
  if (!SID.test(sid))
    fail(`MessageSid ${JSON.stringify(sid.slice(0, 40))} is not a Twilio SID`, raw, 'MessageSid');
  return sid;
}

function parseStatus(params: TwilioParams, statusText: string, at: string, raw: unknown): InboundEvent[] {
  const sid = messageSid(params, raw);
  const channel = channelOfAddress(
    params.From ?? params.To ?? (params.ChannelPrefix ? `${params.ChannelPrefix}:` : undefined),
  );
  const status = mapMessageStatus(statusText);
  if (status === 'received') return [];
  if (!status) {
    // A status this version does not know: keep it visible instead of failing the callback.
    return [{ type: 'notice', channel, name: `twilio.status.${statusText}`, at, raw: params }];
  }
  const code = nonEmpty(params.ErrorCode);
  const hasError = code !== undefined && code !== '0';
  const doneAt =
    status === 'delivered' || status === 'undelivered' ? parseDlrDoneDate(params.RawDlrDoneDate) : undefined;
  const update: Extract<InboundEvent, { type: 'status' }>['status'] = {
    channel,
    externalId: sid,
    status,
    at: doneAt ?? at,
    raw: params,
  };
  if (hasError || status === 'failed' || status === 'undelivered') {
    const message =
      nonEmpty(params.ErrorMessage) ??
      describeTwilioError(code) ??
      (hasError ? `Twilio error ${code}` : `message ${statusText}`);
    update.error = hasError ? { code: code!, message } : { message };
  }
  return [{ type: 'status', status: update }];
}

function attachmentsOf(params: TwilioParams, sid: string, warnings: string[]): Attachment[] {
  const count = numberParam(params.NumMedia) ?? 0;
  const attachments: Attachment[] = [];
  for (let i = 0; i < Math.min(count, 20); i++) {
    const url = nonEmpty(params[`MediaUrl${i}`]);
    if (!url) {
      warnings.push(`NumMedia is ${count} but MediaUrl${i} is missing`);
      continue;
    }
    const mediaSid = MEDIA_SID.exec(url)?.[1];
    const attachment: Attachment = {
      id: mediaSid ?? `${sid}-media-${i}`,
      contentType: nonEmpty(params[`MediaContentType${i}`]) ?? 'application/octet-stream',
      size: -1,
      url,
    };
    if (mediaSid) attachment.providerId = mediaSid;
    attachments.push(attachment);
  }
  return attachments;
}

function geo(params: TwilioParams, side: 'From' | 'To'): Record<string, JsonValue> | undefined {
  return compact({
    city: nonEmpty(params[`${side}City`]),
    state: nonEmpty(params[`${side}State`]),
    zip: nonEmpty(params[`${side}Zip`]),
    country: nonEmpty(params[`${side}Country`]),
  });
}

function parseInbound(params: TwilioParams, at: string, raw: unknown): InboundEvent[] {
  const sid = messageSid(params, raw);
  const fromAddress = nonEmpty(params.From);
  if (!fromAddress) fail('An incoming Twilio message has no From', raw, 'From');
  const toAddress = nonEmpty(params.To);
  const channel = channelOfAddress(fromAddress);
  const waId = nonEmpty(params.WaId);
  const from = addressIdentity(fromAddress, waId);
  const warnings: string[] = [];
  const attachments = attachmentsOf(params, sid, warnings);
  const body = params.Body ?? '';
  const keyword = matchKeyword(body, params.OptOutType);
  const latitude = numberParam(params.Latitude);
  const longitude = numberParam(params.Longitude);
  const repliedTo = nonEmpty(params.OriginalRepliedMessageSid);
  const prefix = channelPrefix(fromAddress);

  const metadata = compact({
    accountSid: nonEmpty(params.AccountSid),
    messagingServiceSid: nonEmpty(params.MessagingServiceSid),
    numSegments: numberParam(params.NumSegments),
    numMedia: numberParam(params.NumMedia),
    twilioChannel: prefix && prefix !== 'whatsapp' ? prefix : undefined,
    messageType: nonEmpty(params.MessageType),
    waId,
    geo: compact({ from: geo(params, 'From'), to: geo(params, 'To') }),
    location:
      latitude !== undefined && longitude !== undefined
        ? compact({ latitude, longitude, address: nonEmpty(params.Address), label: nonEmpty(params.Label) })
        : undefined,
    button: compact({ text: nonEmpty(params.ButtonText), payload: nonEmpty(params.ButtonPayload) }),
    forwarded: params.Forwarded === 'true' ? true : undefined,
    frequentlyForwarded: params.FrequentlyForwarded === 'true' ? true : undefined,
    repliedTo: compact({ sid: repliedTo, sender: nonEmpty(params.OriginalRepliedMessageSender) }),
    referral:
      (nonEmpty(params.ReferralSourceUrl) ??
      nonEmpty(params.ReferralCtwaClid) ??
      nonEmpty(params.ReferralBody))
        ? compact({
            sourceId: nonEmpty(params.ReferralSourceId),
            sourceType: nonEmpty(params.ReferralSourceType),
            sourceUrl: nonEmpty(params.ReferralSourceUrl),
            headline: nonEmpty(params.ReferralHeadline),
            body: nonEmpty(params.ReferralBody),
            ctwaClid: nonEmpty(params.ReferralCtwaClid),
            numMedia: numberParam(params.ReferralNumMedia),
            mediaUrl: nonEmpty(params.ReferralMediaUrl),
            mediaContentType: nonEmpty(params.ReferralMediaContentType),
          })
        : undefined,
    keyword: keyword ? { kind: keyword.kind, keyword: keyword.keyword } : undefined,
  });

  const message: Extract<InboundEvent, { type: 'message' }>['message'] = {
    channel,
    direction: 'inbound',
    from,
    to: toAddress ? [addressIdentity(toAddress)] : [],
    sentAt: at,
    receivedAt: at,
    text: body,
    attachments,
    thread: { keys: [`twilio:${sid}`], refs: repliedTo ? [`twilio:${repliedTo}`] : [] },
    external: { id: sid },
    status: 'received',
    trust: 'provider',
    warnings,
    metadata: metadata ?? {},
    raw: params,
  };
  if (toAddress) message.endpoint = toAddress;
  if (repliedTo) message.replyTo = repliedTo;
  const profileName = nonEmpty(params.ProfileName);
  if (profileName) message.fromName = profileName;
  // Twilio vouches for both: the WhatsApp user's wa_id and the number in From, when they differ
  // (Brazilian numbers without the ninth digit, for one).
  if (channel === 'whatsapp' && waId && stripChannelPrefix(fromAddress).replace(/^\+/, '') !== waId) {
    message.links = [
      {
        identity: { kind: 'phone', value: stripChannelPrefix(fromAddress) },
        trust: 'provider',
        evidence: 'Twilio sent From and WaId',
      },
    ];
  }

  const events: InboundEvent[] = [{ type: 'message', message }];
  if (keyword && keyword.kind !== 'help') {
    events.push({
      type: 'consent',
      channel,
      identity: from,
      optedOut: keyword.kind === 'opt-out',
      keyword: keyword.keyword,
      at,
    });
  }
  return events;
}

/**
 * Parses one Twilio webhook into model events: an incoming message (plus a `consent` event for
 * STOP/START keywords), a delivery status, or nothing for an inbound "received" status.
 * `now` stamps payloads that come without an arrival time (pass an envelope to stay pure).
 */
export function parseTwilioWebhook(raw: unknown, now: () => Date = () => new Date()): InboundEvent[] {
  const { params, receivedAt } = readPayload(raw);
  const at = receivedAt ?? now().toISOString();
  const statusText = nonEmpty(params.MessageStatus) ?? nonEmpty(params.SmsStatus);
  const isStatus =
    statusText !== undefined &&
    statusText !== 'received' &&
    !(params.MessageStatus === undefined && (params.Body !== undefined || params.NumMedia !== undefined));
  if (isStatus) return parseStatus(params, statusText, at, raw);
  if (
    statusText === 'received' &&
    params.Body === undefined &&
    params.NumMedia === undefined &&
    params.From === undefined
  ) {
    messageSid(params, raw);
    return [];
  }
  return parseInbound(params, at, raw);
}
