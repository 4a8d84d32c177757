import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A short digest of what `run` returns, or of how it refused (error name, message, path): enough to
 * notice any change in a parser's output without storing the outputs themselves.
 */
export function outputDigest(run: () => unknown): string {
  let out: unknown;
  try {
    out = run();
  } catch (error) {
    const e = error as Error & { path?: string };
    out = { refused: e.name, message: e.message, path: e.path };
  }
  return createHash('sha256').update(JSON.stringify(out)).digest('hex').slice(0, 24);
}

/**
 * The digests recorded in `file`, to compare with `actual`. With `OMNITHREAD_UPDATE_GOLDEN=1` in the
 * environment it first records `actual` there (after an intended change of output).
 *
 * @example
 * ```ts
 * const actual = { inbound: outputDigest(() => adapter.parse(payload)) };
 * expect(actual).toEqual(recordedDigests(new URL('./parse-golden.json', import.meta.url), actual));
 * ```
 */
export function recordedDigests(file: URL, actual: Record<string, string>): Record<string, string> {
  if (process.env.OMNITHREAD_UPDATE_GOLDEN) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
