#!/usr/bin/env node
// Email parsing and threading benchmark. A benchmark, not a test: run after `pnpm build` (it uses
// the built package in ../dist).
//
//   node packages/email/bench/parse.mjs [results.json]
//
// 1. Parse throughput (msgs/s, MB/s) of postal-mime (the parser we use) and mailparser on the same
//    corpus: every file under shared/fixtures/email, plus our full pipeline (postal-mime + limits +
//    warnings + model mapping + reply extraction). Each parser also gets an agreement check on
//    From, Subject and Message-ID.
// 2. threadMessages time for 10k, 100k and 1M generated messages (threads of 1–30 messages with
//    truncated References, some replies before their parents, some Outlook replies without
//    headers): the cost per message must stay flat.
// 3. Threading overhead vs parsing: threading µs/msg divided by full-pipeline parse µs/msg (< 10 %).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';

const dist = new URL('../dist/index.js', import.meta.url);
const { parseMime, threadMessages, toInboundMessage } = await import(dist.href);

const SECONDS_PER_PARSER = Number(process.env.BENCH_SECONDS ?? 3);
const root = fileURLToPath(new URL('../../../../shared/fixtures/email/', import.meta.url));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const corpus = walk(root)
  .sort()
  .map((path) => readFileSync(path));
const corpusBytes = corpus.reduce((n, b) => n + b.length, 0);

async function timeParser(name, parse) {
  // Warm up once, then repeat whole passes over the corpus until the time budget is spent.
  for (const buf of corpus) await parse(buf);
  let messages = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS_PER_PARSER * 1000) {
    for (const buf of corpus) {
      await parse(buf);
      messages++;
      bytes += buf.length;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    name,
    messages,
    seconds,
    msgsPerSec: messages / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    usPerMsg: (seconds * 1e6) / messages,
  };
}

const mailparser = (buf) => simpleParser(buf, { skipImageLinks: true });
const postal = (buf) => PostalMime.parse(buf);
const pipeline = async (buf) => {
  const parsed = await parseMime(buf);
  try {
    return toInboundMessage(parsed);
  } catch {
    return parsed; // no usable From: a typed error, counted like a parse
  }
};

// Agreement on the fields threading and identity depend on.
const norm = (s) => (s ?? '').replace(/^<|>$/g, '').trim();
let agree = 0;
const disagreements = [];
for (const [i, buf] of corpus.entries()) {
  const [a, b] = await Promise.all([postal(buf), mailparser(buf)]);
  const fa = [a.from?.address ?? '', a.subject ?? '', norm(a.messageId)];
  const fb = [b.from?.value?.[0]?.address ?? '', b.subject ?? '', norm(b.messageId)];
  if (fa.every((v, k) => v === fb[k])) agree++;
  else disagreements.push(i);
}

const parsers = [
  await timeParser('postal-mime', postal),
  await timeParser('mailparser', mailparser),
  await timeParser('omnithread pipeline (postal-mime)', pipeline),
];

function generate(count) {
  const messages = [];
  let thread = 0;
  let t = Date.UTC(2026, 0, 1);
  while (messages.length < count) {
    const size = 1 + ((thread * 7919) % 30);
    const ids = [];
    const people = [`c${thread}@example.org`, 'help@shop.test'];
    for (let k = 0; k < size && messages.length < count; k++) {
      const id = `t${thread}.m${k}@example.org`;
      t += 60_000;
      const m = {
        messageId: id,
        subject: k === 0 ? `Question ${thread}` : `Re: Question ${thread}`,
        date: t,
        participants: people,
      };
      if (k > 0) {
        if (k % 11 === 5) {
          // Outlook: no References, no In-Reply-To — only the subject ties it.
        } else {
          const parent = ids[Math.floor((k - 1) / 2) + ((k - 1) % 2)] ?? ids[0];
          m.inReplyTo = [parent];
          // Clients truncate References: root plus the last few ancestors.
          m.references = [...new Set([ids[0], ...ids.slice(-3), parent])];
        }
      }
      ids.push(id);
      messages.push(m);
    }
    thread++;
  }
  // Replies before parents: swap neighbours every so often.
  for (let i = 1; i < messages.length; i += 13)
    [messages[i - 1], messages[i]] = [messages[i], messages[i - 1]];
  return messages;
}

const threading = [];
for (const count of [10_000, 100_000, 1_000_000]) {
  const messages = generate(count);
  threadMessages(messages.slice(0, 5000)); // warm-up
  const start = performance.now();
  const threads = threadMessages(messages);
  const ms = performance.now() - start;
  threading.push({ messages: count, threads: threads.length, ms, usPerMsg: (ms * 1000) / count });
}

const pipelineUs = parsers[2].usPerMsg;
const worstThreadUs = Math.max(...threading.map((r) => r.usPerMsg));
const overhead = worstThreadUs / pipelineUs;
const flat = threading.at(-1).usPerMsg / threading[0].usPerMsg;

const pad = (s, n) => String(s).padEnd(n);
console.log(
  `\nEmail parse throughput — ${corpus.length} fixture files, ${(corpusBytes / 1e6).toFixed(2)} MB per pass`,
);
console.log(`${pad('parser', 36)}${pad('msgs/s', 12)}${pad('MB/s', 10)}µs/msg`);
for (const p of parsers)
  console.log(
    `${pad(p.name, 36)}${pad(p.msgsPerSec.toFixed(0), 12)}${pad(p.mbPerSec.toFixed(2), 10)}${p.usPerMsg.toFixed(1)}`,
  );
console.log(
  `postal-mime and mailparser agree on From/Subject/Message-ID for ${agree}/${corpus.length} files`,
);
console.log('\nthreadMessages (JWZ / RFC 5256, bounded subject grouping)');
console.log(`${pad('messages', 12)}${pad('threads', 12)}${pad('ms', 12)}µs/msg`);
for (const r of threading)
  console.log(
    `${pad(r.messages, 12)}${pad(r.threads, 12)}${pad(r.ms.toFixed(0), 12)}${r.usPerMsg.toFixed(2)}`,
  );
console.log(`\nper-message threading cost 1M vs 10k: ×${flat.toFixed(2)} (flat ≈ 1)`);
console.log(
  `threading overhead vs parsing: ${(overhead * 100).toFixed(2)} % of the pipeline's parse time per message (target < 10 %)`,
);

const results = {
  corpus: { files: corpus.length, bytes: corpusBytes },
  parse: parsers,
  agreement: { agree, total: corpus.length, disagreements: disagreements.length },
  threading,
  perMessageGrowth: flat,
  threadingOverheadVsParse: overhead,
};
if (process.argv[2]) writeFileSync(process.argv[2], `${JSON.stringify(results, null, 2)}\n`);
