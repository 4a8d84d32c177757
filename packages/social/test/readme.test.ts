import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const target = fileURLToPath(new URL('./readme-example.generated.ts', import.meta.url));
afterAll(() => rmSync(target, { force: true }));

it('the offline README example runs and prints the journey it promises', async () => {
  const block = readme.split('```ts\n// readme-example: offline\n')[1]?.split('```')[0];
  expect(block).toBeDefined();
  writeFileSync(target, `${block}\nexport {};\n`);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await import(target);
  } finally {
    log.mockRestore();
  }
  const promised = block!
    .split('\n')
    .filter((l) => l.startsWith('// x ') || l.startsWith('// email '))
    .map((l) => l.slice(3));
  expect(lines).toEqual(promised);
  expect(lines).toHaveLength(3);
});
