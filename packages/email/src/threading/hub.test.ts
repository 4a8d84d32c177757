import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { mboxImporter } from '../import/importers.js';
import { readMbox } from '../import/mbox.js';
import { parseMime } from '../mime/parse.js';
import { threadMessages } from './jwz.js';

interface Mail {
  id: string;
  from: string;
  subject: string;
  refs: string[];
  hour: number;
}

// A small mailing-list archive: 4 threads, replies stored before their parents, a reply whose
// parent is missing from the archive, one reply with In-Reply-To only.
const mails: Mail[] = [
  { id: 't1-r2', from: 'cy@list.test', subject: 'Re: Release 1.0', refs: ['t1', 't1-r1'], hour: 5 },
  { id: 't2', from: 'bo@list.test', subject: 'Build fails on ARM', refs: [], hour: 2 },
  { id: 't1-r1', from: 'bo@list.test', subject: 'Re: Release 1.0', refs: ['t1'], hour: 3 },
  { id: 't3-r1', from: 'ann@list.test', subject: 'Re: Docs typo', refs: ['t3-missing'], hour: 7 },
  { id: 't1', from: 'ann@list.test', subject: 'Release 1.0', refs: [], hour: 1 },
  { id: 't2-r1', from: 'ann@list.test', subject: 'Re: Build fails on ARM', refs: [], hour: 4 },
  { id: 't3-r2', from: 'cy@list.test', subject: 'Re: Docs typo', refs: ['t3-missing', 't3-r1'], hour: 8 },
  { id: 't4', from: 'dee@list.test', subject: 'Release 1.0', refs: [], hour: 9 },
  { id: 't1-r3', from: 'dee@list.test', subject: 'Re: Release 1.0', refs: ['t1', 't1-r1'], hour: 6 },
];

function mbox(): string {
  return mails
    .map((m) => {
      const headers = [
        `From ${m.from} Mon Mar  2 0${m.hour % 10}:00:00 2026`,
        `From: ${m.from}`,
        'To: dev@list.test',
        `Subject: ${m.subject}`,
        `Message-ID: <${m.id}@list.test>`,
        `Date: Mon, 02 Mar 2026 ${String(m.hour).padStart(2, '0')}:00:00 +0000`,
      ];
      if (m.id === 't2-r1') headers.push('In-Reply-To: <t2@list.test>');
      else if (m.refs.length > 0)
        headers.push(`References: ${m.refs.map((r) => `<${r}@list.test>`).join(' ')}`);
      return `${headers.join('\n')}\n\nbody of ${m.id}\n`;
    })
    .join('\n');
}

describe('mailing-list import through the hub', () => {
  it('gives exactly the threads of threadMessages, whatever the order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omnithread-list-')), 'dev.mbox');
    writeFileSync(path, mbox());

    const parsed = [];
    for await (const m of readMbox(path)) parsed.push(await parseMime(m.raw));
    const expected = threadMessages(parsed, { subjectGrouping: 'off' }).map((root) => {
      const ids: string[] = [];
      const stack = [root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.message?.messageId) ids.push(node.message.messageId);
        stack.push(...node.children);
      }
      return ids.sort();
    });
    expect(expected).toHaveLength(4);

    const hub = createHub({ store: memoryStore() });
    for await (const item of mboxImporter().read(path)) {
      expect(item.type).toBe('message');
      if (item.type === 'message') await hub.ingest(item);
    }
    const conversations = (await hub.conversations.list({ limit: 100 })).items;
    const actual = await Promise.all(
      conversations.map(async (c) =>
        (await hub.conversations.messages(c.id, { limit: 100 })).items.map((m) => m.external.id).sort(),
      ),
    );
    const key = (groups: string[][]) => groups.map((g) => g.join(',')).sort();
    expect(key(actual)).toEqual(key(expected));
    // The same-subject fresh post (t4) is its own thread: a new subject line is not evidence.
    expect(actual.some((g) => g.length === 1 && g[0] === 't4@list.test')).toBe(true);

    // Importing the same archive again changes nothing: every message is a duplicate.
    for await (const item of mboxImporter().read(path)) {
      if (item.type !== 'message') continue;
      const again = await hub.ingest(item);
      expect(again.type === 'message' && again.duplicate).toBe(true);
    }
    expect((await hub.conversations.list({ limit: 100 })).items).toHaveLength(4);
  });
});
