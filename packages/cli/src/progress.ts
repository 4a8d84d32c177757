/** A one-line progress bar on stderr, drawn only on a terminal and at most ten times a second. */
export function createProgress(label: string, enabled: boolean) {
  let last = 0;
  let drawn = false;
  return {
    update(done: number, total: number, events: number) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${events} events`,
      );
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\n');
    },
  };
}
