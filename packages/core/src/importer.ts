import type { InboundEvent } from './model/events.js';

export interface ImportOptions {
  /** Caller overrides for formats that carry no numbers (a call transcript): `--from`, `--to`. */
  from?: string;
  to?: string;
  /** Reports progress in bytes read, for a progress bar. */
  onProgress?(bytesRead: number, totalBytes: number): void;
  /**
   * For JSON-lines and JSON-array formats: the largest item (one line, or one array element) read,
   * in bytes. A bigger one becomes one problem carrying a `PayloadTooLargeError` (its first bytes
   * kept as `raw`), and the import goes on. Default `DEFAULT_MAX_ITEM_BYTES` (16 MiB).
   */
  maxItemBytes?: number;
}

/** A problem with one item of an archive: it is kept (as rejected) and the import goes on. */
export interface ImportProblem {
  type: 'rejected';
  /** Where in the source: `inbox.mbox#1234`, `calls/17.json`. */
  source: string;
  raw: unknown;
  error: unknown;
}

/**
 * Reads an archive format into events for `omnithread import`. Each adapter package exports its
 * importers (`importers` from `@omnithread/email`, …) and the CLI picks one by `--format` or by
 * `detect`. Importers stream: a multi-GB file must not be loaded into memory.
 */
export interface Importer {
  /** The `--format` name: `mbox`, `eml`, `deepgram`… */
  readonly format: string;
  readonly description: string;
  /** For `--format auto`: whether this file looks like this format (name and first bytes). */
  detect?(path: string, head: Uint8Array): boolean;
  read(path: string, options?: ImportOptions): AsyncIterable<InboundEvent | ImportProblem>;
}
