import { describe, expect, it } from 'vitest';
import { parseMime } from '../mime/parse.js';
import { formatThreads, type Threadable, type ThreadNode, threadMessages } from './jwz.js';
import { baseSubject } from './subject.js';

interface M extends Threadable {
  n: number;
}
let counter = 0;
const msg = (fields: Partial<M> & { messageId?: string }): M => ({
  n: ++counter,
  date: Date.UTC(2026, 0, 1, 0, counter),
  ...fields,
});
const fmt = (threads: ThreadNode<M>[]) => formatThreads(threads, (node) => node.message!.n);

describe('threadMessages', () => {
  it('threads replies that arrive before their parents, with placeholders for missing ones', () => {
    counter = 0;
    const reply2 = msg({ messageId: 'c@x', references: ['a@x', 'b@x'] });
    const reply1 = msg({ messageId: 'b@x', references: ['a@x'] });
    const orphan = msg({ messageId: 'e@x', references: ['missing@x'] });
    const root = msg({ messageId: 'a@x' });
    const threads = threadMessages([reply2, reply1, orphan, root]);
    // root (4) → reply1 (2) → reply2 (1); the orphan's placeholder parent is pruned.
    expect(fmt(threads)).toBe('(3)(4 2 1)');
    expect(threads.map((t) => t.message?.n)).toEqual([3, 4]);
  });

  it('keeps a placeholder root that holds several replies', () => {
    counter = 0;
    const threads = threadMessages([
      msg({ messageId: 'r1@x', inReplyTo: ['gone@x'] }),
      msg({ messageId: 'r2@x', inReplyTo: ['gone@x'] }),
    ]);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.message).toBeUndefined();
    expect(threads[0]!.messageId).toBe('gone@x');
    expect(fmt(threads)).toBe('((1)(2))');
  });

  it('breaks reference loops instead of hanging', () => {
    counter = 0;
    const a = msg({ messageId: 'a@x', references: ['b@x'] });
    const b = msg({ messageId: 'b@x', references: ['a@x'] });
    const threads = threadMessages([a, b]);
    const count = (nodes: ThreadNode<M>[]): number =>
      nodes.reduce((s, n) => s + (n.message ? 1 : 0) + count(n.children), 0);
    expect(count(threads)).toBe(2);
    const self = threadMessages([msg({ messageId: 's@x', references: ['s@x'] })]);
    expect(fmt(self)).toBe('(3)');
  });

  it('gives duplicate and missing Message-IDs their own nodes', () => {
    counter = 0;
    const threads = threadMessages([
      msg({ messageId: 'a@x' }),
      msg({ messageId: 'a@x' }),
      msg({}),
      msg({ messageId: '' }),
    ]);
    expect(fmt(threads)).toBe('(1)(2)(3)(4)');
  });

  it('sorts siblings and threads by date, ties in input order', () => {
    const threads = threadMessages<M>([
      { n: 1, messageId: 'p@x', date: '2026-01-01T10:00:00Z' },
      { n: 2, messageId: 'late@x', inReplyTo: ['p@x'], date: '2026-01-03T10:00:00Z' },
      { n: 3, messageId: 'early@x', inReplyTo: ['p@x'], date: '2026-01-02T10:00:00Z' },
      { n: 4, messageId: 'old@x', date: '2025-12-01T10:00:00Z' },
    ]);
    expect(fmt(threads)).toBe('(4)(1 (3)(2))');
  });

  it('groups a header-less Outlook reply by subject only within participants and time', () => {
    const base = Date.UTC(2026, 0, 1);
    const day = 86_400_000;
    const original: M = {
      n: 1,
      messageId: 'o@x',
      subject: 'Invoice 42',
      date: base,
      participants: ['ann@x.org', 'help@shop.test'],
    };
    const outlook: M = {
      n: 2,
      messageId: 'ol@x',
      subject: 'RE: Invoice 42',
      date: base + day,
      participants: ['help@shop.test', 'ann@x.org'],
    };
    const stranger: M = {
      n: 3,
      messageId: 's@x',
      subject: 'Re: Invoice 42',
      date: base + day,
      participants: ['zed@y.org', 'help2@shop.test'],
    };
    const tooLate: M = {
      n: 4,
      messageId: 'l@x',
      subject: 'Re: Invoice 42',
      date: base + 90 * day,
      participants: ['ann@x.org'],
    };
    const fresh: M = {
      n: 5,
      messageId: 'f@x',
      subject: 'Invoice 42',
      date: base + 2 * day,
      participants: ['ann@x.org'],
    };
    const threads = threadMessages([original, outlook, stranger, tooLate, fresh]);
    expect(fmt(threads)).toBe('(1 2)(3)(5)(4)');
    expect(fmt(threadMessages([original, outlook], { subjectGrouping: 'off' }))).toBe('(1)(2)');
    expect(fmt(threadMessages([original, outlook, stranger], { subjectGrouping: 'rfc5256' }))).toBe(
      '(1 (2)(3))',
    );
  });

  it('groups parsed emails: an Outlook reply (no References) joins by subject, From and To', async () => {
    const original = await parseMime(
      'From: help@shop.test\r\nTo: ann@example.org\r\nSubject: Your invoice\r\nMessage-ID: <inv@shop.test>\r\nDate: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\nAttached.',
    );
    const outlook = await parseMime(
      'From: Ann <ann@example.org>\r\nTo: help@shop.test\r\nSubject: RE: Your invoice\r\nMessage-ID: <ol@example.org>\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nThanks.',
    );
    const threads = threadMessages([outlook, original]);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.message?.messageId).toBe('inv@shop.test');
    expect(threads[0]?.children.map((c) => c.message?.messageId)).toEqual(['ol@example.org']);
  });

  it('threads a long chain without deep recursion', () => {
    const chain: M[] = Array.from({ length: 20_000 }, (_, i) => ({
      n: i + 1,
      messageId: `${i}@x`,
      inReplyTo: i === 0 ? [] : [`${i - 1}@x`],
      date: i,
    }));
    const threads = threadMessages(chain.slice().reverse());
    expect(threads).toHaveLength(1);
    let depth = 0;
    for (let node: ThreadNode<M> | undefined = threads[0]; node; node = node.children[0]) depth++;
    expect(depth).toBe(20_000);
  });
});

describe('baseSubject (RFC 5256 2.1)', () => {
  it.each([
    ['Re: Hello', 'hello', true],
    ['RE: re: Fwd: Hello', 'hello', true],
    ['[list] Re: [list] Hello (fwd)', 'hello', true],
    ['[fwd: Hello]', 'hello', true],
    ['Hello', 'hello', false],
    ['  Hello   world ', 'hello world', false],
    ['[only-blob]', '[only-blob]', false],
    ['Re:', '', true],
  ])('%j → %j', (subject, base, isReply) => {
    expect(baseSubject(subject)).toEqual({ base, isReply });
  });
});
