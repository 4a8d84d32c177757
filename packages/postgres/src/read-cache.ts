import type { StoreReader, StoreTransaction } from '@omnithread/core';

type Writer = Omit<StoreTransaction, keyof StoreReader>;

// Reads a transaction repeats with nothing written in between: placement rules ask for the same
// sender's conversations one after another, merges re-read what placement just read.
const CACHED = ['getContact', 'getConversation', 'listConversationsOfContacts'] as const;

/**
 * A transaction's reader and writer where a read repeated with no write or lock since the first
 * answers from memory instead of the server. Any write or lock forgets everything, so an answer
 * is never older than the transaction's last write or lock: exactly what re-reading could have
 * returned, had another transaction committed a moment later. Callers get copies, never the cached
 * objects.
 */
export function withReadCache(reader: StoreReader, writer: Writer): StoreTransaction {
  const cache = new Map<string, Promise<unknown>>();
  const tx = { ...reader } as Record<string, unknown>;
  for (const name of CACHED) {
    const read = reader[name] as (...args: unknown[]) => Promise<unknown>;
    tx[name] = async (...args: unknown[]) => {
      const key = `${name}\u0000${JSON.stringify(args)}`;
      let answer = cache.get(key);
      if (answer === undefined) {
        answer = read(...args);
        cache.set(key, answer);
        // A failed read is not remembered.
        answer.catch(() => cache.delete(key));
      }
      return structuredClone(await answer);
    };
  }
  for (const [name, write] of Object.entries(writer) as [
    string,
    (...args: unknown[]) => Promise<unknown>,
  ][]) {
    tx[name] = (...args: unknown[]) => {
      cache.clear();
      return write(...args);
    };
  }
  return tx as unknown as StoreTransaction;
}
