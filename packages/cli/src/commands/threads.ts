import { createHub, type Store } from '@omnithread/core';
import { formatThread, threadLines } from '../output.js';

/** Prints every conversation: JSON lines with `json`, a readable tree otherwise. */
export async function printThreads(
  store: Store,
  options: { json: boolean; write: (line: string) => void },
): Promise<number> {
  const hub = createHub({ store });
  let count = 0;
  for await (const line of threadLines(hub)) {
    options.write(options.json ? JSON.stringify(line) : `${formatThread(line)}\n`);
    count++;
  }
  return count;
}
