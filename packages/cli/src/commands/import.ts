import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createHub,
  type Hub,
  type Importer,
  type InboundEvent,
  isValidationError,
  type Store,
} from '@omnithread/core';
import { importerFor, loadImporters } from '../formats.js';
import { createProgress } from '../progress.js';

export interface ImportSummary {
  files: number;
  events: number;
  newMessages: number;
  duplicates: number;
  otherEvents: number;
  rejected: number;
}

/** Files under the given paths, directories walked recursively, in a stable order. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).filter((e) => !e.startsWith('.')).sort();
      files.push(...(await expandPaths(entries.map((e) => join(path, e)))));
    } else files.push(path);
  }
  return files;
}

export interface ImportOptions {
  format: string;
  store: Store;
  from?: string;
  to?: string;
  /** Draw a progress bar on stderr. */
  progress?: boolean;
  defaultRegion?: string;
  /** Events a transaction (`hub.ingestMany`); default 100. */
  batchSize?: number;
  /** The largest JSON line or array element imported (the importers' `maxItemBytes`); default 16 MiB. */
  maxItemBytes?: number;
}

const DEFAULT_BATCH_SIZE = 100;

/** Ingests a batch and counts each outcome; events the model refuses are kept as rejected. */
async function ingestBatch(hub: Hub, format: string, batch: InboundEvent[], summary: ImportSummary) {
  const outcomes = await hub.ingestMany(batch, { batchSize: batch.length || 1 });
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') {
      const result = outcome.value;
      if (result.type === 'message') result.duplicate ? summary.duplicates++ : summary.newMessages++;
      else summary.otherEvents++;
    } else {
      if (!isValidationError(outcome.reason)) throw outcome.reason;
      summary.rejected++;
      await hub.rejected.record(format, batch[i], outcome.reason);
    }
  }
}

/**
 * Ingests archive files into a store through the hub: every event is deduplicated, placed and
 * kept; what cannot be used is stored as rejected with the reason, and the import goes on.
 */
export async function importFiles(paths: readonly string[], options: ImportOptions): Promise<ImportSummary> {
  const importers: Importer[] = await loadImporters();
  const hub = createHub({
    store: options.store,
    ...(options.defaultRegion ? { identity: { defaultRegion: options.defaultRegion as 'US' } } : {}),
  });
  const summary: ImportSummary = {
    files: 0,
    events: 0,
    newMessages: 0,
    duplicates: 0,
    otherEvents: 0,
    rejected: 0,
  };
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const files = await expandPaths(paths);
  for (const file of files) {
    const importer = await importerFor(file, options.format, importers);
    const bar = createProgress(file.length > 40 ? `…${file.slice(-39)}` : file, options.progress ?? false);
    summary.files++;
    const readOptions = {
      onProgress: (done: number, total: number) => bar.update(done, total, summary.events),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
      ...(options.maxItemBytes ? { maxItemBytes: options.maxItemBytes } : {}),
    };
    // Events go to the store in batches (one transaction each): an import is a backlog.
    let batch: InboundEvent[] = [];
    for await (const item of importer.read(file, readOptions)) {
      if ('type' in item && item.type === 'rejected' && 'source' in item) {
        summary.rejected++;
        await hub.rejected.record(importer.format, item.raw, item.error);
        continue;
      }
      summary.events++;
      batch.push(item as InboundEvent);
      if (batch.length >= batchSize) {
        await ingestBatch(hub, importer.format, batch, summary);
        batch = [];
      }
    }
    await ingestBatch(hub, importer.format, batch, summary);
    bar.done();
  }
  return summary;
}
