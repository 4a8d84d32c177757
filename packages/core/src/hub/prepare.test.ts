import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { sortedUnique, withSafeFilenames } from './prepare.js';
import { msg, phone } from './test-helpers.js';

describe('sortedUnique (lock keys: sorted so writers cannot deadlock, each once)', () => {
  it('orders and deduplicates as a Set and `sort` do, for one event’s few keys and a batch’s many', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('contact:a', 'msg:sms:1', 'thread:x', 'é', '😀')), {
          maxLength: 40,
        }),
        (keys) => {
          const before = [...keys];
          expect(sortedUnique(keys)).toEqual([...new Set(keys)].sort());
          expect(keys).toEqual(before);
        },
      ),
      { seed: 20261123, numRuns: 500 },
    );
  });
});

describe('attachment filenames (whoever made the event, a stored name is one harmless path segment)', () => {
  it('keeps safe names and the same array when nothing changes; makes the others safe', () => {
    const file = (contentType: string, filename?: string) => ({
      id: 'att_1',
      contentType,
      size: 10,
      ...(filename === undefined ? {} : { filename }),
    });
    const fine = [file('application/pdf', 'invoice 42.pdf'), file('image/png')];
    expect(withSafeFilenames(fine)).toBe(fine);
    const hostile = [
      file('application/pdf', '../../etc/passwd'),
      file('image/png', 'ok.png'),
      file('application/octet-stream', 'C:\\Windows\\CON.txt'),
      file('image/jpeg', 'invoice\u202Egpj.exe'),
    ];
    const safe = withSafeFilenames(hostile);
    expect(safe.map((a) => a.filename)).toEqual(['passwd', 'ok.png', '_CON.txt', 'invoicegpj.exe']);
    expect(hostile[0]!.filename).toBe('../../etc/passwd');
    expect(safe[1]).toBe(hostile[1]);
  });

  it('hub.ingest stores the safe name, from any caller', async () => {
    const hub = createHub({ store: memoryStore() });
    const result = await hub.ingest(
      msg('sms', phone('+14155550100'), 0, 'see attached', {
        attachments: [
          {
            id: 'att_1',
            contentType: 'text/plain',
            size: 10,
            filename: '../../../home/agent/.ssh/authorized_keys',
          },
        ],
      }),
    );
    if (result.type !== 'message') throw new Error('expected a message');
    const stored = await hub.messages.get(result.message.id);
    expect(stored.attachments.map((a) => a.filename)).toEqual(['authorized_keys']);
  });
});
