// Webhook ingest per channel: the floor (decoding the payload + a Map insert), our `parse` alone,
// and `parse` + `hub.ingest` on the memory store — side by side, with the ratio ours / floor.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHub, memoryStore } from '../packages/core/dist/index.js';
import { createSmsAdapter } from '../packages/sms/dist/index.js';
import { createXAdapter } from '../packages/social/dist/x/index.js';
import { parseTranscript } from '../packages/voice/dist/index.js';
import { createWhatsAppCloudAdapter } from '../packages/whatsapp/dist/cloud/index.js';
import { allocatedPerCall, measure } from './lib.mjs';

const shared = new URL('../../shared/fixtures/', import.meta.url);
const RECEIVED = '2026-11-17T08:05:00.000Z';

const sid = (i) => `SM${i.toString(16).padStart(32, '0')}`;

function smsCase() {
  const sms = createSmsAdapter({
    accountSid: 'AC00000000000000000000000000000000',
    authToken: 'bench-token',
    from: '+18005550199',
  });
  const body = (i) =>
    new URLSearchParams({
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: sid(i),
      NumMedia: '0',
      ToCity: 'SAN FRANCISCO',
      FromZip: '94105',
      SmsSid: sid(i),
      FromState: 'CA',
      SmsStatus: 'received',
      FromCity: 'SAN FRANCISCO',
      Body: 'Any update on order 1042? Tracking says delivered',
      FromCountry: 'US',
      To: '+18005550199',
      ToZip: '94105',
      NumSegments: '1',
      MessageSid: sid(i),
      AccountSid: 'AC00000000000000000000000000000000',
      From: `+1415555${String(i % 1000).padStart(4, '0')}`,
      ApiVersion: '2010-04-01',
    }).toString();
  return {
    channel: 'SMS (Twilio form body)',
    payload: body,
    floor: (text) => Object.fromEntries(new URLSearchParams(text)),
    parse: (text) => sms.parse({ params: text, receivedAt: RECEIVED }),
  };
}

function whatsappCase() {
  const wa = createWhatsAppCloudAdapter({
    appSecret: 's',
    verifyToken: 't',
    accessToken: 'a',
    phoneNumberId: '1122334455667',
  });
  const envelope = JSON.parse(readFileSync(new URL('whatsapp/pywa/message.json', shared), 'utf8')).text;
  const template = JSON.stringify(envelope);
  return {
    channel: 'WhatsApp Cloud (JSON)',
    // 1000 customers, each with their own phone and BSUID.
    payload: (i) =>
      template
        .replace('wamid.xyzxyz', `wamid.bench${i}`)
        .replace(/972987654321/g, `9725${String(i % 1000).padStart(7, '0')}`)
        .replace('US.13491208655302741918', `US.1349120865530274${String(i % 1000).padStart(4, '0')}`),
    floor: (text) => JSON.parse(text),
    parse: (text) => wa.parse(JSON.parse(text)),
  };
}

function xCase() {
  // The adapter's own twitter-api-v2 (parsing never calls it).
  const { TwitterApi } = createRequire(new URL('../packages/social/package.json', import.meta.url))(
    'twitter-api-v2',
  );
  const x = createXAdapter({ client: new TwitterApi('bench'), userId: '3001', consumerSecret: 'bench' });
  const template = readFileSync(
    new URL('../packages/social/test/fixtures/x/aaa-dm.json', import.meta.url),
    'utf8',
  );
  const dm = JSON.parse(template);
  const id = dm.direct_message_events[0].id;
  return {
    channel: 'X DM (Account Activity JSON)',
    payload: (i) => template.replaceAll(`"${id}"`, `"${BigInt(id) + BigInt(i)}"`),
    floor: (text) => JSON.parse(text),
    parse: (text) => x.parse(JSON.parse(text)),
  };
}

