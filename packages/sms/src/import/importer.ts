import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  type Importer,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  type JsonValue,
  readJsonItems,
  ValidationError,
} from '@omnithread/core';
import { addressIdentity, channelOfAddress } from '../address.js';
import { mapMessageStatus } from '../status.js';
import { matchKeyword } from '../webhook/keywords.js';

/**
 * `omnithread import --format twilio`: Twilio Message resources, as the REST API's JSON gives them
 * (`sid`, `from`, `to`, `body`, `date_sent`, `direction`, `status`, `num_media`…) or as the twilio
 * SDK's `client.messages.list()` serializes them (`dateSent`, `numMedia`…), one JSON array or JSON
 * lines. Inbound messages come in as the customer's, outbound ones as ours to the customer.
 */

type Resource = Record<string, unknown>;

function field(resource: Resource, snake: string, camel: string): unknown {
  return resource[snake] ?? resource[camel];
}

function text(resource: Resource, snake: string, camel = snake): string | undefined {
  const value = field(resource, snake, camel);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function timestamp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** One Twilio Message resource → model events. Throws a `ValidationError` saying what is missing. */
export function messageResourceToEvents(resource: unknown): InboundEvent[] {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
    throw new ValidationError('not a Message resource object');
  const r = resource as Resource;
  const sid = text(r, 'sid');
  if (!sid || !/^[A-Z]{2}[0-9a-zA-Z]{16,64}$/.test(sid))
    throw new ValidationError('no Twilio message sid', { path: 'sid' });
  const from = text(r, 'from');
  const to = text(r, 'to');
  if (!from || !to)
    throw new ValidationError(`message ${sid} lacks from or to`, { path: !from ? 'from' : 'to' });
  const sentAt =
    timestamp(text(r, 'date_sent', 'dateSent')) ?? timestamp(text(r, 'date_created', 'dateCreated'));
  if (!sentAt)
    throw new ValidationError(`message ${sid} has no date_sent or date_created`, { path: 'date_sent' });
  const direction = text(r, 'direction') ?? 'inbound';
  const inbound = direction === 'inbound';
  const channel =
    channelOfAddress(from) === 'whatsapp' || channelOfAddress(to) === 'whatsapp' ? 'whatsapp' : 'sms';
  const body = text(r, 'body') ?? '';
  const numMedia = Number(text(r, 'num_media', 'numMedia') ?? 0) || 0;
  const errorCode = text(r, 'error_code', 'errorCode');
  const status = mapMessageStatus(text(r, 'status'));
  const subresources = field(r, 'subresource_uris', 'subresourceUris') as Record<string, unknown> | undefined;
  const mediaList =
    typeof subresources?.media === 'string' ? `https://api.twilio.com${subresources.media}` : undefined;

  const metadata: Record<string, JsonValue> = { twilioDirection: direction };
  const numSegments = Number(text(r, 'num_segments', 'numSegments'));
  if (Number.isFinite(numSegments) && numSegments > 0) metadata.numSegments = numSegments;
  const service = text(r, 'messaging_service_sid', 'messagingServiceSid');
  if (service) metadata.messagingServiceSid = service;
  const price = text(r, 'price');
  if (price) metadata.price = { amount: price, unit: text(r, 'price_unit', 'priceUnit') ?? null };
  if (errorCode)
    metadata.error = { code: errorCode, message: text(r, 'error_message', 'errorMessage') ?? null };
  if (numMedia > 0) {
    metadata.numMedia = numMedia;
    if (mediaList) metadata.mediaListUrl = mediaList;
  }
  const keyword = inbound ? matchKeyword(body) : undefined;
  if (keyword) metadata.keyword = { kind: keyword.kind, keyword: keyword.keyword };

  const customer = addressIdentity(inbound ? from : to);
  const ours = addressIdentity(inbound ? to : from);
  const message: Extract<InboundEvent, { type: 'message' }>['message'] = {
    channel,
    direction: inbound ? 'inbound' : 'outbound',
    from: inbound ? customer : ours,
    to: [inbound ? ours : customer],
    endpoint: inbound ? to : from,
    sentAt,
    text: body,
    external: { id: sid },
    thread: { keys: [`twilio:${sid}`], refs: [] },
    warnings:
      numMedia > 0
        ? [
            `${numMedia} media item(s) not imported; list them at ${mediaList ?? `the Media subresource of ${sid}`}`,
          ]
        : [],
    metadata,
    raw: resource,
  };
  if (status && status !== 'received') message.status = status;
  const events: InboundEvent[] = [{ type: 'message', message }];
  if (keyword && keyword.kind !== 'help') {
    events.push({
      type: 'consent',
      channel,
      identity: customer,
      optedOut: keyword.kind === 'opt-out',
      keyword: keyword.keyword,
      at: sentAt,
    });
  }
  return events;
}

export const twilioImporter: Importer = {
  format: 'twilio',
  description:
    'Twilio Message resources (REST API JSON or client.messages.list() output) as a JSON array or JSON lines',
  detect(path, head) {
    if (!/\.(json|jsonl|ndjson)$/i.test(path)) return false;
    const start = new TextDecoder().decode(head.subarray(0, 4096));
    return /"sid"\s*:\s*"(SM|MM)/.test(start) && /"(date_sent|dateSent|direction)"/.test(start);
  },
  async *read(path: string, options: ImportOptions = {}): AsyncGenerator<InboundEvent | ImportProblem> {
    const total = (await stat(path)).size;
    const items = readJsonItems(createReadStream(path), {
      arrays: true,
      source: (n) => `${path}#${n}`,
      onBytes: (read) => options.onProgress?.(read, total),
      maxItemBytes: options.maxItemBytes,
    });
    for await (const item of items) {
      const source = item.source;
      if ('error' in item) {
        yield { type: 'rejected', source, raw: item.prefix, error: item.error };
        continue;
      }
      let resource: unknown;
      try {
        resource = JSON.parse(item.text);
      } catch (error) {
        yield { type: 'rejected', source, raw: item.text, error };
        continue;
      }
      try {
        yield* messageResourceToEvents(resource);
      } catch (error) {
        yield { type: 'rejected', source, raw: resource, error };
      }
    }
  },
};

export const importers: readonly Importer[] = [twilioImporter];
