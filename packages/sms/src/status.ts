import type { DeliveryStatus } from '@omnithread/core';

/** Twilio's message statuses as the model's delivery statuses. */
export function mapMessageStatus(status: string | null | undefined): DeliveryStatus | undefined {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'undelivered':
    case 'partially_delivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'receiving':
    case 'received':
      return 'received';
    default:
      return undefined;
  }
}
