import type { DeliveryStatus, InboundEvent } from '@omnithread/core';
import { arr, nonEmpty, type Obj, obj, str, unixToIso } from '../../shared/json.js';

const STATUS: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  // A voice message was played: it was read, and more.
  played: 'read',
  failed: 'failed',
};

/** The first of WhatsApp's `errors[]` as the model's status error: the code, and title plus details. */
export function statusError(errors: unknown): { code?: string; message: string } | undefined {
  const first = obj(arr(errors)[0]);
  if (!first) return undefined;
  const title = nonEmpty(first.title) ?? nonEmpty(first.message) ?? 'WhatsApp reported an error';
  const details = nonEmpty(obj(first.error_data)?.details);
  const message = details && details !== title ? `${title}: ${details}` : title;
  const code = str(first.code);
  return code ? { code, message } : { message };
}

/**
 * Maps `statuses[]`: message statuses become `status` events (with the error code and text of a
 * failure); statuses the model has no word for (a call's RINGING, `deleted`) become notices so
 * they are still seen.
 */
export function mapStatuses(
  value: Obj,
  channel: string,
  fallbackAt: () => string,
  field: string,
): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const item of arr(value.statuses)) {
    const status = obj(item);
    if (!status) continue;
    const id = nonEmpty(status.id);
    const name = str(status.status)?.toLowerCase() ?? '';
    const mapped = STATUS[name];
    const at = unixToIso(status.timestamp) ?? fallbackAt();
    if (!id || !mapped || field === 'calls' || str(status.type) === 'call') {
      events.push({ type: 'notice', channel, name: `${field}.status.${name || 'unknown'}`, at, raw: status });
      continue;
    }
    const error = statusError(status.errors);
    events.push({
      type: 'status',
      status: error
        ? { channel, externalId: id, status: mapped, at, error, raw: status }
        : { channel, externalId: id, status: mapped, at, raw: status },
    });
  }
  return events;
}
