// One writer process: opens a store, ingests journey events through the hub, reports over IPC.
// Used by the multi-process and crash tests (bundled from sources) and by the benchmark (on dist).
//
// argv[2] is JSON: { store: { kind: 'postgres', url, synchronousCommit? } | { kind: 'pglite', dir } | { kind: 'memory' },
//   journey: { phoneCustomers, emailThreads }, seed, duplicateEvery, partition?: { index, of, by?: 'event' | 'customer' },
//   stallAt?: n (hang inside the transaction of the first message at or after the n-th delivery whose
//     sender is new, after its contact and identity keys are written),
//   waitForGo?: true (wait for a 'go' message before ingesting),
//   batchSize?: n (ingest with hub.ingestMany in batches of n instead of one hub.ingest per event),
//   warmup?: { phoneCustomers, emailThreads, first } (a journey of other customers ingested the same
//     way before 'ready', untimed: the process then runs warm, as a long-lived one would) }
import { createHub, defaultRules, memoryStore } from '@omnithread/core';
import { pgliteStore, postgresStore } from '@omnithread/postgres';
import { deliveries, inPartition, JOURNEY_NOW, journeyEvents } from './journey.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const send = (message) => new Promise((resolve) => process.send(message, undefined, undefined, resolve));

async function openConfiguredStore(spec) {
  if (spec.kind === 'postgres')
    return postgresStore({
      connectionString: spec.url,
      maxConnections: 2,
      ...(spec.synchronousCommit === false ? { synchronousCommit: false } : {}),
    });
  if (spec.kind === 'pglite') return pgliteStore({ dir: spec.dir });
  if (spec.kind === 'memory') return memoryStore();
  throw new Error(`unknown store kind ${spec.kind}`);
}

async function main() {
  const opened = await openConfiguredStore(config.store);
  // Transactions started, retries included: a batch redone one event at a time would show here.
  let transactions = 0;
  const store = {
    ...opened,
    transaction(fn) {
      transactions++;
      return opened.transaction(fn);
    },
  };
  let current = 0;
  // Placement runs after the sender's contact and identity keys are written in the transaction:
  // a process killed while this rule waits dies holding a half-done transaction.
  const stall = {
    name: 'test-stall',
    async place(context) {
      if (config.stallAt !== undefined && current >= config.stallAt && context.resolution.created) {
        const { channel, external } = context.message;
        await send({
          type: 'stalled',
          at: current,
          message: `${channel}:${external.id}`,
          identity: context.contact.identities[0],
        });
        await new Promise(() => undefined);
      }
      return undefined;
    },
  };
  const hub = createHub({
    store,
    clock: () => JOURNEY_NOW,
    ...(config.stallAt === undefined ? {} : { rules: [stall, ...defaultRules()] }),
  });
  let events = deliveries(journeyEvents(config.journey), {
    seed: config.seed ?? 1,
    duplicateEvery: config.duplicateEvery ?? 0,
  });
  if (config.partition) events = events.filter((e, i) => inPartition(e, i, config.partition));
  const run = async (list) => {
    if (config.batchSize === undefined) {
      for (const event of list) {
        current++;
        await hub.ingest(event);
      }
      return;
    }
    current += list.length;
    const results = await hub.ingestMany(list, { batchSize: config.batchSize });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  if (config.warmup) {
    let warm = deliveries(journeyEvents(config.warmup), { seed: config.seed ?? 1 });
    if (config.partition) warm = warm.filter((e, i) => inPartition(e, i, config.partition));
    await run(warm);
    current = 0;
    transactions = 0;
  }
  await send({ type: 'ready', events: events.length });
  if (config.waitForGo) await new Promise((resolve) => process.once('message', resolve));
  const started = performance.now();
  const cpu = process.cpuUsage();
  await run(events);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await send({
    type: 'done',
    ingested: events.length,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    systemCpuMs: used.system / 1000,
    transactions,
  });
  await hub.close();
}

main().then(
  () => process.exit(0),
  async (error) => {
    await send({ type: 'error', message: String(error?.stack ?? error) });
    process.exit(1);
  },
);
