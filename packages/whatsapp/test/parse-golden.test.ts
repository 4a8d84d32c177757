import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCloudWebhook } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { pywaEnvelopes } from './helpers.js';

// Speed work must not change a single output: a digest of what `parse` gives for every pywa
// envelope (events, or the refusal), recorded from the implementation before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);

function digest(run: () => unknown): string {
  let out: unknown;
  try {
    out = run();
  } catch (error) {
    const e = error as Error & { path?: string };
    out = { refused: e.name, message: e.message, path: e.path };
  }
  return createHash('sha256').update(JSON.stringify(out)).digest('hex').slice(0, 24);
}

describe('parse outputs stay exactly as recorded', () => {
  const actual: Record<string, string> = {};
  for (const { file, name, envelope } of pywaEnvelopes()) {
    actual[`${file}#${name}`] = digest(() => parseCloudWebhook(envelope));
    actual[`${file}#${name} (receivedAt)`] = digest(() =>
      parseCloudWebhook(envelope, { receivedAt: '2026-11-17T08:05:00.000Z', channel: 'wa' }),
    );
  }
  if (process.env.OMNITHREAD_UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);

  it('every pywa envelope', () => {
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
