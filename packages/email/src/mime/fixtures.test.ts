import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inboundMessageSchema, isPayloadTooLargeError, isWebhookParseError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { toInboundMessage } from './message.js';
import { parseMime } from './parse.js';

const root = fileURLToPath(new URL('../../../../../shared/fixtures/email/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(root).sort();

// Every file: a valid model message, or a typed error (PayloadTooLargeError, or WebhookParseError
// naming `from` with the parsed email kept as raw). Broken files carry typed warnings.

describe('every shared email fixture', () => {
  it('finds the fixture folder', () => {
    expect(files.length).toBeGreaterThan(250);
  });

  it('flags the broken-on-purpose folders with typed warnings', async () => {
    const broken = files.filter((f) => /error_emails|low-quality/.test(f));
    expect(broken.length).toBeGreaterThan(10);
    let warned = 0;
    for (const f of broken) {
      const parsed = await parseMime(readFileSync(f));
      for (const w of parsed.warnings) expect(w).toMatch(/^[a-z-]+: /);
      if (parsed.warnings.length > 0) warned++;
    }
    expect(warned).toBeGreaterThan(broken.length / 2);
  });

  it.each(files.map((f) => [relative(root, f), f]))(
    '%s parses to a valid message or a typed error',
    async (_name, file) => {
      const bytes = readFileSync(file);
      let parsed: Awaited<ReturnType<typeof parseMime>>;
      try {
        parsed = await parseMime(bytes);
      } catch (error) {
        expect(isPayloadTooLargeError(error), String(error)).toBe(true);
        return;
      }
      expect(parsed.size).toBe(bytes.length);
      for (const a of parsed.attachments) expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
      try {
        const message = toInboundMessage(parsed);
        const result = inboundMessageSchema.safeParse(message);
        expect(result.success, result.success ? '' : result.error.message).toBe(true);
        expect(message.thread?.keys?.[0]).toMatch(/^email:./);
        expect(message.raw).toBeDefined();
      } catch (error) {
        expect(isWebhookParseError(error), String(error)).toBe(true);
        if (isWebhookParseError(error)) expect(error.raw).toBe(parsed);
        if (isWebhookParseError(error)) expect(error.path).toBe('from');
      }
    },
  );
});
