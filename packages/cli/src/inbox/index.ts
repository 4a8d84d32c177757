/**
 * @omnithread/cli/inbox — the unified inbox behind `omnithread demo` and `omnithread serve`: an HTTP
 * server mounting every adapter's webhooks, a JSON API and live events for the page, the sandbox
 * (outbox instead of providers) and the scripted customer journey.
 */
export { adaptersFromEnv, type Env, type EnvAdapters, sandboxAdapters } from './adapters.js';
export { type ApiContext, handleApi } from './api.js';
export { createInboxClock, type InboxClock } from './clock.js';
export {
  type ProductionInboxOptions,
  type RunningInbox,
  type SandboxInboxOptions,
  startProductionInbox,
  startSandboxInbox,
} from './inbox.js';
export {
  JOURNEY,
  type JourneyContext,
  type JourneyResult,
  type JourneyStep,
  MAYA,
  playJourney,
  TRANSCRIPT_WORD,
} from './journey.js';
export { memoryOutbox, type Outbox, type OutboxEntry, withOutbox } from './outbox.js';
export { SANDBOX } from './sandbox-config.js';
export { type InboxServer, type InboxServerOptions, startInboxServer } from './server.js';
export {
  mailgunMimeRequest,
  mailgunSignature,
  metaRequest,
  twilioFormRequest,
  twilioJsonRequest,
  xRequest,
} from './signed.js';
export { type ChannelReplyState, canSend, messageView, replyStates } from './views.js';
