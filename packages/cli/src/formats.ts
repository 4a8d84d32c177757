import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import {
  type Importer,
  type ImportProblem,
  type InboundEvent,
  readJsonItems,
  ValidationError,
} from '@omnithread/core';

/** JSON lines of model events (`InboundEvent`), the CLI's own format. Streams line by line. */
export const jsonLinesImporter: Importer = {
  format: 'json',
  description: 'JSON lines of Omnithread model events (one InboundEvent per line)',
  detect: (path, head) =>
    /\.(jsonl|ndjson)$/i.test(path) && /^\s*\{\s*"type"\s*:/.test(new TextDecoder().decode(head)),
  async *read(path, options = {}): AsyncIterable<InboundEvent | ImportProblem> {
    const total = (await stat(path)).size;
    const items = readJsonItems(createReadStream(path), {
      source: (n) => `${path}:${n}`,
      onBytes: (read) => options.onProgress?.(read, total),
      maxItemBytes: options.maxItemBytes,
    });
    for await (const item of items) {
      if ('error' in item) {
        yield { type: 'rejected', source: item.source, raw: item.prefix, error: item.error };
        continue;
      }
      try {
        yield JSON.parse(item.text) as InboundEvent;
      } catch (error) {
        yield {
          type: 'rejected',
          source: item.source,
          raw: item.text,
          error: new ValidationError(`line ${item.number}: not JSON (${(error as Error).message})`),
        };
      }
    }
  },
};

// Packages whose `importers` the CLI offers when they are installed.
const ADAPTER_PACKAGES = ['email', 'sms', 'whatsapp', 'social', 'voice'];

/** Every importer available: the CLI's own and those of installed adapter packages. */
export async function loadImporters(): Promise<Importer[]> {
  const importers: Importer[] = [jsonLinesImporter];
  for (const name of ADAPTER_PACKAGES) {
    try {
      const mod = (await import(/* @vite-ignore */ ['@omnithread', name].join('/'))) as {
        importers?: Importer[];
      };
      importers.push(...(mod.importers ?? []));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return importers;
}

/** Picks the importer for a file: by `--format`, or by sniffing its name and first bytes. */
export async function importerFor(
  path: string,
  format: string,
  importers: readonly Importer[],
): Promise<Importer> {
  if (format !== 'auto') {
    const found = importers.find((i) => i.format === format);
    if (!found) {
      throw new ValidationError(
        `Unknown --format ${format}; available: ${importers.map((i) => i.format).join(', ')}, auto`,
        { path: '--format' },
      );
    }
    return found;
  }
  const handle = await open(path, 'r');
  const head = new Uint8Array(4096);
  try {
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sample = head.subarray(0, bytesRead);
    const found = importers.find((i) => i.detect?.(path, sample));
    if (!found)
      throw new ValidationError(`Cannot tell the format of ${path}; pass --format`, { path: '--format' });
    return found;
  } finally {
    await handle.close();
  }
}
