// Small helpers shared by the benchmarks: measuring with tinybench, machine facts, a text table.
import { Session } from 'node:inspector/promises';
import { cpus, totalmem } from 'node:os';
import { Bench } from 'tinybench';

/**
 * Runs named functions with tinybench and returns mean latency (µs) and throughput (ops/s) for each.
 * Each task is warmed up for at least `warmupIterations` calls first: the ingest pipeline needs
 * several thousand calls before V8 has optimized it (the first 5,000 SMS ingests cost three times
 * the steady state), and a server lives in the steady state.
 */
export async function measure(tasks, { time = 1000, warmupTime = 1000, warmupIterations = 20_000 } = {}) {
  const bench = new Bench({ time, warmupTime, warmupIterations });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r?.state !== 'completed')
      throw new Error(`benchmark ${task.name} did not complete: ${r?.error ?? r?.state}`);
    out[task.name] = {
      meanUs: r.period * 1000,
      opsPerSec: 1000 / r.period,
      samples: r.latency.samplesCount ?? r.latency.samples?.length,
    };
  }
  return out;
}

/**
 * Bytes allocated per call of `fn` (awaited), garbage included: V8's sampling heap profiler with the
 * objects later collected kept in the profile. Unlike time, this does not move with the host's load,
 * so it shows what a change does to the work on a shared machine. Sampled every 256 bytes: over
 * thousands of calls the mean is within a few percent.
 */
export async function allocatedPerCall(fn, calls = 5000) {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < calls; i++) await fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const stack = [profile.head];
    while (stack.length > 0) {
      const node = stack.pop();
      bytes += node.selfSize;
      stack.push(...node.children);
    }
    return bytes / calls;
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

export function machine() {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Renders rows (arrays of cells) as an aligned text table. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export const fmt = (n, digits = 1) =>
  n >= 100
    ? Math.round(n).toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
