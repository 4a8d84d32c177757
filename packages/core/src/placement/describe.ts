/** Words for reasons an agent reads: "2 h", "3 days", "Message-ID <a@b>". */
import { msOf } from './time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function describeDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.round(abs / 1000)} s`;
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < 2 * DAY) return `${Math.round(abs / HOUR)} h`;
  return `${Math.round(abs / DAY)} days`;
}

/** "2 h ago", or "2 h later" for a conversation whose activity is after the message (out-of-order delivery). */
export function describeAgo(fromIso: string, toIso: string): string {
  const ms = msOf(toIso) - msOf(fromIso);
  return ms >= 0 ? `${describeDuration(ms)} ago` : `${describeDuration(ms)} later`;
}

/** Names a thread key for a human: keys are `<namespace>:<id>`. */
export function describeThreadKey(key: string): string {
  const colon = key.indexOf(':');
  const ns = colon < 0 ? key : key.slice(0, colon);
  const id = colon < 0 ? '' : key.slice(colon + 1);
  switch (ns) {
    case 'email':
      return `email Message-ID <${id}>`;
    case 'whatsapp':
      return `WhatsApp message ${id}`;
    case 'x':
      return `X ${id.replace(':', ' ')}`;
    case 'messenger':
    case 'instagram':
      return `${ns} message ${id}`;
    case 'token':
      return `thread token ${id}`;
    default:
      return `${ns} ${id}`;
  }
}
