#!/usr/bin/env node
// Ingest throughput of the hub on memoryStore, PGlite and PostgreSQL (1 and 8 writer processes),
// each event in its own transaction (`hub.ingest`, mode per-event) and in batches (`hub.ingestMany`,
// mode batched, OMNITHREAD_BENCH_BATCH events a transaction, default 100).
// A benchmark, not a test: run after `pnpm build` (it uses the built packages).
//
//   node packages/postgres/bench/ingest.mjs [results.json]
//
// Each writer is a separate process (harness/worker.mjs); the clock starts when every writer has
// opened its store and stops when the last one is done. The events are one journey (SMS and
// WhatsApp from the same numbers, outbound replies with statuses, email threads), shuffled and
// split between the writers.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { journeyEvents } from '../harness/journey.mjs';
import { admin, databaseName, postgresUnavailable, startTestServer } from '../harness/pg-server.mjs';

// OMNITHREAD_BENCH_CUSTOMERS scales the journey (default 1,000 phone customers and 300 email threads:
// 8,900 events, a run of several seconds; with a few hundred customers 8 writers mostly wait on
// each other's locks, and a sub-second run is mostly start-up).
const CUSTOMERS = Number(process.env.OMNITHREAD_BENCH_CUSTOMERS ?? 1000);
const JOURNEY = { phoneCustomers: CUSTOMERS, emailThreads: Math.round(CUSTOMERS * 0.3) };
const BATCH = Number(process.env.OMNITHREAD_BENCH_BATCH ?? 100);
// Before the clock starts each writer ingests, the same way, a journey of other customers (40 per
// writer): the timed part then runs on warm code and connections, as a long-lived process does.
const warmupFor = (writers) => ({ phoneCustomers: 40 * writers, emailThreads: 12 * writers, first: 5000 });
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

/** CPU seconds (user + system) a local process has used so far, or undefined when /proc cannot tell. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The server processes serving a database (a local server only): their CPU use is the server's cost. */
async function backendsOf(store) {
  if (store.kind !== 'postgres' || process.env.OMNITHREAD_TEST_PG_URL) return [];
  const client = new pg.Client({ connectionString: store.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** Starts `writers` processes on one store, lets them go together, and times them. */
async function measure(label, store, writers, batchSize, split = 'event') {
  const events = journeyEvents(JOURNEY);
  const messages = events.filter((e) => e.type === 'message').length;
  const procs = Array.from({ length: writers }, (_, index) =>
    runWriter({
      store,
      journey: JOURNEY,
      seed: 1,
      partition: { index, of: writers, by: split },
      waitForGo: true,
      warmup: warmupFor(writers),
      ...(batchSize === undefined ? {} : { batchSize }),
    }),
  );
  const ready = procs.map((p) => p.next('ready'));
  await Promise.all(ready);
  // Every writer has opened its store (its pool's connection is up): these serve the run.
  const backends = await backendsOf(store);
  const serverCpu = new Map(backends.map((pid) => [pid, { start: processCpu(pid), last: undefined }]));
  const sampleServer = () => {
    for (const [pid, cpu] of serverCpu) cpu.last = processCpu(pid) ?? cpu.last;
  };
  // Sampled as each writer finishes, before it closes its connections (a backend's CPU only grows).
  const done = procs.map((p) =>
    p.next('done').then((report) => {
      sampleServer();
      return report;
    }),
  );
  const started = performance.now();
  for (const p of procs) p.child.send('go');
  const reports = await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(procs.map((p) => p.exited));
  const writerCpuMs = reports.reduce((sum, r) => sum + r.cpuMs, 0);
  let serverCpuMs;
  if (
    serverCpu.size > 0 &&
    [...serverCpu.values()].every((c) => c.start !== undefined && c.last !== undefined)
  )
    serverCpuMs = [...serverCpu.values()].reduce((sum, c) => sum + (c.last - c.start) * 1000, 0);
  return {
    store: label,
    writers,
    mode: batchSize === undefined ? 'per-event' : 'batched',
    batchSize: batchSize ?? 1,
    // How events are split between writers: every other event (each writer's batches share
    // customers with the others' and wait on their locks), or by customer (a partitioned queue).
    split,
    events: events.length,
    messages,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(events.length / seconds),
    messagesPerSecond: Math.round(messages / seconds),
    // CPU per event, independent of what else the machine runs: the writers' (hub, driver) and the
    // server's (its backends for this database, when the server is local).
    writerCpuMsPerEvent: Number((writerCpuMs / events.length).toFixed(3)),
    ...(serverCpuMs === undefined
      ? {}
      : { serverCpuMsPerEvent: Number((serverCpuMs / events.length).toFixed(3)) }),
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
    for (const batch of [undefined, BATCH]) {
      results.push(await measure('memoryStore', { kind: 'memory' }, 1, batch));
      const dir = join(tmp, `pglite-${batch ?? 1}`);
      results.push(await measure('PGlite (disk)', { kind: 'pglite', dir }, 1, batch));
    }
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
          { label: 'PostgreSQL', writers: 1, options: {}, batch: BATCH },
          { label: 'PostgreSQL', writers: 8, options: {}, batch: BATCH },
          // Smaller batches hold fewer locks: writers whose batches share no customer run side by side.
          ...(BATCH === 25 ? [] : [{ label: 'PostgreSQL', writers: 8, options: {}, batch: 25 }]),
          { label: 'PostgreSQL', writers: 8, options: {}, batch: BATCH, split: 'customer' },
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
          const result = await measure(run.label, spec, run.writers, run.batch, run.split);
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

  const rows = [
    [
      'store',
      'writers',
      'mode',
      'events',
      'seconds',
      'events/s',
      'msgs/s',
      'cpu ms/ev writers',
      'server',
      'rollbacks',
      'deadlocks',
    ],
  ];
  for (const r of results) {
    const mode = `${r.mode === 'batched' ? `batched ${r.batchSize}` : r.mode}${r.split === 'customer' ? ', split by customer' : ''}`;
    const cells = [r.store, r.writers, mode, r.events, r.seconds, r.eventsPerSecond, r.messagesPerSecond];
    const cpu = [r.writerCpuMsPerEvent, r.serverCpuMsPerEvent ?? '-'];
    rows.push([...cells, ...cpu, r.rollbacks ?? '-', r.deadlocks ?? '-'].map(String));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`ingest throughput (${results[0]?.events ?? 0} events, ${results[0]?.messages ?? 0} messages)`);
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
    );
  for (const s of skipped) console.log(`skipped ${s.store}: ${s.reason}`);
  const out = process.argv[2];
  if (out) {
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, load: loadavg() };
    const report = {
      benchmark: 'ingest',
      date: new Date().toISOString(),
      machine,
      journey: JOURNEY,
      batchSize: BATCH,
      results,
      skipped,
    };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
