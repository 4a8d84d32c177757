import { type InboundEvent, WebhookParseError } from '@omnithread/core';
import { isObj, type Obj, obj, str, unixToIso } from '../../shared/json.js';
import { errorList } from './content.js';
import { type MessageContext, mapMessage } from './messages.js';
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
  // The walk over the whole payload is only needed when something lacks its own time: done on demand.
  let payloadTime: string | undefined;
  const fallback = () => (payloadTime ??= newestTime(raw) ?? options.receivedAt ?? EPOCH);
  const events: InboundEvent[] = [];
  const entries = raw.entry;
  for (let e = 0; e < entries.length; e++) {
    const entry = obj(entries[e]);
    if (!entry || !Array.isArray(entry.changes))
      fail(`entry[${e}] has no changes[]`, raw, `entry[${e}].changes`);
    const entryTime = unixToIso(entry.time);
    const changes = entry.changes;
    for (let c = 0; c < changes.length; c++) {
      const change = obj(changes[c]);
      const value = obj(change?.value);
      if (!change || !value) {
        const path = `entry[${e}].changes[${c}]`;
        fail(`${path} has no value`, raw, `${path}.value`);
      }
      const field = str(change.field) ?? 'messages';
      const ctx: ChangeContext = {
        channel,
        fallbackAt: entryTime === undefined ? fallback : () => entryTime,
        raw,
        entry: e,
        change: c,
      };
      for (const event of mapChange(field, value, ctx)) events.push(event);
    }
  }
  return events;
}

interface ChangeContext {
  channel: string;
  /** The time for what has none of its own, computed on first need (see `parseCloudWebhook`). */
  fallbackAt: () => string;
  raw: unknown;
  entry: number;
  change: number;
}

const LISTS: ReadonlyArray<readonly [string, boolean]> = [
  ['messages', false],
  ['message_echoes', true],
];

function mapChange(field: string, value: Obj, ctx: ChangeContext): InboundEvent[] {
  const { channel } = ctx;
  if (field !== 'messages' && field !== 'smb_message_echoes') {
    return [
      {
        type: 'notice',
        channel,
        name: field,
        at: unixToIso(value.timestamp) ?? ctx.fallbackAt(),
        raw: value,
      },
    ];
  }
  const events: InboundEvent[] = [];
  const valueErrors = errorList(value.errors);
  const messageCtx: MessageContext = { channel, fallbackAt: ctx.fallbackAt, valueErrors };
  let messageCount = 0;
  for (const [key, echo] of LISTS) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    for (let m = 0; m < list.length; m++) {
      messageCount++;
      const message = obj(list[m]);
      const mapped = message ? mapMessage(value, message, messageCtx, echo) : undefined;
      if (!mapped) {
        const path = `entry[${ctx.entry}].changes[${ctx.change}].value.${key}[${m}]`;
        fail(`${path} has no id or no usable sender (wa_id or user_id)`, ctx.raw, path);
      }
      for (const event of mapped) events.push(event);
    }
  }
  if (value.statuses !== undefined) {
    for (const event of mapStatuses(value, channel, ctx.fallbackAt, field)) events.push(event);
  }
  if (messageCount === 0 && valueErrors.length > 0) {
    events.push({ type: 'notice', channel, name: `${field}.errors`, at: ctx.fallbackAt(), raw: value });
  }
  if (events.length === 0)
    events.push({ type: 'notice', channel, name: field, at: ctx.fallbackAt(), raw: value });
  return events;
}
