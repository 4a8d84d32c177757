import { describe, expect, it } from 'vitest';
import { captureConsole } from './console.js';

describe('captureConsole', () => {
  it('collects every level, deeply inspected, and restores the console once', () => {
    const before = { log: console.log, warn: console.warn, error: console.error };
    const output = captureConsole();
    console.log('token', { nested: { deeper: { secret: 's3cr3t' } } });
    console.warn(new Error('refused'));
    console.error('x');
    console.info('y');
    console.debug('z');
    output.restore();
    output.restore();
    expect(output.lines).toHaveLength(5);
    expect(output.lines[0]).toContain("secret: 's3cr3t'");
    expect(output.lines[1]).toContain('refused');
    expect(console.log).toBe(before.log);
    expect(console.warn).toBe(before.warn);
    expect(console.error).toBe(before.error);
  });
});
