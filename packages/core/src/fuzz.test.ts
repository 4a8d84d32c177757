import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPayloadTooLargeError, isValidationError, WebhookParseError } from './errors.js';
import { createHub } from './hub/hub.js';
import { normalizeEmail } from './identity/email.js';
import { normalizeIdentity } from './identity/normalize.js';
import { normalizePhone } from './identity/phone.js';
import { nestsDeeperThan } from './security/json.js';
import { memoryStore } from './store/memory.js';
import { HANG_BOUND_MS } from './testing/refusals.js';
import { readBody } from './webhook/body.js';

/** A minimal SMS message event with the given external id, and any message fields to add. */
const smsEvent = (id: string, fields: Record<string, unknown> = {}) => ({
  type: 'message',
  message: {
    channel: 'sms',
    from: { kind: 'phone', value: '+14155550100' },
    sentAt: '2026-01-01T00:00:00Z',
    external: { id },
    raw: null,
    ...fields,
  },
});

// Hostile input never crashes: every failure is a typed ValidationError. Fixed seed, modest runs in
// CI; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 200);
const params = { seed: 4242, numRuns };

function typedOrFine(fn: () => unknown): void {
  const startedAt = performance.now();
  try {
    fn();
  } catch (error) {
    if (!isValidationError(error)) throw error;
  }
  expect(performance.now() - startedAt, 'one input may not take seconds (a hang)').toBeLessThan(
    HANG_BOUND_MS,
  );
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', '@', '<>', '"\\', '((((((', '[IPv6:::::]', '+', '\u0000', '\ud800', 'a'.repeat(5000)),
  fc
    .tuple(fc.string(), fc.constantFrom('@', '<', '>', '(', '"', '\r\n ', '['), fc.string())
    .map((parts) => parts.join('')),
);

describe('fuzzing identity normalization', () => {
  it('normalizeEmail: a typed error or a normalized address, never a crash', () => {
    fc.assert(
      fc.property(hostileString, (s) => typedOrFine(() => normalizeEmail(s))),
      params,
    );
  });
  it('normalizeEmail is idempotent on what it accepts', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const once = normalizeEmail(address);
        expect(normalizeEmail(once)).toBe(once);
      }),
      params,
    );
  });
  it('normalizePhone: a typed error or E.164, never a crash', () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom(undefined, 'US', 'BR', 'GB', 'IN'), (s, region) =>
        typedOrFine(() => {
          const e164 = normalizePhone(s, region as 'US' | undefined);
          expect(e164).toMatch(/^\+\d{2,17}$/);
        }),
      ),
      params,
    );
  });
  it('normalizeIdentity on any kind and value, even wrong types', () => {
    const anything = fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.object());
    fc.assert(
      fc.property(
        fc.constantFrom(
          'email',
          'phone',
          'whatsapp',
          'whatsapp-bsuid',
          'whatsapp-lid',
          'x',
          'messenger',
          'custom',
          '',
        ),
        anything,
        (kind, value) => typedOrFine(() => normalizeIdentity({ kind, value } as never)),
      ),
      params,
    );
  });
});

describe('fuzzing hub.ingest', () => {
  it('random and mutated events are refused with a ValidationError or ingested, never crash the hub', async () => {
    const hub = createHub({ store: memoryStore() });
    const base = smsEvent('x');
    const mutated = fc
      .tuple(
        fc.constantFrom('type', 'message', 'channel', 'from', 'sentAt', 'external', 'text', 'thread'),
        fc.anything(),
      )
      .map(([key, value]) => {
        const event: Record<string, unknown> = structuredClone(base);
        if (key === 'type' || key === 'message') event[key] = value;
        else (event.message as Record<string, unknown>)[key] = value;
        return event;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), mutated), async (event) => {
        try {
          await hub.ingest(event as never);
        } catch (error) {
          if (!isValidationError(error)) throw error;
        }
      }),
      params,
    );
    // The hub still works afterwards.
    const ok = await hub.ingest({
      ...base,
      message: { ...base.message, external: { id: 'after-fuzz' } },
    } as never);
    expect(ok.type).toBe('message');
  });
});

describe('deep values from app code', () => {
  it('an event nested 10,000 deep is a ValidationError, not a stack overflow in the store', async () => {
    const hub = createHub({ store: memoryStore() });
    let raw: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) raw = [raw];
    const event = smsEvent('deep', { raw });
    await expect(hub.ingest(event as never)).rejects.toThrow(/nested deeper than 128 levels/);
    expect((await hub.conversations.list()).items).toHaveLength(0);
  });
  it('metadata or raw one level under the limit is kept, one level over is refused, as the full check says', async () => {
    const nest = (levels: number): Record<string, unknown> => {
      let value: Record<string, unknown> = { leaf: true };
      for (let i = 1; i < levels; i++) value = { x: value };
      return value;
    };
    const hub = createHub({ store: memoryStore() });
    let n = 0;
    for (const field of ['metadata', 'raw'] as const) {
      for (const levels of [125, 126, 127, 128, 5_000]) {
        const event = smsEvent(`deep-${++n}`, { [field]: nest(levels) });
        const ingest = hub.ingest(event as never);
        if (nestsDeeperThan(event, 128))
          await expect(ingest).rejects.toThrow(/nested deeper than 128 levels/);
        else expect((await ingest).type).toBe('message');
      }
    }
    // 126 levels fit under `message` in an event of 128: two of each kept, three of each refused.
    expect((await hub.conversations.list()).items).toHaveLength(1);
    expect(
      (await hub.conversations.messages((await hub.conversations.list()).items[0]!.id)).items,
    ).toHaveLength(4);
  });
  it('a store that fails while keeping a rejected payload makes handle answer 500, not throw', async () => {
    const store = memoryStore();
    const failing = { ...store, insertRejected: async () => Promise.reject(new Error('disk full')) };
    const adapter = {
      channel: 'sms',
      capabilities: {
        media: false,
        templates: false,
        reactions: false,
        edits: false,
        readReceipts: false,
        threaded: false,
        identityKinds: ['phone'],
      },
      parse: () => [],
      send: async () => ({ externalId: 'x', status: 'sent' as const }),
      handle: async () => {
        throw new WebhookParseError('bad body', { raw: 'x=1' });
      },
    };
    const hub = createHub({ store: failing, adapters: [adapter] });
    const response = await hub.handle(new Request('https://x/webhooks/sms', { method: 'POST', body: 'x=1' }));
    expect(response.status).toBe(500);
  });
});

describe('readBody limits', () => {
  it('refuses a body over the limit, declared or streamed', async () => {
    const big = new Request('https://x/webhooks/sms', { method: 'POST', body: 'a'.repeat(2048) });
    await expect(readBody(big, { maxBytes: 1024 })).rejects.toSatisfy(isPayloadTooLargeError);
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
    });
    const endless = new Request('https://x/webhooks/sms', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expect(readBody(endless, { maxBytes: 1024 })).rejects.toThrow(/exceeds the 1024-byte limit/);
    const small = new Request('https://x/webhooks/sms', { method: 'POST', body: 'héllo' });
    expect(await readBody(small)).toBe('héllo');
  });
});
