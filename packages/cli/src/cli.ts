import { parseArgs } from 'node:util';
import { isOmnithreadError } from '@omnithread/core';
import { type DemoReady, runDemo } from './commands/demo.js';
import { importFiles } from './commands/import.js';
import { loadDotEnv, runServe } from './commands/serve.js';
import { printThreads } from './commands/threads.js';
import { DEFAULT_STORE, openStoreSpec } from './store.js';

export const USAGE = `omnithread — one thread per customer, whatever the channel

Usage:
  omnithread demo [--port N] [--host 127.0.0.1] [--no-journey] [--store memory|DIR|postgres://…] [--json]
  omnithread serve [--port N] [--host 127.0.0.1] [--store DIR|postgres://…]
  omnithread import <files|dirs…> [--format json|eml|mbox|twilio|whatsapp-cloud|x|messenger|aws-transcribe|deepgram|assemblyai|vtt|srt|auto]
                    [--store DIR|postgres://…|memory] [--from NUMBER] [--to NUMBER] [--region US]
                    [--max-item-bytes N] [--json]
  omnithread threads [--json] [--store DIR|postgres://…]

demo starts the unified inbox in sandbox mode (replies go to a local outbox) on a fresh embedded
store, replays a customer journey across every channel as signed webhooks, prints the URL and runs
until Ctrl+C. serve runs the same inbox for real: the channels whose credentials are in the
environment (or ./.env), DATABASE_URL or OMNITHREAD_STORE, PORT (see examples/unified-inbox/.env.example).

Options:
  --store   where data lives: a directory (embedded PostgreSQL), a postgres:// URL, or memory
            (default ${DEFAULT_STORE}; demo: a temporary directory, removed on exit)
  --port    the inbox's port (demo default 4100, 0 = any free port; serve default $PORT or 3000)
  --no-journey  demo without the scripted journey
  --format  the archive format (default auto: guessed from the file)
  --max-item-bytes  the largest JSON line (or JSON array element) imported, in bytes (default
            16777216, 16 MiB); a longer one is kept as rejected and the import goes on
  --json    machine-readable output: JSON lines
  --help    this text
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Ends long-running commands (demo, serve); by default SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Called when demo's inbox answers. */
  onDemoReady?: (info: DemoReady) => void;
}

/** An AbortSignal that fires on the first SIGINT or SIGTERM. */
function processSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

function portOption(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`--port must be 0-65535, got ${value}`);
  return port;
}

function byteCountOption(value: string): number {
  const bytes = Number(value);
  if (!Number.isSafeInteger(bytes) || bytes < 1)
    throw new RangeError(`--max-item-bytes must be a whole number of bytes, got ${value}`);
  return bytes;
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
        'max-item-bytes': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-journey': { type: 'boolean', default: false },
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
        await runDemo({
          ...(values.store ? { store: values.store } : {}),
          port: portOption(values.port, 4100)!,
          ...(values.host ? { host: values.host } : {}),
          journey: !values['no-journey'],
          json: values.json,
          write: io.stdout,
          signal: io.signal ?? processSignal(),
          ...(io.onDemoReady ? { onReady: io.onDemoReady } : {}),
        });
        return 0;
      }
      case 'serve': {
        if (!io.signal) loadDotEnv();
        const port = portOption(values.port, undefined);
        await runServe({
          env: process.env,
          ...(port !== undefined ? { port } : {}),
          ...(values.host ? { host: values.host } : {}),
          ...(values.store ? { store: values.store } : {}),
          write: io.stdout,
          warn: io.stderr,
          signal: io.signal ?? processSignal(),
        });
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
            ...(values['max-item-bytes'] !== undefined
              ? { maxItemBytes: byteCountOption(values['max-item-bytes']) }
              : {}),
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
      isOmnithreadError(error) || error instanceof RangeError
        ? `omnithread: ${(error as Error).message}`
        : `omnithread: ${(error as Error)?.stack ?? String(error)}`,
    );
    return 1;
  }
}
