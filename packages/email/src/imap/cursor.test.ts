import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailThreadEvidence } from '../threading/evidence.js';
import { fileCursorStore, memoryCursorStore } from './cursor.js';

describe('cursor stores', () => {
  it('memory: keeps copies per key', async () => {
    const store = memoryCursorStore();
    const cursor = { uidValidity: '7', uid: 3 };
    await store.set('a', cursor);
    cursor.uid = 99;
    expect(await store.get('a')).toEqual({ uidValidity: '7', uid: 3 });
    expect(await store.get('b')).toBeUndefined();
  });

  it('file: survives a new store on the same file and serializes concurrent writes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ot-cursor-')), 'nested', 'cursor.json');
    const first = fileCursorStore(path);
    expect(await first.get('inbox')).toBeUndefined();
    await Promise.all([
      first.set('inbox', { uidValidity: '1', uid: 10 }),
      first.set('sent', { uidValidity: '2', uid: 4 }),
    ]);
    const second = fileCursorStore(path);
    expect(await second.get('inbox')).toEqual({ uidValidity: '1', uid: 10 });
    expect(await second.get('sent')).toEqual({ uidValidity: '2', uid: 4 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveProperty('inbox');
  });
});

describe('emailThreadEvidence', () => {
  it('names the message and what it answers, for the explicit-thread rule', () => {
    expect(
      emailThreadEvidence({ messageId: '<c@x>', references: ['a@x', 'b@x'], inReplyTo: ['b@x', 'c@x'] }),
    ).toEqual({
      keys: ['email:c@x'],
      refs: ['email:a@x', 'email:b@x'],
    });
  });
});
