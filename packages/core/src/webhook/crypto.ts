import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `data` with `secret`, in the encoding asked for. */
export function hmacSha256(
  secret: string | Uint8Array,
  data: string | Uint8Array,
  encoding: 'hex' | 'base64' = 'hex',
): string {
  return createHmac('sha256', secret).update(data).digest(encoding);
}

/**
 * Compares two strings in constant time (for signatures). Different lengths are unequal without
 * leaking where they differ.
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Compare anyway so the time does not depend on where the lengths diverge.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
