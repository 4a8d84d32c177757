#!/usr/bin/env node
// One customer's long WhatsApp conversation: the cost of each new message as the conversation grows,
// on the memory store (`hub.ingest`, one by one) and on PGlite (`hub.ingestMany`, batches of 100).
// Every message carries its own thread key (as WhatsApp's do, so a later quoted reply finds it): a
// store that kept them all in the conversation's record would make each message cost more than the
// one before. Writes its figures as JSON to the path it is given.
//
//   node bench/long-conversation.mjs [results.json]
import { writeFileSync } from 'node:fs';
import { createHub, memoryStore } from '../packages/core/dist/index.js';
import { pgliteStore } from '../packages/postgres/dist/index.js';

const START = Date.parse('2026-11-02T09:00:00.000Z');
const WINDOW = 1000;
const WARMUP = 10000;

const event = (n, from = '14155550100') => ({
  type: 'message',
  message: {
    channel: 'whatsapp',
    from: { kind: 'whatsapp', value: from },
    to: [{ kind: 'whatsapp', value: '18005550199' }],
    // A minute apart: one session, one conversation.
    sentAt: new Date(START + n * 60_000).toISOString(),
    text: `Message ${n} about order 1042`,
    external: { id: `wamid.${from}.${n}` },
    thread: { keys: [`whatsapp:wamid.${from}.${n}`], refs: [] },
    raw: { id: `wamid.${from}.${n}`, text: { body: `Message ${n} about order 1042` } },
  },
});

/**
 * Ingests `total` messages and times the windows of WINDOW messages that end at each of `marks`,
 * after another customer's conversation of WARMUP messages has warmed the code up.
 */
async function run(store, total, marks, ingestRange) {
  const hub = createHub({ store });
  const windows = [];
  let done = 0;
  try {
    await ingestRange(hub, 0, WARMUP, '14155550999');
    for (const mark of marks) {
      // Untimed up to the window, then the window itself.
      await ingestRange(hub, done, mark - WINDOW);
      const started = process.hrtime.bigint();
      await ingestRange(hub, mark - WINDOW, mark);
      const ns = Number(process.hrtime.bigint() - started);
      windows.push({ messages: mark, usPerMessage: ns / 1000 / WINDOW });
      done = mark;
    }
    await ingestRange(hub, done, total);
    const contact = await hub.contacts.findByIdentity({ kind: 'whatsapp', value: '14155550100' });
    const conversations = (await hub.conversations.list({ contactId: contact.id })).items;
    if (conversations.length !== 1) throw new Error(`expected one conversation, got ${conversations.length}`);
    return {
      conversationThreadKeys: conversations[0].threadKeys.length,
      windows,
      // Against the cheapest window, so a slow first one (code still warming up) cannot hide growth.
      growth: windows.at(-1).usPerMessage / Math.min(...windows.map((w) => w.usPerMessage)),
    };
  } finally {
    await hub.close();
  }
}

const oneByOne = async (hub, from, to, customer) => {
  for (let n = from; n < to; n++) await hub.ingest(event(n, customer));
};
const batched = async (hub, from, to, customer) => {
  for (let n = from; n < to; n += 100) {
    const batch = [];
    for (let k = n; k < Math.min(to, n + 100); k++) batch.push(event(k, customer));
    for (const r of await hub.ingestMany(batch)) if (r.status === 'rejected') throw r.reason;
  }
};

const results = [
  {
    store: 'memory',
    mode: 'hub.ingest, one by one',
    ...(await run(memoryStore(), 50_000, [WINDOW, 10_000, 50_000], oneByOne)),
  },
  {
    store: 'PGlite (in memory)',
    mode: 'hub.ingestMany, batches of 100',
    ...(await run(await pgliteStore(), 20_000, [WINDOW, 10_000, 20_000], batched)),
  },
];

const out = process.argv[2];
if (out) writeFileSync(out, JSON.stringify({ results }, null, 2));
else console.log(JSON.stringify(results, null, 2));
