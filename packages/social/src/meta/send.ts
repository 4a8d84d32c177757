import {
  NotSupportedError,
  type OutboundMessage,
  RateLimitedError,
  ReplyWindowClosedError,
  type SendContext,
  SendFailedError,
  type SendResult,
  ValidationError,
} from '@omnithread/core';
import { isRecord, str } from '../common/payload.js';
import type { MetaChannel } from './parse.js';
import { sendMode } from './window.js';

export interface MetaSendOptions {
  channel: MetaChannel;
  accessToken: string;
  businessId: string;
  graphVersion: string;
  apiBaseUrl: string;
  fetch: typeof fetch;
  humanAgentTag: boolean;
}

// Graph error codes of the Send API (developers.facebook.com/docs/messenger-platform/error-codes).
const OUTSIDE_WINDOW_SUBCODES = new Set([2018278, 2534022]);
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

interface GraphError {
  message?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

/** Maps a Graph error answer to Omnithread's typed errors. */
export function metaSendError(
  channel: MetaChannel,
  status: number,
  body: unknown,
  retryAfter?: string | null,
): Error {
  const error: GraphError = isRecord(body) && isRecord(body.error) ? (body.error as GraphError) : {};
  const code = typeof error.code === 'number' ? error.code : undefined;
  const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : undefined;
  const text = `${channel} Send API refused the message (HTTP ${status}${code !== undefined ? `, code ${code}` : ''}${subcode !== undefined ? `/${subcode}` : ''}): ${error.message ?? 'no message'}`;
  if (code === 10 && subcode !== undefined && OUTSIDE_WINDOW_SUBCODES.has(subcode)) {
    return new ReplyWindowClosedError(channel, `${text}; the reply window has closed`);
  }
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) {
    const seconds = Number(retryAfter);
    return new RateLimitedError(
      text,
      Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {},
    );
  }
  const providerCode =
    code === undefined ? undefined : subcode === undefined ? String(code) : `${code}/${subcode}`;
  // 551: "This person isn't available right now" (blocked the page or turned messages off): not retryable.
  const retryable = status >= 500 || code === 1 || code === 2;
  return new SendFailedError(text, providerCode === undefined ? { retryable } : { providerCode, retryable });
}

const ATTACHMENT_TYPES: Array<[RegExp, string]> = [
  [/^image\//, 'image'],
  [/^video\//, 'video'],
  [/^audio\//, 'audio'],
];

/** Sends through the Send API: text first, then one message per attachment (the API takes one each). */
export async function metaSend(
  message: OutboundMessage,
  context: SendContext,
  options: MetaSendOptions,
): Promise<SendResult> {
  const { channel } = options;
  const to = message.to[0];
  if (!to || to.kind !== channel) {
    throw new ValidationError(`${channel} can only send to a ${channel} page-scoped id`, { path: 'to' });
  }
  const mode = sendMode(context.lastInbound, context.now, options.humanAgentTag);
  if (!mode.allowed) {
    const why = context.lastInbound
      ? `the customer last wrote at ${context.lastInbound.sentAt}`
      : 'the customer has not written on this channel yet';
    throw new ReplyWindowClosedError(
      channel,
      `${channel} replies are allowed within 24 hours of the customer's last message${options.humanAgentTag ? ' (7 days with the HUMAN_AGENT tag)' : ''}; ${why}`,
      mode.closedAt ? { closedAt: mode.closedAt } : {},
    );
  }
  const parts: Array<Record<string, unknown>> = [];
  if (message.text.length > 0) parts.push({ text: message.text });
  for (const a of message.attachments) {
    if (!a.url) {
      throw new NotSupportedError(
        'send.media',
        `${channel} attachments are sent by URL; attachment ${a.id} has none`,
      );
    }
    const type = ATTACHMENT_TYPES.find(([re]) => re.test(a.contentType))?.[1] ?? 'file';
    parts.push({ attachment: { type, payload: { url: a.url, is_reusable: true } } });
  }
  if (parts.length === 0)
    throw new ValidationError('nothing to send: no text and no attachments', { path: 'text' });

  const url = `${options.apiBaseUrl}/${options.graphVersion}/me/messages`;
  const ids: string[] = [];
  const raws: unknown[] = [];
  for (const part of parts) {
    // Our message id travels as metadata and comes back on the echo, tying the echo to this send.
    const body: Record<string, unknown> = {
      recipient: { id: to.value },
      messaging_type: mode.messagingType,
      message: channel === 'messenger' ? { ...part, metadata: message.id } : part,
    };
    if (mode.messagingType === 'MESSAGE_TAG') body.tag = mode.tag;
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.accessToken}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new SendFailedError(`${channel} Send API request failed: ${String(error)}`, {
        retryable: true,
        cause: error,
      });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { raw: text };
    }
    if (!response.ok)
      throw metaSendError(channel, response.status, json, response.headers.get('retry-after'));
    const id = isRecord(json) ? str(json.message_id) : undefined;
    if (!id)
      throw new SendFailedError(`${channel} Send API answered without a message_id`, { retryable: false });
    ids.push(id);
    raws.push(json);
  }
  return {
    externalId: ids[0]!,
    status: 'sent',
    sentAt: context.now.toISOString(),
    from: { kind: channel, value: options.businessId },
    thread: { keys: ids.map((id) => `${channel}:${id}`) },
    metadata: { messagingType: mode.messagingType, ...(ids.length > 1 ? { externalIds: ids } : {}) },
    raw: raws.length === 1 ? raws[0] : raws,
  };
}
