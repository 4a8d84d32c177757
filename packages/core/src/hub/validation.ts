import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { inboundEventSchema, type NormalizedInboundEvent } from '../model/events.js';
import { nestsDeeperThan } from '../security/json.js';
import { storageProblem } from '../security/storable.js';
import { MAX_EVENT_DEPTH, MAX_PAYLOAD_DEPTH, validateCommonEvent } from './fast-validation.js';

/** Turns a zod error into our ValidationError, naming the first failing field. */
export function zodToValidationError(error: z.ZodError, root: string): ValidationError {
  const issue = error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].join('.');
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new ValidationError(`${path}: ${issue?.message ?? 'invalid'}${extra}`, { path, cause: error });
}

// Stores copy and serialize events recursively: refuse a nesting no real payload has, before any of
// that can overflow the stack (adapters already bound webhook JSON at 64 levels).
const tooDeep = () =>
  new ValidationError(`event: nested deeper than ${MAX_EVENT_DEPTH} levels`, { path: 'event' });

/** Validates an event from an adapter or an app: the model's output, or a `ValidationError` naming the field. */
export function validateEvent(event: unknown): NormalizedInboundEvent {
  // Messages and statuses take a hand-written path that gives zod's exact output and bounds every
  // nesting but the raw payload's, which is checked alone; zod decides the rest, after a full check.
  const common = validateCommonEvent(event);
  if (common) {
    const raw =
      common.type === 'message'
        ? common.message.raw
        : common.type === 'status'
          ? common.status.raw
          : undefined;
    checkStorable(raw, common.type === 'message' ? 'message.raw' : 'status.raw');
    return common;
  }
  if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) throw tooDeep();
  const parsed = inboundEventSchema.safeParse(event);
  if (!parsed.success) throw zodToValidationError(parsed.error, 'event');
  const data = parsed.data;
  if (data.type === 'message') checkStorable(data.message.raw, 'message.raw');
  else if (data.type === 'status') checkStorable(data.status.raw, 'status.raw');
  else if ('raw' in data) checkStorable(data.raw, 'raw');
  return data;
}

/** Refuses a payload no store could keep as JSON, so that every store refuses it alike. */
function checkStorable(raw: unknown, path: string) {
  const problem = storageProblem(raw, MAX_PAYLOAD_DEPTH);
  if (problem === undefined) return;
  if (problem.startsWith('nested deeper')) throw tooDeep();
  throw new ValidationError(`event: ${path}: ${problem}`, { path });
}

/** The payload to keep when an event is refused: its message's or its own `raw`, else the event. */
export function rawOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const e = event as { message?: { raw?: unknown }; raw?: unknown };
  return e.message?.raw ?? e.raw ?? event;
}
