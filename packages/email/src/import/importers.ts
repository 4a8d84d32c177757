import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Importer, ImportOptions, ImportProblem, InboundEvent } from '@omnithread/core';
import { PayloadTooLargeError } from '@omnithread/core';
import { DEFAULT_LIMITS } from '../mime/limits.js';
import { type ToMessageOptions, toInboundMessage } from '../mime/message.js';
import { parseMime } from '../mime/parse.js';
import { fromLineDate, type MboxReadOptions, readMbox } from './mbox.js';

export interface EmailImportOptions extends ToMessageOptions, Pick<MboxReadOptions, 'variant'> {
  /** Largest message imported; bigger ones are reported as problems. Default 50 MiB. */
  maxMessageBytes?: number;
}

function rawText(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** Parses one message into an event, or a problem that keeps the raw bytes. */
async function convert(
  bytes: Uint8Array,
  source: string,
  options: EmailImportOptions,
  receivedAt?: string,
): Promise<InboundEvent | ImportProblem> {
  try {
    const parsed = await parseMime(bytes, {
      maxBytes: options.maxMessageBytes ?? DEFAULT_LIMITS.maxBytes,
      receivedAt,
    });
    return { type: 'message', message: toInboundMessage(parsed, options) };
  } catch (error) {
    return { type: 'rejected', source, raw: rawText(bytes), error };
  }
}

async function* walk(path: string): AsyncGenerator<string> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    yield path;
    return;
  }
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* walk(child);
    else if (/\.(eml|msg822|txt)$/i.test(entry.name) || !entry.name.includes('.')) yield child;
  }
}

/** `.eml` files, or a directory of them (recursively; sorted by name so imports are repeatable). */
export function emlImporter(options: EmailImportOptions = {}): Importer {
  return {
    format: 'eml',
    description: 'RFC 5322 message files (.eml), or directories of them',
    detect(path, head) {
      const text = Buffer.from(head.subarray(0, 2048)).toString('latin1');
      return (
        /\.eml$/i.test(path) ||
        (/^[A-Za-z][A-Za-z0-9-]{0,76}:/.test(text) &&
          /^(from|message-id|received|date|subject|return-path):/im.test(text))
      );
    },
    async *read(path: string, importOptions: ImportOptions = {}) {
      const files: string[] = [];
      for await (const f of walk(path)) files.push(f);
      const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
      const total = sizes.reduce((a, b) => a + b, 0);
      const limit = options.maxMessageBytes ?? DEFAULT_LIMITS.maxBytes;
      let done = 0;
      for (const [i, file] of files.entries()) {
        if (sizes[i]! > limit) {
          const error = new PayloadTooLargeError(
            `${basename(file)} is ${sizes[i]} bytes, over the ${limit}-byte limit`,
            { limit },
          );
          yield {
            type: 'rejected',
            source: file,
            raw: { path: file, size: sizes[i]! },
            error,
          } satisfies ImportProblem;
        } else yield await convert(await readFile(file), file, options);
        done += sizes[i]!;
        importOptions.onProgress?.(done, total);
      }
    },
  };
}

/** mbox archives (mboxrd / mboxo), streamed message by message. */
export function mboxImporter(options: EmailImportOptions = {}): Importer {
  return {
    format: 'mbox',
    description: 'Unix mbox archives (mboxrd / mboxo; Gmail Takeout, Thunderbird, mailing-list archives)',
    detect(path, head) {
      return /\.mbox$/i.test(path) || Buffer.from(head.subarray(0, 5)).toString('latin1') === 'From ';
    },
    async *read(path: string, importOptions: ImportOptions = {}) {
      const total = (await stat(path)).size;
      const limit = options.maxMessageBytes ?? DEFAULT_LIMITS.maxBytes;
      const mboxOptions: MboxReadOptions = {
        maxMessageBytes: limit,
        onBytes: (n) => importOptions.onProgress?.(n, total),
      };
      if (options.variant) mboxOptions.variant = options.variant;
      for await (const m of readMbox(createReadStream(path, { highWaterMark: 1024 * 1024 }), mboxOptions)) {
        const source = `${basename(path)}#${m.number}`;
        if (m.truncated) {
          const error = new PayloadTooLargeError(`message ${m.number} is over the ${limit}-byte limit`, {
            limit,
          });
          yield {
            type: 'rejected',
            source,
            raw: { fromLine: m.fromLine, offset: m.offset },
            error,
          } satisfies ImportProblem;
          continue;
        }
        yield await convert(m.raw, source, options, fromLineDate(m.fromLine));
      }
      importOptions.onProgress?.(total, total);
    },
  };
}

/** The importers of this package for `omnithread import --format eml|mbox`. */
export const importers: readonly Importer[] = [mboxImporter(), emlImporter()];
