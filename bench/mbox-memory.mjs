#!/usr/bin/env node
// Peak memory while importing a 1 GB generated mbox: the file is streamed, so the importer's RSS must
// stay flat instead of growing with the file. Measures the import pipeline (read, split, MIME parse,
// model events); the events are consumed and dropped, as a store that writes to disk would.
//
//   node bench/mbox-memory.mjs [out.json] [sizeMB]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , out, sizeArg] = process.argv;

if (process.env.OMNITHREAD_MBOX_CHILD) {
  // The measured process: import the file and sample RSS as it goes.
  const { importers } = await import('../packages/email/dist/index.js');
  const mbox = importers.find((i) => i.format === 'mbox');
  let peak = process.memoryUsage().rss;
  const samples = [];
  let events = 0;
  let rejected = 0;
  const start = performance.now();
  for await (const item of mbox.read(process.env.OMNITHREAD_MBOX_CHILD, {
    onProgress: (done) => {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      if (samples.length === 0 || done - samples.at(-1).bytes > 50 * 2 ** 20)
        samples.push({ bytes: done, rssMB: rss / 2 ** 20 });
    },
  })) {
    if (item.type === 'rejected') rejected++;
    else events++;
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ events, rejected, seconds, peakRssMB: peak / 2 ** 20, samples }));
  process.exit(0);
}

const sizeMB = Number(sizeArg ?? 1024);
const dir = mkdtempSync(join(tmpdir(), 'omnithread-mbox-'));
const file = join(dir, 'big.mbox');
try {
  // ~100 KB messages with a base64 attachment and quoted history, threaded in groups of ten.
  const attachment = Buffer.alloc(72 * 1024, 'omnithread')
    .toString('base64')
    .replace(/(.{76})/g, '$1\n');
  const stream = createWriteStream(file);
  let written = 0;
  let n = 0;
  while (written < sizeMB * 2 ** 20) {
    const id = `<m${n}@bench.example>`;
    const parent =
      n % 10 === 0
        ? ''
        : `In-Reply-To: <m${n - 1}@bench.example>\nReferences: <m${n - (n % 10)}@bench.example> <m${n - 1}@bench.example>\n`;
    const message = `From customer${n % 97}@example.org Mon Nov 16 09:12:00 2026\nFrom: Customer ${n % 97} <customer${n % 97}@example.org>\nTo: support@bench.example\nSubject: Order ${Math.floor(n / 10)}\nDate: Mon, 16 Nov 2026 09:12:00 +0000\nMessage-ID: ${id}\n${parent}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b${n}"\n\n--b${n}\nContent-Type: text/plain; charset=utf-8\n\nHello, this is message ${n}.\n\nOn Mon, Nov 16, 2026 Support wrote:\n> an earlier answer\n\n--b${n}\nContent-Type: application/octet-stream; name="receipt-${n}.bin"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="receipt-${n}.bin"\n\n${attachment}\n--b${n}--\n\n`;
    if (!stream.write(message)) await new Promise((r) => stream.once('drain', r));
    written += Buffer.byteLength(message);
    n++;
  }
  await new Promise((r) => stream.end(r));
  const bytes = statSync(file).size;
  console.error(`bench: mbox of ${(bytes / 2 ** 20).toFixed(0)} MB, ${n} messages; importing…`);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, OMNITHREAD_MBOX_CHILD: file },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`import child exited ${child.status}`);
  const result = { fileMB: bytes / 2 ** 20, messages: n, ...JSON.parse(child.stdout) };
  console.error(
    `bench: peak RSS ${result.peakRssMB.toFixed(0)} MB for ${result.fileMB.toFixed(0)} MB (${result.events} events in ${result.seconds.toFixed(0)} s)`,
  );
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
