import type { InboundEvent } from '../model/events.js';
import type { IngestResult } from './ingest.js';

type Outcomes = PromiseSettledResult<IngestResult>[];

interface Waiting {
  events: readonly InboundEvent[];
  settle: (outcomes: Outcomes) => void;
}

/**
 * Group commit: events submitted while a batch is being written wait for it, then go together in
 * the next batch (whole submissions, up to `maxBatch` events, one transaction each — `ingestMany`
 * keeps each event's outcome its own). Alone, an event is written at once, so a quiet server adds no
 * latency; under load, many requests share one durable commit instead of queueing for one each.
 * Every submitter is answered after the commit that holds its events.
 */
export function createGroupCommit(
  ingestMany: (events: readonly InboundEvent[], options: { batchSize: number }) => Promise<Outcomes>,
  maxBatch: number,
): (events: readonly InboundEvent[]) => Promise<Outcomes> {
  const queue: Waiting[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        // At least one submission; more while they fit in the batch.
        const batch = [queue.shift()!];
        let size = batch[0]!.events.length;
        while (queue.length > 0 && size + queue[0]!.events.length <= maxBatch) {
          size += queue[0]!.events.length;
          batch.push(queue.shift()!);
        }
        const events = batch.flatMap((w) => w.events);
        let outcomes: Outcomes;
        try {
          outcomes = await ingestMany(events, { batchSize: maxBatch });
        } catch (reason) {
          // ingestMany answers per event; should it throw all the same, every submitter hears why.
          outcomes = events.map(() => ({ status: 'rejected', reason }) as const);
        }
        let offset = 0;
        for (const waiting of batch) {
          waiting.settle(outcomes.slice(offset, offset + waiting.events.length));
          offset += waiting.events.length;
        }
      }
    } finally {
      writing = false;
    }
  }

  return (events) =>
    new Promise<Outcomes>((settle) => {
      queue.push({ events, settle });
      if (!writing) void drain();
    });
}
