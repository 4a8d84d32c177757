import { outputDigest, recordedDigests } from '@omnithread/core/testing';
import { parseCloudWebhook } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { pywaEnvelopes } from './helpers.js';

// Speed work must not change a single output: a digest of what `parse` gives for every pywa
// envelope (events, or the refusal), recorded from the implementation before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);

describe('parse outputs stay exactly as recorded', () => {
  const actual: Record<string, string> = {};
  for (const { file, name, envelope } of pywaEnvelopes()) {
    actual[`${file}#${name}`] = outputDigest(() => parseCloudWebhook(envelope));
    actual[`${file}#${name} (receivedAt)`] = outputDigest(() =>
      parseCloudWebhook(envelope, { receivedAt: '2026-11-17T08:05:00.000Z', channel: 'wa' }),
    );
  }

  it('every pywa envelope', () => {
    expect(actual).toEqual(recordedDigests(GOLDEN, actual));
  });
});
