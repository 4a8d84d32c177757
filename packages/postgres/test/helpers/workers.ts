import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const packages = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Bundles harness/worker.mjs with @omnithread/* taken from their sources (as vitest maps them), so
 * worker processes run the code under test, never a stale build. pg and PGlite stay external and
 * resolve from this package's node_modules, where the bundle is written.
 */
export async function buildWorker(): Promise<string> {
  const outDir = fileURLToPath(
    new URL(`../../node_modules/.omnithread-test/${process.pid}/`, import.meta.url),
  );
  await build({
    entry: { worker: fileURLToPath(new URL('../../harness/worker.mjs', import.meta.url)) },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: true,
    silent: true,
    config: false,
    outExtension: () => ({ js: '.mjs' }),
    noExternal: [/^@omnithread\//],
    external: ['pg', '@electric-sql/pglite'],
    esbuildPlugins: [
      {
        name: 'omnithread-sources',
        setup(b) {
          b.onResolve({ filter: /^@omnithread\/[a-z-]+(\/[a-z-]+)?$/ }, (args) => {
            const [, pkg, sub] = args.path.split('/');
            return { path: `${packages}${pkg}/src/${sub ? `${sub}/` : ''}index.ts` };
          });
        },
      },
    ],
  });
  return `${outDir}worker.mjs`;
}

/** Removes a bundle made by `buildWorker`. */
export function removeWorker(script: string | undefined): void {
  if (script) rmSync(dirname(script), { recursive: true, force: true });
}

export interface WorkerMessage {
  type: 'ready' | 'stalled' | 'done' | 'error';
  [key: string]: unknown;
}

/** A forked worker and a way to wait for its next message of a kind (rejecting if it dies first). */
export class Worker {
  readonly child: ChildProcess;
  private readonly seen: WorkerMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stderr = '';

  constructor(script: string, config: unknown) {
    this.child = fork(script, [JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.child.on('message', (m) => {
      this.seen.push(m as WorkerMessage);
      this.wake();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  async next(type: WorkerMessage['type']): Promise<WorkerMessage> {
    for (;;) {
      const error = this.seen.find((m) => m.type === 'error');
      if (error) throw new Error(`worker failed: ${String(error.message)}`);
      const i = this.seen.findIndex((m) => m.type === type);
      if (i >= 0) return this.seen.splice(i, 1)[0]!;
      if (this.exit)
        throw new Error(
          `worker exited (${this.exit.code ?? this.exit.signal}) before "${type}": ${this.stderr}`,
        );
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the process is gone. */
  async exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    while (!this.exit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.exit;
  }

  kill(signal: NodeJS.Signals) {
    if (!this.exit) this.child.kill(signal);
  }
}
