#!/usr/bin/env node
// Parse time of large transcripts (10 MB WebVTT, 11 MB of Deepgram diarized words) and of the PII
// redactor over 10 MB of hostile and realistic text. A benchmark, not a test: run after
// `pnpm build` (it uses the built package).
//
//   node packages/voice/bench/parse.mjs
import { parseTranscript, redactText } from '../dist/index.js';

const MB = 1024 * 1024;
const startedAt = '2026-01-01T00:00:00Z';

function time(name, fn) {
  fn(); // warm-up
  const start = performance.now();
  fn();
  console.log(`${name.padEnd(44)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
}

function bigVtt() {
  const parts = ['WEBVTT\n'];
  let size = 0;
  for (let i = 0; size < 10 * MB; i++) {
    const clock = `${Math.floor(i / 3600)}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000`;
    const cue = `${i}\n${clock} --> 999:00:00.000\n<v Speaker ${i % 2}>hello there, how are you today</v>\n`;
    parts.push(cue);
    size += cue.length + 1;
  }
  return parts.join('\n');
}

function bigDeepgram() {
  const words = [];
  for (let i = 0; i < 120_000; i++) {
    words.push({
      word: 'word',
      punctuated_word: 'word',
      start: i / 4,
      end: i / 4 + 0.2,
      confidence: 0.9,
      speaker: Math.floor(i / 7) % 2,
    });
  }
  return JSON.stringify({
    metadata: { request_id: 'bench', created: startedAt },
    results: { channels: [{ alternatives: [{ transcript: '', words }] }] },
  });
}

const vtt = bigVtt();
const dg = bigDeepgram();
time(`WebVTT ${(vtt.length / MB).toFixed(1)} MB`, () => parseTranscript(vtt, { startedAt }));
time(`WebVTT ${(vtt.length / MB).toFixed(1)} MB, redact: true`, () =>
  parseTranscript(vtt, { startedAt, redact: true }),
);
time(`Deepgram ${(dg.length / MB).toFixed(1)} MB of diarized words`, () => parseTranscript(dg));
for (const [name, text] of [
  ['letters', 'a'.repeat(10 * MB)],
  ['digits', '1'.repeat(10 * MB)],
  ['"a@" pairs', 'a@'.repeat(5 * MB)],
  ['spoken digits', 'one '.repeat(2.5 * MB)],
  [
    'numbers, emails, cards',
    'call me at 415 555 0100 or jane@x.io, card 4111 1111 1111 1111. '.repeat(MB / 6.4),
  ],
]) {
  time(`redact 10 MB of ${name}`, () => redactText(text, true));
}
