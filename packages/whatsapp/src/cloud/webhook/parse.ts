import { type InboundEvent, WebhookParseError } from '@omnithread/core';
import { arr, isObj, type Obj, obj, str, unixToIso } from '../../shared/json.js';
import { errorList } from './content.js';
import { mapMessage } from './messages.js';
import { mapStatuses } from './statuses.js';

export interface ParseCloudOptions {
  /** Channel name on the events. Default `whatsapp`. */
  channel?: string;
  /** Time to use when the payload has none (notices of template reviews). Default: the newest time in the payload. */
  receivedAt?: string;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

function fail(message: string, raw: unknown, path?: string): never {
  throw new WebhookParseError(`WhatsApp Cloud webhook: ${message}`, path ? { raw, path } : { raw });
}

/** The newest timestamp anywhere in the payload, for events that carry none of their own. */
function newestTime(raw: Obj): string | undefined {
  let newest: string | undefined;
  const visit = (node: unknown, depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(node)) for (const item of node) visit(item, depth + 1);
    else if (isObj(node))
      for (const [key, v] of Object.entries(node)) {
        if (key === 'timestamp' || key === 'time') {
          const at = unixToIso(v);
          if (at && (!newest || at > newest)) newest = at;
        } else visit(v, depth + 1);
      }
  };
  visit(raw, 0);
  return newest;
}

/**
 * Parses a WhatsApp Cloud API webhook envelope (`{ object, entry[].changes[] }`) into model events.
 * Pure. Every change is mapped: `messages` (messages, statuses, errors), `smb_message_echoes`, and
 * any other field (`account_update`, `message_template_*`, `calls`, `user_preferences`…) as a notice.
 * Throws `WebhookParseError` (keeping `raw`) when the envelope or a message is unusable.
 */
export function parseCloudWebhook(raw: unknown, options: ParseCloudOptions = {}): InboundEvent[] {
  const channel = options.channel ?? 'whatsapp';
  if (!isObj(raw)) fail('the body must be a JSON object', raw);
  const objectType = str(raw.object);
  if (objectType !== undefined && objectType !== 'whatsapp_business_account') {
    fail(`object "${objectType}" is not a WhatsApp Business Account webhook`, raw, 'object');
  }
  if (!Array.isArray(raw.entry)) fail('missing entry[]', raw, 'entry');
  const payloadTime = newestTime(raw) ?? options.receivedAt ?? EPOCH;
  const events: InboundEvent[] = [];
  raw.entry.forEach((entryValue, e) => {
    const entry = obj(entryValue);
    if (!entry || !Array.isArray(entry.changes))
      fail(`entry[${e}] has no changes[]`, raw, `entry[${e}].changes`);
    const entryTime = unixToIso(entry.time) ?? payloadTime;
    entry.changes.forEach((changeValue, c) => {
      const path = `entry[${e}].changes[${c}]`;
      const change = obj(changeValue);
      const value = obj(change?.value);
      if (!change || !value) fail(`${path} has no value`, raw, `${path}.value`);
      const field = str(change.field) ?? 'messages';
      events.push(...mapChange(field, value, { channel, fallbackAt: entryTime, raw, path }));
    });
  });
  return events;
}

interface ChangeContext {
  channel: string;
  fallbackAt: string;
  raw: unknown;
  path: string;
}

function mapChange(field: string, value: Obj, ctx: ChangeContext): InboundEvent[] {
  const { channel, fallbackAt } = ctx;
  if (field !== 'messages' && field !== 'smb_message_echoes') {
    return [
      { type: 'notice', channel, name: field, at: unixToIso(value.timestamp) ?? fallbackAt, raw: value },
    ];
  }
  const events: InboundEvent[] = [];
  const valueErrors = errorList(value.errors);
  const lists: Array<[string, boolean]> = [
    ['messages', false],
    ['message_echoes', true],
  ];
  let messageCount = 0;
  for (const [key, echo] of lists) {
    arr(value[key]).forEach((item, m) => {
      messageCount++;
      const message = obj(item);
      const mapped = message
        ? mapMessage(value, message, { channel, fallbackAt, valueErrors }, echo)
        : undefined;
      if (!mapped)
        fail(
          `${ctx.path}.value.${key}[${m}] has no id or no usable sender (wa_id or user_id)`,
          ctx.raw,
          `${ctx.path}.value.${key}[${m}]`,
        );
      events.push(...mapped);
    });
  }
  events.push(...mapStatuses(value, channel, fallbackAt, field));
  if (messageCount === 0 && valueErrors.length > 0) {
    events.push({ type: 'notice', channel, name: `${field}.errors`, at: fallbackAt, raw: value });
  }
  if (events.length === 0) events.push({ type: 'notice', channel, name: field, at: fallbackAt, raw: value });
  return events;
}
