import { ValidationError } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Clamps a caller's page size into 1..MAX_PAGE_SIZE. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new ValidationError(`A page limit must be a positive integer, got ${limit}`);
  return Math.min(limit, MAX_PAGE_SIZE);
}

/**
 * Keyset cursors: the sort key and id of the last item of a page, base64url-encoded so callers treat
 * them as opaque. Every store uses the same form so a cursor stays valid whichever store made it.
 */
export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { sortKey: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { sortKey: value[0], id: value[1] };
    }
  } catch {
    // fall through to the typed error
  }
  throw new ValidationError(`Invalid page cursor ${JSON.stringify(cursor.slice(0, 80))}`, { path: 'cursor' });
}

/** Splits a search query into lower-case words (letters and digits in any script). */
export function searchWords(query: string): string[] {
  return query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
