import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  type Importer,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  type OversizedJsonItem,
  PayloadTooLargeError,
  readJsonItems,
} from '@omnithread/core';
import { isObj } from '../shared/json.js';
import { parseCloudWebhook } from './webhook/parse.js';

/**
 * The largest file read whole as one JSON document (a pretty-printed envelope, an array or a map of
 * them): 256 MiB. Such a file cannot be streamed, so it is held in memory, as text and parsed;
 * archives bigger than that should be JSON lines, which are streamed whatever their size.
 */
export const MAX_SINGLE_DOCUMENT_BYTES = 256 * 1024 * 1024;

export interface WhatsAppCloudImporterOptions {
  /** Largest single-document file read; a bigger one is one `PayloadTooLargeError` problem. Default `MAX_SINGLE_DOCUMENT_BYTES`. */
  maxDocumentBytes?: number;
}

/** Envelopes inside a parsed document: one envelope, an array of them, or a map of named ones (test fixtures). */
function envelopes(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (
    isObj(doc) &&
    !('entry' in doc) &&
    Object.values(doc).length > 0 &&
    Object.values(doc).every((v) => isObj(v) && 'entry' in v)
  ) {
    return Object.values(doc);
  }
  return [doc];
}

async function* parseDoc(doc: unknown, source: string): AsyncGenerator<InboundEvent | ImportProblem> {
  for (const [i, envelope] of envelopes(doc).entries()) {
    try {
      yield* parseCloudWebhook(envelope);
    } catch (error) {
      yield { type: 'rejected', source: `${source}#${i}`, raw: envelope, error };
    }
  }
}

const oversized = (item: OversizedJsonItem): ImportProblem => ({
  type: 'rejected',
  source: item.source,
  raw: item.prefix,
  error: item.error,
});

/**
 * `omnithread import --format whatsapp-cloud`: files of WhatsApp Cloud API webhook envelopes, either
 * one JSON document per file (pretty-printed or not; an array or a map of envelopes works too) or
 * JSON lines (one envelope a line). JSON lines are streamed; a bad line, or one over
 * `maxItemBytes`, is kept as rejected and the import goes on.
 */
export function createWhatsAppCloudImporter(config: WhatsAppCloudImporterOptions = {}): Importer {
  const maxDocumentBytes = config.maxDocumentBytes ?? MAX_SINGLE_DOCUMENT_BYTES;
  return {
    format: 'whatsapp-cloud',
    description: 'WhatsApp Cloud API webhook envelopes (one JSON per file, or JSON lines)',
    detect(path, head) {
      const text = new TextDecoder().decode(head);
      return /\.(json|jsonl|ndjson)$/i.test(path) && text.includes('whatsapp_business_account');
    },
    async *read(path: string, options: ImportOptions = {}) {
      const total = (await stat(path)).size;
      const items = readJsonItems(createReadStream(path), {
        source: (n) => `${path}:${n}`,
        onBytes: (read) => options.onProgress?.(read, total),
        maxItemBytes: options.maxItemBytes,
      });
      let mode: 'lines' | 'document' | undefined;
      // A first line over maxItemBytes: JSON lines if more lines follow, else one long document.
      let longFirst: OversizedJsonItem | undefined;
      for await (const item of items) {
        if (mode === undefined && !longFirst && 'error' in item) {
          longFirst = item;
          continue;
        }
        if (longFirst) {
          mode = 'lines';
          yield oversized(longFirst);
          longFirst = undefined;
        }
        if ('error' in item) {
          yield oversized(item);
          continue;
        }
        let doc: unknown;
        try {
          doc = JSON.parse(item.text);
        } catch (error) {
          // A first line that is not a whole JSON value: one pretty-printed document.
          if (mode === undefined) {
            mode = 'document';
            break;
          }
          yield { type: 'rejected', source: item.source, raw: item.text, error };
          continue;
        }
        mode = 'lines';
        yield* parseDoc(doc, item.source);
      }
      if (longFirst) mode = 'document';
      if (mode === 'document') {
        if (total > maxDocumentBytes) {
          yield {
            type: 'rejected',
            source: path,
            raw: { path, size: total },
            error: new PayloadTooLargeError(
              `${path} is one JSON document of ${total} bytes, over the ${maxDocumentBytes}-byte limit; use JSON lines`,
              { limit: maxDocumentBytes },
            ),
          };
          return;
        }
        // A byte order mark is not JSON; the line reader drops it, and so must this path.
        const text = (await readFile(path, 'utf8')).replace(/^\ufeff/, '');
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch (error) {
          yield { type: 'rejected', source: path, raw: text, error };
          return;
        }
        yield* parseDoc(doc, path);
      }
      options.onProgress?.(total, total);
    },
  };
}

export const whatsappCloudImporter: Importer = createWhatsAppCloudImporter();

export const importers: readonly Importer[] = [whatsappCloudImporter];
