import { readdirSync, readFileSync } from 'node:fs';
import { outputDigest, recordedDigests } from '@omnithread/core/testing';
import { parseTranscript } from '@omnithread/voice';
import { describe, expect, it } from 'vitest';

// Speed work must not change a single output: a digest of what `parseTranscript` gives for every
// transcript fixture (text and parsed JSON, several option sets), recorded before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);
const dirs = [
  new URL('../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url),
  new URL('./fixtures/', import.meta.url),
];

const optionSets = {
  plain: { startedAt: '2026-03-02T15:00:00.000Z', from: '+14155550100' },
  none: {},
  roles: {
    startedAt: '2026-03-02T15:00:00Z',
    speakers: { '0': 'agent', '1': 'customer', Customer: 'customer', Agent: 'agent' },
    to: '+14155550199',
  },
  redacted: { startedAt: new Date('2026-03-02T15:00:00Z'), redact: true, inferFromDirection: true },
  outbound: { direction: 'outbound', inferFromDirection: true, callId: 'CA1', from: 'sip:alice' },
} as const;

describe('parse outputs stay exactly as recorded', () => {
  const actual: Record<string, string> = {};
  for (const dir of dirs)
    for (const file of readdirSync(dir).sort()) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const [name, options] of Object.entries(optionSets)) {
        actual[`${file} (${name})`] = outputDigest(() => parseTranscript(text, options));
        if (file.endsWith('.json'))
          actual[`${file} (${name}, parsed)`] = outputDigest(() =>
            parseTranscript(JSON.parse(text), options),
          );
      }
    }

  it('every transcript fixture', () => {
    expect(actual).toEqual(recordedDigests(GOLDEN, actual));
  });
});
