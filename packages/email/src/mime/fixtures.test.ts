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

describe('every shared email fixture', () => {
  it('finds the fixture folder', () => {
    expect(files.length).toBeGreaterThan(250);
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
