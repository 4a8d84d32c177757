#!/usr/bin/env node
// Group commit: 800 SMS webhooks' events handed to `hub.ingest` at once (a burst a server is behind
// on), on PGlite on disk, with and without `groupCommit`. Without it each event is its own durable
// transaction; with it, events that arrive while one commits share the next. Writes its figures as
// JSON to the path it is given.
//
//   node bench/group-commit.mjs [results.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '../packages/core/dist/index.js';
import { pgliteStore } from '../packages/postgres/dist/index.js';

const BURST = 800;
const CUSTOMERS = 200;

const event = (n) => ({
  type: 'message',
  message: {
    channel: 'sms',
    from: { kind: 'phone', value: `+1415555${String(n % CUSTOMERS).padStart(4, '0')}` },
    to: [{ kind: 'phone', value: '+18005550199' }],
    sentAt: new Date(Date.parse('2026-11-23T09:00:00.000Z') + n * 1000).toISOString(),
    text: `Message ${n} about order ${1000 + (n % CUSTOMERS)}`,
    external: { id: `SM${String(n).padStart(32, '0')}` },
    thread: { keys: [`twilio:SM${String(n).padStart(32, '0')}`], refs: [] },
    raw: { MessageSid: `SM${String(n).padStart(32, '0')}`, Body: `Message ${n}` },
  },
});

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'omnithread-group-commit-'));
try {
  for (const groupCommit of [false, true]) {
    const base = await pgliteStore({ dir: join(dir, String(groupCommit)) });
    let transactions = 0;
    const store = {
      ...base,
      transaction: (fn) => {
        transactions++;
        return base.transaction(fn);
      },
    };
    const hub = createHub({ store, groupCommit });
    // Warm up on other customers, then the burst.
    for (let n = 0; n < 100; n++) await hub.ingest(event(100_000 + n));
    transactions = 0;
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: BURST }, (_, n) => hub.ingest(event(n))));
    const seconds = (performance.now() - started) / 1000;
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    if (failed > 0) throw new Error(`${failed} ingests failed`);
    results.push({ groupCommit, events: BURST, seconds, eventsPerSecond: BURST / seconds, transactions });
    await hub.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const out = process.argv[2];
if (out) writeFileSync(out, JSON.stringify({ results }, null, 2));
else console.log(results);
