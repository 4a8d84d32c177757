import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Where the X poller keeps its place (the newest DM event id and mention id it has emitted), so a
 * restart neither misses nor repeats messages. Any key-value store works: implement `get`/`set`.
 */
export interface CursorStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** Keeps cursors in memory: fine for tests and for processes that backfill on start. */
export function memoryCursorStore(initial: Record<string, string> = {}): CursorStore {
  const values = new Map(Object.entries(initial));
  return {
    async get(key) {
      return values.get(key);
    },
    async set(key, value) {
      values.set(key, value);
    },
  };
}

/**
 * Keeps cursors in a small JSON file. Writes go to a temporary file renamed over the old one, so a
 * crash mid-write leaves the previous cursor, never a torn file.
 */
export function fileCursorStore(path: string): CursorStore {
  let cache: Record<string, string> | undefined;
  let writing: Promise<void> = Promise.resolve();
  async function load(): Promise<Record<string, string>> {
    if (cache) return cache;
    try {
      const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
      cache =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, string>)
          : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      cache = {};
    }
    return cache;
  }
  return {
    async get(key) {
      const value = (await load())[key];
      return typeof value === 'string' ? value : undefined;
    },
    async set(key, value) {
      const values = await load();
      values[key] = value;
      const snapshot = JSON.stringify(values);
      // Serialize writes so an older snapshot never lands after a newer one.
      writing = writing.then(async () => {
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, snapshot);
        await rename(tmp, path);
      });
      await writing;
    },
  };
}
