import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromLineDate, readMbox } from '../import/mbox.js';
import { parseMime } from '../mime/parse.js';
import type { ParsedEmail } from '../mime/types.js';
import { formatThreads, threadMessages } from './jwz.js';
import { threadOrderedSubject } from './ordered-subject.js';

const dir = new URL('../../../../../shared/fixtures/email-threading/imaptest/', import.meta.url);

interface Numbered extends ParsedEmail {
  seq: number;
}

async function loadMbox(name: string): Promise<ParsedEmail[]> {
  const out: ParsedEmail[] = [];
  for await (const m of readMbox(fileURLToPath(new URL(name, dir)))) {
    out.push(await parseMime(m.raw, { receivedAt: fromLineDate(m.fromLine) }));
  }
  return out;
}

function sequenceSet(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split(':').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/** Replays a dovecot imaptest script: appends, \Deleted + expunge (renumbering), THREAD checks. */
async function replay(script: string): Promise<{ expected: string; actual: string; step: number }[]> {
  const text = readFileSync(new URL(script, dir), 'utf8');
  const source = await loadMbox(`${script}.mbox`);
  let next = 0;
  let mailbox: ParsedEmail[] = [];
  if (/^messages:\s*all/m.test(text)) {
    mailbox = [...source];
    next = source.length;
  }
  let deleted = new Set<number>();
  const lines = text.split('\n');
  const results: { expected: string; actual: string; step: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (/^ok append$/.test(line)) mailbox.push(source[next++]!);
    const store = /^ok store (\S+) \+flags \\deleted$/i.exec(line);
    if (store) deleted = new Set(sequenceSet(store[1]!));
    if (/^ok expunge$/.test(line)) {
      mailbox = mailbox.filter((_, k) => !deleted.has(k + 1));
      deleted = new Set();
    }
    const command = /^ok thread (references|orderedsubject) /i.exec(line);
    if (command) {
      const expected = lines[i + 1]!.trim().replace(/^\* thread /i, '');
      const numbered: Numbered[] = mailbox.map((m, k) => ({ ...m, seq: k + 1 }));
      const threads =
        command[1]!.toLowerCase() === 'references'
          ? threadMessages(numbered, { subjectGrouping: 'rfc5256' })
          : threadOrderedSubject(numbered);
      results.push({
        expected,
        actual: formatThreads(threads, (n) => n.message!.seq),
        step: results.length + 1,
      });
    }
  }
  return results;
}

const scripts = readdirSync(fileURLToPath(dir)).filter((f) => /^thread/.test(f) && !f.endsWith('.mbox'));

describe('dovecot imaptest threading suites', () => {
  it('finds the scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(10);
  });
  it.each(scripts)('%s', async (script) => {
    const results = await replay(script);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(`step ${r.step}: ${r.actual}`).toBe(`step ${r.step}: ${r.expected}`);
  });
});
