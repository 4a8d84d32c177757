import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where IMAP listening resumes: the last ingested UID, valid only for its UIDVALIDITY. */
export interface ImapCursor {
  uidValidity: string;
  uid: number;
}

/** Keeps cursors across restarts (one per account and mailbox). Inject your own (a DB row, Redis). */
export interface CursorStore {
  get(key: string): Promise<ImapCursor | undefined>;
  set(key: string, cursor: ImapCursor): Promise<void>;
}

/** Cursors in memory: resumes across listener restarts within one process. */
export function memoryCursorStore(): CursorStore {
  const cursors = new Map<string, ImapCursor>();
  return {
    async get(key) {
      const c = cursors.get(key);
      return c ? { ...c } : undefined;
    },
    async set(key, cursor) {
      cursors.set(key, { ...cursor });
    },
  };
}

/** Cursors in a JSON file, written atomically (temp file + rename). */
export function fileCursorStore(path: string): CursorStore {
  const load = async (): Promise<Record<string, ImapCursor>> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Record<string, ImapCursor>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  };
  let chain: Promise<unknown> = Promise.resolve();
  return {
    async get(key) {
      return (await load())[key];
    },
    set(key, cursor) {
      const write = chain.then(async () => {
        const all = await load();
        all[key] = cursor;
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(all, null, 2));
        await rename(temp, path);
      });
      chain = write.catch(() => undefined);
      return write;
    },
  };
}
