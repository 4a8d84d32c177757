import { type Importer, type ImportProblem, WebhookParseError } from '@omnithread/core';
import { looksLikeJsonLines, readJsonLines } from '../common/jsonl.js';
import { isRecord } from '../common/payload.js';
import { parseXPayload } from './parse.js';

/**
 * `omnithread import --format x`: JSON lines of v2 DM events (`GET /2/dm_events` items or whole
 * pages), v2 or v1.1 Tweets, or Account Activity webhook bodies. `--to` gives the brand's numeric user
 * id, which tells our DMs from the customer's (Account Activity bodies carry it as `for_user_id`).
 */
export const xImporter: Importer = {
  format: 'x',
  description:
    'X DM events and Tweets (API v2 / Account Activity JSON), one JSON object a line; --to <brand user id>',
  detect(path, head) {
    return looksLikeJsonLines(path, head, [
      '"event_type"',
      '"for_user_id"',
      '"dm_conversation_id"',
      '"conversation_id"',
      '"author_id"',
    ]);
  },
  async *read(path, options = {}) {
    const brandId = options.to;
    for await (const line of readJsonLines(path, options)) {
      if ('type' in line) {
        yield line;
        continue;
      }
      if (line.error !== undefined) {
        yield {
          type: 'rejected',
          source: line.source,
          raw: line.text,
          error: new WebhookParseError('the line is not valid JSON', { raw: line.text, cause: line.error }),
        } satisfies ImportProblem;
        continue;
      }
      try {
        if (!brandId && !(isRecord(line.value) && 'for_user_id' in line.value)) {
          throw new WebhookParseError(
            "pass --to <the brand's numeric X user id> to import DM events and Tweets",
            { raw: line.value },
          );
        }
        yield* parseXPayload(line.value, brandId ?? '');
      } catch (error) {
        yield { type: 'rejected', source: line.source, raw: line.value, error } satisfies ImportProblem;
      }
    }
  },
};
