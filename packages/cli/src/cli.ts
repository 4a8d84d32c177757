import { parseArgs } from 'node:util';
import { isOmnithreadError } from '@omnithread/core';
import { runDemo } from './commands/demo.js';
import { importFiles } from './commands/import.js';
import { printThreads } from './commands/threads.js';
import { DEFAULT_STORE, openStoreSpec } from './store.js';

export const USAGE = `omnithread — one thread per customer, whatever the channel

Usage:
  omnithread demo [--json] [--store memory|DIR|postgres://…]
  omnithread import <files|dirs…> [--format json|eml|mbox|twilio|whatsapp-cloud|x|messenger|aws-transcribe|deepgram|assemblyai|vtt|srt|auto]
                    [--store DIR|postgres://…|memory] [--from NUMBER] [--to NUMBER] [--region US] [--json]
  omnithread threads [--json] [--store DIR|postgres://…]

Options:
  --store   where data lives: a directory (embedded PostgreSQL), a postgres:// URL, or memory (default ${DEFAULT_STORE})
  --format  the archive format (default auto: guessed from the file)
  --json    machine-readable output: JSON lines
  --help    this text
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Runs the CLI with `argv` (without node and the script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        store: { type: 'string' },
        format: { type: 'string', default: 'auto' },
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'demo': {
        const store = await openStoreSpec(values.store ?? 'memory');
        try {
          await runDemo(store, { json: values.json, write: io.stdout });
        } finally {
          await store.close();
        }
        return 0;
      }
      case 'import': {
        if (rest.length === 0) {
          io.stderr('omnithread import needs at least one file or directory');
          return 2;
        }
        const store = await openStoreSpec(values.store ?? DEFAULT_STORE);
        try {
          const summary = await importFiles(rest, {
            format: values.format,
            store,
            progress: io.isTTY && !values.json,
            ...(values.from ? { from: values.from } : {}),
            ...(values.to ? { to: values.to } : {}),
            ...(values.region ? { defaultRegion: values.region } : {}),
          });
          io.stdout(
            values.json
              ? JSON.stringify(summary)
              : `Imported ${summary.events} events from ${summary.files} file(s): ${summary.newMessages} new messages, ${summary.duplicates} already stored, ${summary.otherEvents} other events, ${summary.rejected} rejected (kept, see the store's rejected payloads).`,
          );
        } finally {
          await store.close();
        }
        return 0;
      }
      case 'threads': {
        const store = await openStoreSpec(values.store ?? DEFAULT_STORE);
        try {
          const count = await printThreads(store, { json: values.json, write: io.stdout });
          if (!values.json && count === 0)
            io.stderr('No conversations yet: try `omnithread import <files>` or `omnithread demo`.');
        } finally {
          await store.close();
        }
        return 0;
      }
      default:
        io.stderr(`Unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    io.stderr(
      isOmnithreadError(error)
        ? `omnithread: ${error.message}`
        : `omnithread: ${(error as Error)?.stack ?? String(error)}`,
    );
    return 1;
  }
}
