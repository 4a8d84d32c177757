import { type Importer, type ImportProblem, WebhookParseError } from '@omnithread/core';
import { looksLikeJsonLines, readJsonLines } from '../common/jsonl.js';
import { parseMetaWebhook } from './parse.js';

/**
 * `omnithread import --format messenger`: JSON lines, one Graph webhook envelope a line (as logged
 * by a webhook receiver), Messenger (`object: "page"`) or Instagram (`object: "instagram"`). A line
 * that cannot be used is reported as rejected, with its text, and the import goes on.
 */
export const messengerImporter: Importer = {
  format: 'messenger',
  description: 'Messenger / Instagram Graph webhook envelopes, one JSON object a line',
  detect(path, head) {
    return looksLikeJsonLines(path, head, [
      '"object":"page"',
      '"object": "page"',
      '"object":"instagram"',
      '"object": "instagram"',
    ]);
  },
  async *read(path, options) {
    for await (const line of readJsonLines(path, options)) {
      if ('type' in line) {
        yield line;
        continue;
      }
      if (line.error !== undefined) {
        const problem: ImportProblem = {
          type: 'rejected',
          source: line.source,
          raw: line.text,
          error: new WebhookParseError('the line is not valid JSON', { raw: line.text, cause: line.error }),
        };
        yield problem;
        continue;
      }
      try {
        yield* parseMetaWebhook(line.value);
      } catch (error) {
        yield { type: 'rejected', source: line.source, raw: line.value, error } satisfies ImportProblem;
      }
    }
  },
};
