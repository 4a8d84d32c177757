import { inspect } from 'node:util';

/** What `captureConsole` collected, and how to put the console back. */
export interface ConsoleCapture {
  /** Each console call's arguments, inspected 8 levels deep (as a log line would show them). */
  readonly lines: string[];
  /** Puts back the console methods replaced; safe to call twice. */
  restore(): void;
}

const LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Replaces the console's methods with ones that collect what they are given, so a test can check
 * that nothing it logs carries a secret. Runner-agnostic; restore it when the test ends.
 *
 * @example
 * ```ts
 * const output = captureConsole();
 * try {
 *   await adapter.handle(forgedRequest);
 *   assert.ok(!output.lines.join('\n').includes(authToken));
 * } finally {
 *   output.restore();
 * }
 * ```
 */
export function captureConsole(): ConsoleCapture {
  const lines: string[] = [];
  const originals = LEVELS.map((level) => [level, console[level]] as const);
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) => {
      lines.push(inspect(args, { depth: 8 }));
    };
  }
  let restored = false;
  return {
    lines,
    restore() {
      if (restored) return;
      restored = true;
      for (const [level, original] of originals) console[level] = original;
    },
  };
}
