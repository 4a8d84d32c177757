import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseMetaWebhook } from '@omnithread/social';
import { parseXPayload } from '@omnithread/social/x';
import { describe, expect, it } from 'vitest';

// Speed work must not change a single output: a digest of what the parsers give for every fixture
// (events, or the refusal), recorded before the speed-ups.
// After an intended change of output: OMNITHREAD_UPDATE_GOLDEN=1 npx vitest run <this file>.
const GOLDEN = new URL('./parse-golden.json', import.meta.url);
const FIXTURES = new URL('./fixtures/', import.meta.url);

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

const read = (dir: string) =>
  readdirSync(new URL(dir, FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(new URL(`${dir}${f}`, FIXTURES), 'utf8'))] as const);

describe('parse outputs stay exactly as recorded', () => {
  const actual: Record<string, string> = {};
  for (const [file, payload] of read('x/'))
    for (const brand of ['3001', '2244994945'])
      actual[`x/${file} (brand ${brand})`] = digest(() => parseXPayload(payload, brand));
  for (const [file, payload] of read('meta/'))
    for (const object of ['page', 'instagram', undefined] as const)
      actual[`meta/${file} (${object ?? 'any'})`] = digest(() => parseMetaWebhook(payload, { object }));
  if (process.env.OMNITHREAD_UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);

  it('every X and Meta fixture', () => {
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
