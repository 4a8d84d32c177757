import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Turns a zod error into our ValidationError, naming the first failing field. */
export function zodToValidationError(error: z.ZodError, root: string): ValidationError {
  const issue = error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].join('.');
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new ValidationError(`${path}: ${issue?.message ?? 'invalid'}${extra}`, { path, cause: error });
}
