// A deterministic customer journey for the multi-process tests and the benchmark: SMS and WhatsApp
// from the same numbers, outbound replies with delivery statuses (some arriving before their
// message), and email threads whose replies carry full References chains. Plain JavaScript so the
// benchmark runs it with node alone.

const BASE = Date.UTC(2026, 0, 5, 9, 0, 0);
/** A fixed "now" for every hub that ingests the journey, so results do not depend on the wall clock. */
export const JOURNEY_NOW = new Date(BASE + 7 * 24 * 3_600_000);

const at = (minutes) => new Date(BASE + minutes * 60_000).toISOString();
const pad = (n, width) => String(n).padStart(width, '0');

/** A small seeded PRNG (mulberry32), so every process derives the same orders from the same seed. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(items, seed) {
  const next = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The events of `phoneCustomers` people who write by SMS and WhatsApp from one number and get an
 * SMS answer with statuses, and of `emailThreads` email threads (a parent and two replies).
 * Each customer's messages fall within two hours, so however they arrive they belong in one
 * conversation per phone customer and one per email thread.
 *
 * `first` numbers the customers and threads from there (a second journey of other people).
 *
 * @param {{ phoneCustomers?: number, emailThreads?: number, first?: number }} [options]
 * @returns {import('@omnithread/core').InboundEvent[]}
 */
export function journeyEvents({ phoneCustomers = 12, emailThreads = 8, first = 0 } = {}) {
  const events = [];
  const business = '+14155550000';
  for (let c = first; c < first + phoneCustomers; c++) {
    const e164 = `+1415666${pad(c, 4)}`;
    const waId = e164.slice(1);
    const start = c * 3;
    const sms = (n, minute, text) =>
      events.push({
        type: 'message',
        message: {
          channel: 'sms',
          from: { kind: 'phone', value: e164 },
          to: [{ kind: 'phone', value: business }],
          endpoint: business,
          sentAt: at(start + minute),
          text,
          external: { id: `SM${pad(c, 4)}${n}` },
          raw: { MessageSid: `SM${pad(c, 4)}${n}`, From: e164, Body: text },
        },
      });
    const wa = (n, minute, text) =>
      events.push({
        type: 'message',
        message: {
          channel: 'whatsapp',
          from: { kind: 'whatsapp', value: waId },
          sentAt: at(start + minute),
          text,
          external: { id: `wamid.${pad(c, 4)}.${n}` },
          raw: { id: `wamid.${pad(c, 4)}.${n}`, from: waId, text: { body: text } },
        },
      });
    sms(1, 0, `Hello, order ${c} has not arrived`);
    wa(1, 5, `Sending the receipt for order ${c} here`);
    sms(2, 20, 'Any news on the parcel?');
    wa(2, 40, 'Thanks, the tracking number works');
    sms(3, 90, 'It arrived, all good');
    const reply = `SMout${pad(c, 4)}`;
    events.push({
      type: 'message',
      message: {
        channel: 'sms',
        direction: 'outbound',
        from: { kind: 'phone', value: business },
        to: [{ kind: 'phone', value: e164 }],
        endpoint: business,
        sentAt: at(start + 30),
        text: `We are looking into order ${c}`,
        external: { id: reply },
        status: 'queued',
        raw: { MessageSid: reply },
      },
    });
    for (const [status, minute] of [
      ['sent', 31],
      ['delivered', 32],
    ]) {
      events.push({
        type: 'status',
        status: { channel: 'sms', externalId: reply, status, at: at(start + minute) },
      });
    }
  }
  for (let t = first; t < first + emailThreads; t++) {
    const from = { kind: 'email', value: `customer${t}@example.org` };
    const id = (n) => `email:<t${t}.m${n}@example.org>`;
    const mail = (n, minute, refs, text) =>
      events.push({
        type: 'message',
        message: {
          channel: 'email',
          from,
          to: [{ kind: 'email', value: 'support@shop.example' }],
          sentAt: at(t * 7 + minute),
          subject: `${n === 0 ? '' : 'Re: '}Invoice ${t}`,
          text,
          thread: { keys: [id(n)], refs },
          external: { id: `<t${t}.m${n}@example.org>` },
          raw: `Message-ID: <t${t}.m${n}@example.org>\r\n\r\n${text}`,
        },
      });
    mail(0, 0, [], `Invoice ${t} is wrong`);
    mail(1, 30, [id(0)], 'Here is the corrected address');
    mail(2, 60, [id(0), id(1)], 'Did you get my last mail?');
  }
  return events;
}

/**
 * The customer an event of `journeyEvents` is about (one person across SMS, WhatsApp and our
 * replies' statuses; an email sender): what a queue partitioned by customer would key on.
 *
 * @param {import('@omnithread/core').InboundEvent} event
 * @returns {string}
 */
export function customerOf(event) {
  if (event.type === 'status') return `+1415666${event.status.externalId.slice('SMout'.length)}`;
  if (event.type !== 'message') throw new Error(`no customer for a ${event.type} event`);
  const m = event.message;
  const who = m.direction === 'outbound' ? m.to[0].value : m.from.value;
  return m.channel === 'whatsapp' ? `+${who}` : who;
}

/**
 * Whether `event` falls to writer `index` of `of`: every other event (`by: 'event'`, the worst case,
 * where every writer's batches share customers), or by a hash of its customer (`by: 'customer'`,
 * as a queue partitioned by customer feeds its consumers).
 *
 * @param {import('@omnithread/core').InboundEvent} event
 * @param {number} position
 * @param {{ index: number, of: number, by?: 'event' | 'customer' }} partition
 */
export function inPartition(event, position, { index, of, by = 'event' }) {
  if (by === 'event') return position % of === index;
  let hash = 0;
  for (const ch of customerOf(event)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % of === index;
}

/**
 * The order one writer delivers in: its own shuffle, with some events delivered twice.
 *
 * @template T
 * @param {T[]} events
 * @param {{ seed: number, duplicateEvery?: number }} options
 * @returns {T[]}
 */
export function deliveries(events, { seed, duplicateEvery = 0 }) {
  const order = shuffle(events, seed);
  if (!duplicateEvery) return order;
  const out = [];
  order.forEach((event, i) => {
    out.push(event);
    if (i % duplicateEvery === 0) out.push(event);
  });
  return out;
}
