import { readFileSync, readdirSync } from 'node:fs';
import { it } from 'vitest';
import { parseTranscript } from './formats/index.js';
const dir = new URL('../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url);
it('scratch', () => {
  for (const f of readdirSync(dir)) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    try {
      const [e] = parseTranscript(text, { startedAt: '2026-01-01T00:00:00Z' }) as any;
      const m = e.message;
      console.log(f, m.transcript.source, m.transcript.turns.length, m.external.id, JSON.stringify(m.transcript.turns.slice(0, 2)), m.warnings, m.text.slice(0, 150));
    } catch (e) { console.log(f, 'ERR', (e as Error).message); }
  }
});
