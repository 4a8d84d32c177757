import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  type Importer,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  PayloadTooLargeError,
} from '@omnithread/core';
import { isObj } from '../shared/json.js';
import { parseCloudWebhook } from './webhook/parse.js';

const MAX_SINGLE_DOCUMENT = 256 * 1024 * 1024;

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

/**
 * `omnithread import --format whatsapp-cloud`: files of WhatsApp Cloud API webhook envelopes, either
 * one JSON document per file (pretty-printed or not; an array or a map of envelopes works too) or
 * JSON lines (one envelope a line). JSON lines are streamed; a bad line is kept as rejected and the
 * import goes on.
 */
export const whatsappCloudImporter: Importer = {
  format: 'whatsapp-cloud',
  description: 'WhatsApp Cloud API webhook envelopes (one JSON per file, or JSON lines)',
  detect(path, head) {
    const text = new TextDecoder().decode(head);
    return /\.(json|jsonl|ndjson)$/i.test(path) && text.includes('whatsapp_business_account');
  },
  async *read(path: string, options: ImportOptions = {}) {
    const total = (await stat(path)).size;
    const stream = createReadStream(path, { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let bytes = 0;
    let lineNo = 0;
    let linesMode: boolean | undefined;
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      if (linesMode === undefined) {
        // A first line that is a whole JSON value means JSON lines; otherwise one pretty-printed document.
        try {
          JSON.parse(line);
          linesMode = true;
        } catch {
          linesMode = false;
          break;
        }
      }
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch (error) {
        yield { type: 'rejected', source: `${path}:${lineNo}`, raw: line, error };
        continue;
      }
      yield* parseDoc(doc, `${path}:${lineNo}`);
      options.onProgress?.(Math.min(bytes, total), total);
    }
    lines.close();
    stream.destroy();
    if (linesMode === false) {
      if (total > MAX_SINGLE_DOCUMENT) {
        yield {
          type: 'rejected',
          source: path,
          raw: null,
          error: new PayloadTooLargeError(
            `${path} is one JSON document over ${MAX_SINGLE_DOCUMENT} bytes; use JSON lines`,
            { limit: MAX_SINGLE_DOCUMENT },
          ),
        };
        return;
      }
      const text = await readFile(path, 'utf8');
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

export const importers: readonly Importer[] = [whatsappCloudImporter];
