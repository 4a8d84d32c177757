import assert from 'node:assert/strict';
import type { ChannelAdapter } from '../adapter.js';
import { isWebhookParseError, isWebhookVerificationError } from '../errors.js';
import { inboundEventSchema } from '../model/events.js';
import type { ConformanceCase } from './cases.js';

export interface AdapterConformanceOptions {
  create(): ChannelAdapter;
  /** Native payloads (as `parse` takes them) that must give at least one valid event each. */
  validPayloads: readonly unknown[];
  /** Payloads that must be refused with a `WebhookParseError` that keeps the raw payload. */
  invalidPayloads: readonly unknown[];
  /** For adapters with `handle`: a correctly signed request carrying the payload. */
  signedRequest?(payload: unknown): Request | Promise<Request>;
  /** For signed channels: the same request with its signature removed. */
  unsignedRequest?(payload: unknown): Request | Promise<Request>;
  /** For signed channels: the same request with a wrong signature. */
  badlySignedRequest?(payload: unknown): Request | Promise<Request>;
}

const JUNK: unknown[] = [
  null,
  undefined,
  0,
  'x',
  '',
  [],
  {},
  { entry: 5 },
  [[[[]]]],
  { a: { b: { c: null } } },
];

function assertValidEvents(events: unknown, where: string): void {
  assert.ok(Array.isArray(events), `${where}: parse must return an array`);
  for (const [i, event] of (events as unknown[]).entries()) {
    const result = inboundEventSchema.safeParse(event);
    assert.ok(
      result.success,
      `${where}: event ${i} does not fit the model: ${result.success ? '' : result.error.message}`,
    );
  }
}

/**
 * The checks every channel adapter must pass: a well-formed contract, pure parsing that keeps the
 * raw payload, typed errors for bad input (never a crash), signature checks before parsing.
 *
 * @example
 * ```ts
 * import { adapterConformanceCases } from '@omnithread/core/testing';
 * describe('sms adapter conformance', () => {
 *   for (const c of adapterConformanceCases({ create, validPayloads, invalidPayloads, signedRequest, unsignedRequest }))
 *     it(c.name, c.run);
 * });
 * ```
 */
export function adapterConformanceCases(options: AdapterConformanceOptions): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      name: 'declares a channel and complete capabilities',
      async run() {
        const adapter = options.create();
        assert.equal(typeof adapter.channel, 'string');
        assert.ok(adapter.channel.length > 0);
        const caps = adapter.capabilities;
        for (const flag of ['templates', 'reactions', 'edits', 'readReceipts', 'threaded'] as const) {
          assert.equal(typeof caps[flag], 'boolean', `capabilities.${flag} must be a boolean`);
        }
        assert.ok(
          caps.media === true || caps.media === false || Array.isArray(caps.media),
          'capabilities.media',
        );
        assert.ok(caps.identityKinds.length > 0, 'capabilities.identityKinds must name at least one kind');
        assert.equal(typeof adapter.parse, 'function');
        assert.equal(typeof adapter.send, 'function');
      },
    },
    {
      name: 'parses every valid payload into model events that keep the raw payload',
      async run() {
        const adapter = options.create();
        assert.ok(options.validPayloads.length > 0, 'give at least one valid payload');
        for (const [i, payload] of options.validPayloads.entries()) {
          const events = adapter.parse(payload);
          assertValidEvents(events, `valid payload ${i}`);
          assert.ok(events.length > 0, `valid payload ${i} gave no events`);
          for (const event of events) {
            if (event.type === 'message')
              assert.notEqual(event.message.raw, undefined, `valid payload ${i}: message.raw is missing`);
          }
        }
      },
    },
    {
      name: 'parses purely: same input, same output, input untouched',
      async run() {
        const adapter = options.create();
        for (const payload of options.validPayloads) {
          const before = JSON.stringify(payload);
          const first = adapter.parse(payload);
          const second = adapter.parse(payload);
          assert.deepEqual(first, second);
          assert.equal(JSON.stringify(payload), before, 'parse mutated its input');
        }
      },
    },
    {
      name: 'refuses invalid payloads with a WebhookParseError that keeps the raw payload',
      async run() {
        const adapter = options.create();
        for (const [i, payload] of options.invalidPayloads.entries()) {
          assert.throws(
            () => adapter.parse(payload),
            (error: unknown) => isWebhookParseError(error) && error.raw !== undefined,
            `invalid payload ${i} was not refused with a WebhookParseError keeping raw`,
          );
        }
      },
    },
    {
      name: 'never crashes on junk: a typed error or valid events',
      async run() {
        const adapter = options.create();
        for (const junk of JUNK) {
          try {
            assertValidEvents(adapter.parse(junk), `junk ${JSON.stringify(junk)}`);
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            assert.ok(
              isWebhookParseError(error),
              `junk ${JSON.stringify(junk)} threw ${String(error)} instead of a WebhookParseError`,
            );
          }
        }
      },
    },
  ];
  if (options.signedRequest) {
    const signed = options.signedRequest;
    cases.push({
      name: 'handles a signed webhook: 2xx and valid events',
      async run() {
        const adapter = options.create();
        assert.ok(adapter.handle, 'signedRequest given but the adapter has no handle()');
        for (const payload of options.validPayloads) {
          const result = await adapter.handle(await signed(payload));
          assert.ok(
            result.response.status >= 200 && result.response.status < 300,
            `status ${result.response.status}`,
          );
          assertValidEvents(result.events, 'handle');
        }
      },
    });
  }
  for (const [name, build] of [
    ['without a signature', options.unsignedRequest],
    ['with a wrong signature', options.badlySignedRequest],
  ] as const) {
    if (!build) continue;
    cases.push({
      name: `rejects a webhook ${name} with WebhookVerificationError before parsing`,
      async run() {
        const adapter = options.create();
        assert.ok(adapter.handle, 'the adapter has no handle()');
        const payload = options.validPayloads[0];
        await assert.rejects(adapter.handle(await build(payload)), (error: unknown) =>
          isWebhookVerificationError(error),
        );
      },
    });
  }
  return cases;
}
