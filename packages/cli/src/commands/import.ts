import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHub, type Importer, isValidationError, type Store } from '@omnithread/core';
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
  const files = await expandPaths(paths);
  for (const file of files) {
    const importer = await importerFor(file, options.format, importers);
    const bar = createProgress(file.length > 40 ? `…${file.slice(-39)}` : file, options.progress ?? false);
    summary.files++;
    const readOptions = {
      onProgress: (done: number, total: number) => bar.update(done, total, summary.events),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
    };
    for await (const item of importer.read(file, readOptions)) {
      if ('type' in item && item.type === 'rejected' && 'source' in item) {
        summary.rejected++;
        await hub.rejected.record(importer.format, item.raw, item.error);
        continue;
      }
      summary.events++;
      try {
        const result = await hub.ingest(item as Parameters<typeof hub.ingest>[0]);
        if (result.type === 'message') result.duplicate ? summary.duplicates++ : summary.newMessages++;
        else summary.otherEvents++;
      } catch (error) {
        if (!isValidationError(error)) throw error;
        summary.rejected++;
        await hub.rejected.record(importer.format, item, error);
      }
    }
    bar.done();
  }
  return summary;
}