function transcriptCase() {
  const vtt = (i) =>
    `WEBVTT\n\n00:00:00.000 --> 00:00:04.200\n<v Customer>Hi, I'm calling about order ${i}, it never arrived.\n\n00:00:04.500 --> 00:00:09.000\n<v Agent>Sorry about that, I'll send a replacement today.\n\n00:00:09.300 --> 00:00:11.000\n<v Customer>Thank you!\n`;
  let n = 0;
  return {
    // A file format (imports, recordings' captions), not a webhook: kept for the smallest floor there is.
    channel: 'Call transcript file (WebVTT)',
    webhook: false,
    payload: vtt,
    floor: (text) => text.split('\n\n').map((cue) => cue.split('\n')),
    parse: (text) =>
      parseTranscript(text, {
        format: 'vtt',
        callId: `CA${n++}`,
        from: '+14155550100',
        to: '+18005550199',
        startedAt: RECEIVED,
        speakers: { Customer: 'customer', Agent: 'agent' },
      }),
  };
}

function deepgramCase() {
  // A Deepgram callback (what its webhook POSTs): JSON, so the floor is JSON.parse as for the others.
  const template = readFileSync(new URL('voice/deepgram-captions/dg_utterances.json', shared), 'utf8');
  const requestId = JSON.parse(template).metadata.request_id;
  return {
    channel: 'Call transcript (Deepgram JSON)',
    payload: (i) => template.replace(requestId, `${requestId.slice(0, -8)}${String(i).padStart(8, '0')}`),
    floor: (text) => JSON.parse(text),
    parse: (text) =>
      parseTranscript(JSON.parse(text), {
        format: 'deepgram',
        from: '+14155550100',
        to: '+18005550199',
        speakers: { 0: 'agent', 1: 'customer' },
      }),
  };
}

const ROUNDS = 5;
const ROUND_MS = 400;
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];

/** Measures one channel; payloads are pre-built so string building is not measured. */
async function benchChannel(c) {
  const payloads = Array.from({ length: 2000 }, (_, i) =>
    typeof c.payload === 'function' ? c.payload(i) : c.payload,
  );
  const sample = c.parse(payloads[0]);
  if (!Array.isArray(sample) || sample.length === 0) throw new Error(`${c.channel}: parse gave no events`);
  let a = 0;
  let b = 0;
  let d = 0;
  const map = new Map();
  let hub = createHub({ store: memoryStore() });
  const floorTask = {
    floor: () => {
      map.set(a, c.floor(payloads[a++ % payloads.length]));
      if (map.size > 50_000) map.clear();
    },
  };
  const oursTasks = {
    parse: () => c.parse(payloads[b++ % payloads.length]),
    ingest: async () => {
      const i = d++;
      // A unique payload each time past the pre-built ones would cost string work; instead a fresh hub
      // every 2000 messages keeps every ingest a real insert (no dedup shortcut).
      if (i % payloads.length === 0) hub = createHub({ store: memoryStore() });
      for (const event of c.parse(payloads[i % payloads.length])) await hub.ingest(event);
    },
  };
  // Rounds of floor, parse and ingest side by side, each figure the median of its rounds: this host is
  // shared, and a slow spell then weighs on all three of a round, not on one task alone.
  const rounds = [];
  for (let k = 0; k < ROUNDS; k++) {
    const settings = k === 0 ? { time: ROUND_MS } : { time: ROUND_MS, warmupTime: 0, warmupIterations: 0 };
    const floor = await measure(floorTask, settings);
    // The floor's map would otherwise stay live (up to 50,000 decoded payloads) and slow the next tasks' GC.
    map.clear();
    const ours = await measure(oursTasks, settings);
    rounds.push({ floor: floor.floor.meanUs, parse: ours.parse.meanUs, ingest: ours.ingest.meanUs });
  }
  // What each task allocates, garbage included: a figure the host's load does not move.
  map.clear();
  const allocated = {
    floor: await allocatedPerCall(floorTask.floor),
    parse: await allocatedPerCall(oursTasks.parse),
    ingest: await allocatedPerCall(oursTasks.ingest),
  };
  map.clear();
  return {
    channel: c.channel,
    webhook: c.webhook !== false,
    floorUs: median(rounds.map((r) => r.floor)),
    parseUs: median(rounds.map((r) => r.parse)),
    ingestUs: median(rounds.map((r) => r.ingest)),
    parseRatio: median(rounds.map((r) => r.parse / r.floor)),
    ingestRatio: median(rounds.map((r) => r.ingest / r.floor)),
    allocatedBytes: allocated,
  };
}

export async function benchChannels() {
  const out = [];
  for (const c of [smsCase(), whatsappCase(), xCase(), deepgramCase(), transcriptCase()])
    out.push(await benchChannel(c));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchChannels());
