import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '@omnithread/core';
import { importFiles } from './import.js';
import { printThreads } from './threads.js';

/** The bundled customer journey: one customer over email, SMS, WhatsApp, a call and email again. */
export const JOURNEY_PATH = packageFile('journeys/cross-channel.jsonl');

/** A file shipped with this package, found from the sources and from the bundle alike. */
function packageFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    dir = dirname(dir);
  }
  throw new Error(`@omnithread/cli is missing its ${relative}`);
}

/**
 * The demo, first version: imports the bundled cross-channel journey and prints its threads, each
 * message with the rule that placed it and why.
 */
export async function runDemo(
  store: Store,
  options: { json: boolean; write: (line: string) => void },
): Promise<void> {
  const summary = await importFiles([JOURNEY_PATH], { format: 'json', store });
  if (!options.json) {
    options.write(
      `Imported the bundled journey: ${summary.newMessages} messages and ${summary.otherEvents} other events. Each message says which rule placed it and why.\n`,
    );
  }
  await printThreads(store, options);
}
