#!/usr/bin/env node
// Ingest throughput of the hub on memoryStore, PGlite and PostgreSQL (1 and 8 writer processes).
// A benchmark, not a test: run after `pnpm build` (it uses the built packages).
//
//   node packages/postgres/bench/ingest.mjs [results.json]
//
// Each writer is a separate process (harness/worker.mjs); the clock starts when every writer has
// opened its store and stops when the last one is done. The events are one journey (SMS and
// WhatsApp from the same numbers, outbound replies with statuses, email threads), shuffled and
// split between the writers.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { journeyEvents } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';

// OMNITHREAD_BENCH_CUSTOMERS scales the journey (default 200 phone customers, 60 email threads).
const CUSTOMERS = Number(process.env.OMNITHREAD_BENCH_CUSTOMERS ?? 200);
const JOURNEY = { phoneCustomers: CUSTOMERS, emailThreads: Math.round(CUSTOMERS * 0.3) };
const WORKER = fileURLToPath(new URL('../harness/worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function runWriter(config) {
  const child = fork(WORKER, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let failure;
  child.on('message', (m) => {
    if (m.type === 'error') failure = new Error(m.message);
    waiting.get(m.type)?.(m);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const next = (type) =>
    Promise.race([
      new Promise((resolve) => waiting.set(type, resolve)),
      exited.then((code) => {
        throw failure ?? new Error(`writer exited (${code}) before "${type}"`);
      }),
    ]);
  return { child, next, exited };
}

/** Starts `writers` processes on one store, lets them go together, and times them. */
async function measure(label, store, writers) {
  const events = journeyEvents(JOURNEY);
  const messages = events.filter((e) => e.type === 'message').length;
  const procs = Array.from({ length: writers }, (_, index) =>
    runWriter({ store, journey: JOURNEY, seed: 1, partition: { index, of: writers }, waitForGo: true }),
  );
  const ready = procs.map((p) => p.next('ready'));
  await Promise.all(ready);
  const done = procs.map((p) => p.next('done'));
  const started = performance.now();
  for (const p of procs) p.child.send('go');
  await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(procs.map((p) => p.exited));
  return {
    store: label,
    writers,
    events: events.length,
    messages,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(events.length / seconds),
    messagesPerSecond: Math.round(messages / seconds),
  };
}

async function serverStats(server, database) {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT xact_rollback::int AS rollbacks, deadlocks::int AS deadlocks, current_setting('fsync') AS fsync,
         current_setting('synchronous_commit') AS "synchronousCommitServer"
       FROM pg_stat_database WHERE datname = $1`,
      [database],
    );
    return rows[0] ?? {};
  } finally {
    await client.end();
  }
}

async function main() {
  if (!existsSync(DIST)) {
    console.error('bench: build first (pnpm build): packages/postgres/dist is missing');
    process.exit(1);
  }
  const results = [];
  const skipped = [];
  const tmp = mkdtempSync(join(tmpdir(), 'omnithread-bench-'));
  try {
    results.push(await measure('memoryStore', { kind: 'memory' }, 1));
    results.push(await measure('PGlite (disk)', { kind: 'pglite', dir: join(tmp, 'pglite') }, 1));
    const unavailable = postgresUnavailable();
    if (unavailable) skipped.push({ store: 'PostgreSQL', reason: unavailable });
    else {
      // A durable server (fsync, synchronous_commit and full_page_writes as PostgreSQL ships them):
      // each acknowledged ingest is on disk. The last row trades that for speed, per session.
      const server = await startTestServer({ durable: true });
      try {
        const runs = [
          { label: 'PostgreSQL', writers: 1, options: {} },
          { label: 'PostgreSQL', writers: 8, options: {} },
          {
            label: 'PostgreSQL, synchronousCommit: false',
            writers: 8,
            options: { synchronousCommit: false },
          },
        ];
        for (const run of runs) {
          const db = databaseName('omnithread_bench');
          await admin(server, `CREATE DATABASE ${db}`);
          const spec = { kind: 'postgres', url: server.urlOf(db), ...run.options };
          const result = await measure(run.label, spec, run.writers);
          // Lost races the hub had to retry show up as rolled-back transactions and deadlocks.
          const stats = await serverStats(server, db);
          results.push({ ...result, ...stats });
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows = [['store', 'writers', 'events', 'seconds', 'events/s', 'msgs/s', 'rollbacks', 'deadlocks']];
  for (const r of results) {
    const cells = [r.store, r.writers, r.events, r.seconds, r.eventsPerSecond, r.messagesPerSecond];
    rows.push([...cells, r.rollbacks ?? '-', r.deadlocks ?? '-'].map(String));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`ingest throughput (${results[0]?.events ?? 0} events, ${results[0]?.messages ?? 0} messages)`);
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
    );
  for (const s of skipped) console.log(`skipped ${s.store}: ${s.reason}`);
  const out = process.argv[2];
  if (out)
    writeFileSync(
      out,
      `${JSON.stringify({ benchmark: 'ingest', journey: JOURNEY, results, skipped }, null, 2)}\n`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
