// hub.ingest on the memory store vs the floor (JSON.parse + a Map insert), for a model event.
import { createHub, memoryStore } from '../packages/core/dist/index.js';
import { measure } from './lib.mjs';

export async function benchCoreIngest() {
  const template = JSON.stringify({
    type: 'message',
    message: {
      channel: 'sms',
      from: { kind: 'phone', value: '+14155550100' },
      to: [{ kind: 'phone', value: '+18005550199' }],
      sentAt: '2026-11-17T08:05:00.000Z',
      text: 'Hi, Dana here about order 1042 - tracking now says delivered but there is nothing at my door',
      external: { id: 'SM0' },
      raw: { Body: 'Hi', From: '+14155550100', To: '+18005550199', MessageSid: 'SM0' },
    },
  });
  const payloads = Array.from({ length: 1000 }, (_, i) =>
    template.replace('"SM0"', `"SM${i}"`).replace('0100"', `${String(i % 50).padStart(4, '0')}"`),
  );
  let i = 0;
  const floorMap = new Map();
  let hub = createHub({ store: memoryStore() });
  let n = 0;
  const results = await measure({
    floor: () => {
      const e = JSON.parse(payloads[i++ % payloads.length]);
      floorMap.set(`${e.message.channel}:${e.message.external.id}:${i}`, e);
    },
    ingest: async () => {
      // A fresh external id each time, so every call does the full work (not the dedup shortcut).
      const e = JSON.parse(payloads[n % payloads.length]);
      e.message.external.id = `SM-${n++}`;
      await hub.ingest(e);
      if (n % 20000 === 0) hub = createHub({ store: memoryStore() });
    },
  });
  return {
    floorUs: results.floor.meanUs,
    ingestUs: results.ingest.meanUs,
    ratio: results.ingest.meanUs / results.floor.meanUs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchCoreIngest());
