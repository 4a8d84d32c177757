#!/usr/bin/env node
// `omnithread serve` under load from a second process: signed Twilio SMS webhooks at increasing
// rates against the server on 127.0.0.1, first with its embedded store (PGlite on disk, as in
// production without a DATABASE_URL), then with a PostgreSQL server (a throwaway durable cluster,
// when Debian's postgresql is installed). Reports throughput and p50/p99 latency per rate, then stops
// the server, opens its store and checks that every accepted message is there exactly once. Bounded
// in count and time.
//
//   node bench/serve-load.mjs [out.json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { twilioSignature } from '../packages/core/dist/index.js';
import { openStore } from '../packages/postgres/dist/index.js';
import {
  admin,
  databaseName,
  postgresUnavailable,
  startTestServer,
} from '../packages/postgres/harness/pg-server.mjs';

const RATES = [25, 50, 100, 200, 400];
const SECONDS_PER_RATE = 4;
const MAX_IN_FLIGHT = 400;
const TOKEN = 'bench-auth-token';
const cli = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const sid = (n) => `SM${n.toString(16).padStart(32, '0')}`;

/**
 * One server, loaded at every rate. `storeSpec` is what `OMNITHREAD_STORE` takes: a directory or a
 * `postgres://` URL. `first` numbers this run's message ids after the previous run's.
 */
async function loadServer(label, storeSpec, dir, first) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [cli, 'serve', '--port', String(port)], {
    cwd: dir,
    env: {
      ...process.env,
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+18005550199',
      PUBLIC_BASE_URL: base,
      OMNITHREAD_STORE: storeSpec,
      OMNITHREAD_LISTEN: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Omnithread inbox on')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`serve exited (${code}) before it was ready`)));
  });

  const url = `${base}/webhooks/sms`;
  let n = first;
  const accepted = new Set();
  const results = [];
  for (const rate of RATES) {
    const latencies = [];
    let ok = 0;
    let failed = 0;
    let inFlight = 0;
    const pending = [];
    const start = performance.now();
    const total = rate * SECONDS_PER_RATE;
    for (let i = 0; i < total; i++) {
      // Open loop: requests leave on schedule whether or not earlier ones answered (bounded in flight).
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= MAX_IN_FLIGHT) {
        failed++;
        continue;
      }
      const id = sid(++n);
      const params = {
        MessageSid: id,
        SmsSid: id,
        AccountSid: 'AC00000000000000000000000000000000',
        From: `+1415555${String(n % 500).padStart(4, '0')}`,
        To: '+18005550199',
        Body: `load test message ${n}`,
        NumMedia: '0',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      };
      const body = new URLSearchParams(params).toString();
      inFlight++;
      const sent = performance.now();
      pending.push(
        fetch(url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(TOKEN, url, params),
          },
        })
          .then(async (res) => {
            await res.arrayBuffer();
            latencies.push(performance.now() - sent);
            if (res.status === 200) {
              ok++;
              accepted.add(id);
            } else failed++;
          })
          .catch(() => failed++)
          .finally(() => inFlight--),
      );
    }
    await Promise.all(pending);
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    results.push({
      rate,
      sent: total,
      ok,
      failed,
      seconds,
      throughput: ok / seconds,
      p50Ms: pct(50),
      p99Ms: pct(99),
    });
    console.error(
      `serve load (${label}): ${rate} req/s → ${ok} ok, ${failed} failed, p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`,
    );
  }

  server.kill('SIGTERM');
  await new Promise((resolve) => server.on('exit', resolve));

  // Count what the store kept: every accepted message once, nothing else.
  const store = await openStore(storeSpec);
  const seen = new Map();
  let cursor;
  do {
    const page = await store.listConversations(cursor ? { limit: 1000, cursor } : { limit: 1000 });
    for (const c of page.items) {
      let mc;
      do {
        const messages = await store.listMessages(c.id, mc ? { limit: 1000, cursor: mc } : { limit: 1000 });
        for (const m of messages.items) seen.set(m.external.id, (seen.get(m.external.id) ?? 0) + 1);
        mc = messages.nextCursor;
      } while (mc);
    }
    cursor = page.nextCursor;
  } while (cursor);
  await store.close();
  const lost = [...accepted].filter((id) => !seen.has(id)).length;
  const duplicated = [...seen.values()].filter((count) => count > 1).length;
  console.error(
    `serve load (${label}): ${accepted.size} accepted, ${seen.size} stored, ${lost} lost, ${duplicated} duplicated`,
  );
  return {
    store: label,
    rates: results,
    accepted: accepted.size,
    stored: seen.size,
    lost,
    duplicated,
    last: n,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'omnithread-serve-load-'));
  const runs = [];
  try {
    runs.push(await loadServer('PGlite (embedded, on disk)', join(dir, 'store'), dir, 0));
    const unavailable = postgresUnavailable();
    if (unavailable) console.error(`serve load: PostgreSQL skipped (${unavailable})`);
    else {
      // Durable (fsync and synchronous commit on), as a production server is.
      const server = await startTestServer({ durable: true });
      try {
        const db = databaseName('serve_load');
        await admin(server, `CREATE DATABASE ${db}`);
        runs.push(
          await loadServer('PostgreSQL 15 (durable, same host)', server.urlOf(db), dir, runs[0].last),
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = { runs: runs.map(({ last: _, ...run }) => run) };
  if (process.argv[2]) writeFileSync(process.argv[2], `${JSON.stringify(summary, null, 2)}\n`);
  if (runs.some((r) => r.lost > 0 || r.duplicated > 0)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
