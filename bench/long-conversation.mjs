#!/usr/bin/env node
// One customer's long WhatsApp conversation: the cost of each new message as the conversation grows,
// on the memory store (`hub.ingest`, one by one) and on PGlite (`hub.ingestMany`, batches of 100).
// Every message carries its own thread key (as WhatsApp's do, so a later quoted reply finds it): a
// store that kept them all in the conversation's record would make each message cost more than the
// one before; so would one that re-read the whole conversation for each message arriving after a
// later one (measured with each pair of messages swapped, and with every message at one time), or
// one that kept every channel switch (measured with WhatsApp and SMS in turn). Growth is the cost of
// a message in the long conversation against one in a short conversation timed beside it (with
// every switch kept in the record it was ×17 at 20,000 messages; flat is 1). Writes its figures as
// JSON to the path it is given.
//
//   node bench/long-conversation.mjs [results.json]
import { writeFileSync } from 'node:fs';
import { createHub, memoryStore } from '../packages/core/dist/index.js';
import { pgliteStore } from '../packages/postgres/dist/index.js';

const START = Date.parse('2026-11-02T09:00:00.000Z');
const WINDOW = 2000;
const CHUNK = 100;
const WARMUP = 10000;

const idOf = (channel, from, n) => (channel === 'sms' ? `SM${from}x${n}` : `wamid.${from}.${n}`);
const event = (n, from = '14155550100', sameTime = false, channel = 'whatsapp') => ({
  type: 'message',
  message: {
    channel,
    // SMS and WhatsApp of one number are one customer: switching between them stays in one conversation.
    from: channel === 'sms' ? { kind: 'phone', value: `+${from}` } : { kind: 'whatsapp', value: from },
    to: [
      channel === 'sms'
        ? { kind: 'phone', value: '+18005550199' }
        : { kind: 'whatsapp', value: '18005550199' },
    ],
    // A minute apart: one session, one conversation.
    sentAt: new Date(START + (sameTime ? 0 : n * 60_000)).toISOString(),
    text: `Message ${n} about order 1042`,
    external: { id: idOf(channel, from, n) },
    thread: { keys: [`${channel === 'sms' ? 'twilio' : 'whatsapp'}:${idOf(channel, from, n)}`], refs: [] },
    raw: { id: idOf(channel, from, n), text: { body: `Message ${n} about order 1042` } },
  },
});

/** Times ingestRange(from, from + CHUNK, customer), per message, in µs. */
async function timeChunk(hub, ingestRange, from, customer) {
  const started = process.hrtime.bigint();
  await ingestRange(hub, from, from + CHUNK, customer);
  return Number(process.hrtime.bigint() - started) / 1000 / CHUNK;
}

const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];

/**
 * Ingests `total` messages and times the windows of WINDOW messages that end at each of `marks`,
 * after another customer's conversation of WARMUP messages has warmed the code up. Each window is
 * timed in chunks of CHUNK messages, each chunk beside one of a short conversation (another customer,
 * new at each window, receiving the same messages): the window's cost against the short one's is
 * measured under the same conditions of this shared host, so a slow spell cannot pass for growth,
 * nor hide it. Absolute figures are medians of the chunks.
 */
async function run(store, total, marks, ingestRange) {
  const hub = createHub({ store });
  const windows = [];
  let done = 0;
  try {
    await ingestRange(hub, 0, WARMUP, '14155550999');
    for (const [index, mark] of marks.entries()) {
      // Untimed up to the window, then the window itself.
      await ingestRange(hub, done, mark - WINDOW);
      const short = String(14155551000 + index);
      const long = [];
      const reference = [];
      for (let from = mark - WINDOW; from < mark; from += CHUNK) {
        long.push(await timeChunk(hub, ingestRange, from, undefined));
        reference.push(await timeChunk(hub, ingestRange, from, short));
      }
      windows.push({
        messages: mark,
        usPerMessage: median(long),
        shortConversationUsPerMessage: median(reference),
        vsShort: median(long.map((t, i) => t / reference[i])),
      });
      done = mark;
    }
    await ingestRange(hub, done, total);
    const contact = await hub.contacts.findByIdentity({ kind: 'whatsapp', value: '14155550100' });
    const conversations = (await hub.conversations.list({ contactId: contact.id })).items;
    if (conversations.length !== 1) throw new Error(`expected one conversation, got ${conversations.length}`);
    return {
      conversationThreadKeys: conversations[0].threadKeys.length,
      switches: conversations[0].switchCount,
      windows,
      // The longest conversation's messages against a short one's, side by side: flat is 1.
      growth: windows.at(-1).vsShort,
    };
  } finally {
    await hub.close();
  }
}

// The k-th message to arrive: in time order, with each pair swapped (1, 0, 3, 2, …), or all with
// one timestamp (an import without times; ties are ordered by id, so most land before the latest).
const ARRIVALS = {
  'in order': (k, customer) => event(k, customer),
  'each pair swapped': (k, customer) => event(k ^ 1, customer),
  'one timestamp': (k, customer) => event(k, customer, true),
  // Every message a channel switch: the record keeps the latest 100 switches, not all of them.
  'WhatsApp and SMS in turn': (k, customer) => event(k, customer, false, k % 2 === 0 ? 'whatsapp' : 'sms'),
};

const oneByOne = (arrival) => async (hub, from, to, customer) => {
  for (let k = from; k < to; k++) await hub.ingest(arrival(k, customer));
};
const batched = (arrival) => async (hub, from, to, customer) => {
  for (let k = from; k < to; k += 100) {
    const batch = [];
    for (let j = k; j < Math.min(to, k + 100); j++) batch.push(arrival(j, customer));
    for (const r of await hub.ingestMany(batch)) if (r.status === 'rejected') throw r.reason;
  }
};

const results = [];
for (const [arrival, order] of Object.entries(ARRIVALS)) {
  results.push({
    store: 'memory',
    mode: 'hub.ingest, one by one',
    arrival,
    ...(await run(memoryStore(), 50_000, [WINDOW, 10_000, 50_000], oneByOne(order))),
  });
  results.push({
    store: 'PGlite (in memory)',
    mode: 'hub.ingestMany, batches of 100',
    arrival,
    ...(await run(await pgliteStore(), 20_000, [WINDOW, 10_000, 20_000], batched(order))),
  });
}

const out = process.argv[2];
if (out) writeFileSync(out, JSON.stringify({ results }, null, 2));
else console.log(JSON.stringify(results, null, 2));
