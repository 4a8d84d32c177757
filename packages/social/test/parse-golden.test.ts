import { readdirSync, readFileSync } from 'node:fs';
import { outputDigest, recordedDigests } from '@omnithread/core/testing';
import { parseMetaWebhook } from '@omnithread/social';
import { parseXPayload } from '@omnithread/social/x';
import { describe, expect, it } from 'vitest';

// Speed work must not change a single output: a digest of what the parsers give for every fixture
// (events, or the refusal), recorded before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);
const FIXTURES = new URL('./fixtures/', import.meta.url);

const read = (dir: string) =>
  readdirSync(new URL(dir, FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(new URL(`${dir}${f}`, FIXTURES), 'utf8'))] as const);

describe('parse outputs stay exactly as recorded', () => {
  const actual: Record<string, string> = {};
  for (const [file, payload] of read('x/'))
    for (const brand of ['3001', '2244994945'])
      actual[`x/${file} (brand ${brand})`] = outputDigest(() => parseXPayload(payload, brand));
  for (const [file, payload] of read('meta/'))
    for (const object of ['page', 'instagram', undefined] as const)
      actual[`meta/${file} (${object ?? 'any'})`] = outputDigest(() => parseMetaWebhook(payload, { object }));

  it('every X and Meta fixture', () => {
    expect(actual).toEqual(recordedDigests(GOLDEN, actual));
  });
});
