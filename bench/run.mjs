#!/usr/bin/env node
// `pnpm bench`: every benchmark in one run, printed as one table and written to bench/results.json.
// Benchmarks, never timed unit tests. Packages must be built (the root bootstrap does it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchChannels } from './channels.mjs';
import { fmt, machine, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const rows = [];
const results = { machine: machine(), sections: {} };
const tmp = mkdtempSync(join(tmpdir(), 'omnithread-bench-'));

/** Runs a package's own benchmark script, which writes its figures as JSON to the path it is given. */
function runScript(name, script, extraArgs = []) {
  const path = join(root, script);
  if (!existsSync(path)) {
    results.sections[name] = { skipped: `${script} not found` };
    rows.push([name, 'skipped', '-', '-', `${script} not found`]);
    return undefined;
  }
  const out = join(tmp, `${name}.json`);
  console.error(`bench: ${name} (${script})…`);
  const run = spawnSync(process.execPath, [path, out, ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0 || !existsSync(out)) {
    results.sections[name] = { failed: `exit ${run.status}` };
    rows.push([name, 'failed', '-', '-', `exit ${run.status}`]);
    return undefined;
  }
  const data = JSON.parse(readFileSync(out, 'utf8'));
  results.sections[name] = data;
  return data;
}

try {
  if (wanted('channels')) {
    console.error('bench: webhook ingest per channel…');
    const channels = await benchChannels();
    results.sections.channels = channels;
    for (const c of channels) {
      rows.push([`ingest ${c.channel}`, 'floor (decode + Map insert)', `${fmt(c.floorUs, 2)} µs`, '', '']);
      rows.push(['', 'parse', `${fmt(c.parseUs, 2)} µs`, `${fmt(c.parseRatio)}× floor`, '']);
      const within = c.ingestRatio <= 4;
      rows.push([
        '',
        'parse + hub.ingest (memory)',
        `${fmt(c.ingestUs, 2)} µs`,
        `${fmt(c.ingestRatio)}× floor`,
        // The target is for webhooks; a file format's row is there for reference.
        c.webhook
          ? `target ≤ 4× ${within ? 'met' : 'missed'}`
          : `a file, not a webhook (${within ? 'within' : 'over'} 4×)`,
      ]);
      const { floor, parse, ingest } = c.allocatedBytes;
      rows.push([
        '',
        'allocated a call, garbage included (floor / parse / ingest)',
        `${fmt(floor / 1024, 1)} / ${fmt(parse / 1024, 1)} / ${fmt(ingest / 1024, 1)} KB`,
        `${fmt(ingest / floor)}× floor`,
        '',
      ]);
    }
  }
  if (wanted('email')) {
    const email = runScript('email', 'packages/email/bench/parse.mjs');
    for (const p of email?.parse ?? []) {
      rows.push([
        `email parse ${p.name}`,
        `${email.corpus.files} fixture files`,
        `${fmt(p.msgsPerSec)} msgs/s`,
        `${fmt(p.mbPerSec, 2)} MB/s`,
        '',
      ]);
    }
    for (const t of email?.threading ?? []) {
      rows.push([
        `email threading ${t.messages.toLocaleString('en-US')} msgs`,
        `${t.threads.toLocaleString('en-US')} threads`,
        `${fmt(t.usPerMsg, 2)} µs/msg`,
        `${fmt(t.ms)} ms`,
        '',
      ]);
    }
    if (email) {
      rows.push([
        'email threading cost 1M vs 10k',
        'per message',
        `×${fmt(email.perMessageGrowth, 2)}`,
        'flat ≈ 1',
        email.perMessageGrowth <= 1.5 ? 'flat: met' : 'flat: missed',
      ]);
      const pct = email.threadingOverheadVsParse * 100;
      rows.push([
        'email threading vs parse',
        'added time',
        `${fmt(pct, 2)} %`,
        '',
        pct < 10 ? 'target < 10 % met' : 'target < 10 % missed',
      ]);
    }
  }
  if (wanted('stores')) {
    const stores = runScript('stores', 'packages/postgres/bench/ingest.mjs');
    for (const r of stores?.results ?? []) {
      const target =
        r.store.startsWith('PostgreSQL') && r.writers === 8
          ? r.messagesPerSecond >= 2000
            ? 'target ≥ 2,000 met'
            : 'target ≥ 2,000 missed'
          : '';
      const mode = `${r.mode === 'batched' ? `hub.ingestMany, batches of ${r.batchSize}` : 'hub.ingest, one by one'}${
        r.split === 'customer' ? ', split by customer' : ''
      }`;
      rows.push([
        `store ${r.store}`,
        `${r.writers} writer${r.writers === 1 ? '' : 's'}, ${mode}`,
        `${fmt(r.messagesPerSecond)} msgs/s`,
        `${fmt(r.eventsPerSecond)} events/s`,
        target,
      ]);
    }
    for (const s of stores?.skipped ?? []) rows.push([`store ${s.store}`, 'skipped', '-', '-', s.reason]);
  }
  if (wanted('conversation')) {
    const long = runScript('conversation', 'bench/long-conversation.mjs');
    for (const r of long?.results ?? []) {
      for (const w of r.windows) {
        rows.push([
          `long conversation, ${r.store}, ${r.arrival}`,
          `message ${w.messages.toLocaleString('en-US')} (${r.mode})`,
          `${fmt(w.usPerMessage, 1)} µs/msg`,
          '',
          '',
        ]);
      }
      rows.push([
        `long conversation, ${r.store}, ${r.arrival}`,
        `last window vs a short conversation beside it; ${r.conversationThreadKeys} thread key(s) in the record${
          r.switches ? `, ${r.switches.toLocaleString('en-US')} switches` : ''
        }`,
        `×${fmt(r.growth, 2)}`,
        'flat ≈ 1',
        r.growth <= 1.5 ? 'flat: met' : 'flat: missed',
      ]);
    }
  }
  if (wanted('groupcommit')) {
    const burst = runScript('groupcommit', 'bench/group-commit.mjs');
    for (const r of burst?.results ?? []) {
      rows.push([
        `burst of ${r.events} events on PGlite (disk)`,
        `hub.ingest, ${r.groupCommit ? 'groupCommit on' : 'one transaction each'}`,
        `${fmt(r.eventsPerSecond)} events/s`,
        `${r.transactions} transactions`,
        '',
      ]);
    }
  }
  if (wanted('serve')) {
    const serve = runScript('serve', 'bench/serve-load.mjs');
    for (const run of serve?.runs ?? []) {
      for (const r of run.rates) {
        rows.push([
          `serve (${run.store}): signed SMS webhooks at ${r.rate}/s`,
          `${r.ok}/${r.sent} answered 200`,
          `${fmt(r.throughput)} req/s`,
          `p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms`,
          '',
        ]);
      }
      const clean = run.lost === 0 && run.duplicated === 0;
      rows.push([
        `serve (${run.store}): store afterwards`,
        `${run.accepted} accepted`,
        `${run.stored} stored`,
        `${run.lost} lost, ${run.duplicated} duplicated`,
        clean ? 'zero lost/duplicated: met' : 'zero lost/duplicated: missed',
      ]);
    }
  }
  if (wanted('mbox')) {
    const mbox = runScript('mbox', 'bench/mbox-memory.mjs');
    if (mbox) {
      const first = mbox.samples[0]?.rssMB ?? 0;
      const last = mbox.samples.at(-1)?.rssMB ?? 0;
      rows.push([
        `import ${fmt(mbox.fileMB / 1024, 2)} GB mbox (streamed)`,
        `${mbox.events} messages in ${fmt(mbox.seconds)} s`,
        `peak ${fmt(mbox.peakRssMB)} MB RSS`,
        `RSS ${fmt(first)} → ${fmt(last)} MB`,
        mbox.peakRssMB < 256 ? 'target < 256 MB met' : 'target < 256 MB missed',
      ]);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const m = results.machine;
console.log(
  `\nOmnithread benchmarks — ${m.date.slice(0, 10)}, ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB, Node ${m.node}\n`,
);
console.log(table(['benchmark', 'figure', 'value', 'compared', 'target'], rows));
results.table = rows;
if (only.length === 0) {
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten to bench/results.json');
}
