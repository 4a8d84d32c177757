import type { Trust } from '@omnithread/core';

export interface AuthenticationTrustOptions {
  /**
   * The authserv-ids (RFC 8601) of YOUR border mail servers, e.g. `['mx.example.com']`. Only
   * Authentication-Results headers from them are believed; others may be forged by the sender.
   * When set, a From is trusted (`provider`) only with `dmarc=pass` for its domain; anything else
   * makes it `unverified`, so it can never merge contacts. When unset, trust is not judged here.
   */
  trustAuthenticationResultsFrom?: readonly string[];
}

export interface AuthResult {
  method: string;
  result: string;
  /** `header.from`, `smtp.mailfrom`, `header.d`… lower-cased keys. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: AuthResult[];
}

/** Removes RFC 5322 comments (nested parentheses, backslash escapes) in one linear pass. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '"') quoted = !quoted;
      out += c;
    }
  }
  return out;
}

/** Parses one Authentication-Results header value (RFC 8601). Returns undefined when it has no authserv-id. */
export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const parts = stripComments(value.slice(0, 64 * 1024)).split(';');
  const authservId = parts[0]?.trim().split(/\s+/)[0]?.toLowerCase();
  if (!authservId) return undefined;
  const results: AuthResult[] = [];
  for (const part of parts.slice(1)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const head = tokens.shift();
    if (!head?.includes('=')) continue;
    const [method, result] = head.split('=', 2) as [string, string];
    const props: Record<string, string> = {};
    for (const t of tokens) {
      const eq = t.indexOf('=');
      if (eq > 0) props[t.slice(0, eq).toLowerCase()] = t.slice(eq + 1).replace(/^"|"$/g, '');
    }
    results.push({ method: method.toLowerCase(), result: result.toLowerCase(), props });
  }
  return { authservId, results };
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The trust of a From address according to the topmost Authentication-Results header written by one
 * of the configured authserv-ids.
 */
export function trustFromAuthenticationResults(
  headers: readonly { key: string; value: string }[],
  from: string,
  options: AuthenticationTrustOptions,
): { trust: Trust; reason?: string } {
  const trusted = options.trustAuthenticationResultsFrom?.map((s) => s.toLowerCase());
  if (!trusted || trusted.length === 0) return { trust: 'provider' };
  for (const header of headers) {
    if (header.key !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(header.value);
    if (!parsed || !trusted.includes(parsed.authservId)) continue;
    const dmarc = parsed.results.find((r) => r.method === 'dmarc');
    if (!dmarc) return { trust: 'unverified', reason: `${parsed.authservId}: no DMARC result` };
    const headerFrom = dmarc.props['header.from']?.toLowerCase();
    if (dmarc.result === 'pass' && (!headerFrom || headerFrom === domainOf(from))) {
      return { trust: 'provider', reason: `${parsed.authservId}: dmarc=pass` };
    }
    return { trust: 'unverified', reason: `${parsed.authservId}: dmarc=${dmarc.result}` };
  }
  return { trust: 'unverified', reason: 'no Authentication-Results from a trusted server' };
}
