/**
 * @omnithread/core/testing — conformance suites for stores and adapters, and builders of valid model
 * records. Runner-agnostic: each case is `{ name, run }`.
 */
export { type AdapterConformanceOptions, adapterConformanceCases } from './adapter-conformance.js';
export type { ConformanceCase } from './cases.js';
export { type ConsoleCapture, captureConsole } from './console.js';
export { inboundMessage, makeContact, makeConversation, makeMessage } from './fixtures.js';
export { outputDigest, recordedDigests } from './golden.js';
export {
  expectEventsOrTypedRefusal,
  expectHandledOrRejected,
  expectWithinHangBound,
  HANG_BOUND_MS,
  type HandledOrRejectedOptions,
  isTypedRefusal,
} from './refusals.js';
export { type StoreConformanceOptions, storeConformanceCases } from './store-conformance.js';
export { XSS_VECTORS } from './xss-vectors.js';
