import { ValidationError } from '../errors.js';

/**
 * Email addresses as identities: the display name stripped, surrounding comments and folding white
 * space removed, the domain lower-cased, and anything that cannot be used as an SMTP address
 * (RFC 5321) refused with a `ValidationError` naming the problem. Obsolete RFC 5322 syntax (comments
 * next to the `@`, quoted strings glued to atoms, domain literals that are not IP addresses) is
 * refused too: such an address is not one a reply can be sent to.
 */

const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;
// RFC 5322 atext, plus any non-ASCII character for internationalized addresses (RFC 6531).
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uFFFF]$/;
// Control characters other than tab, CR and LF (which folding white space handles), and DEL.
const CONTROL = { test: (text: string) => /[\p{Cc}]/u.test(text.replace(/[\t\r\n]/g, '')) };

type Token =
  | { t: 'fws' }
  | { t: 'comment' }
  | { t: 'quoted'; text: string }
  | { t: 'domlit'; text: string }
  | { t: 'atom'; text: string }
  | { t: '.' }
  | { t: '@' };

function invalid(input: string, why: string): ValidationError {
  return new ValidationError(`Invalid email address ${JSON.stringify(input.slice(0, 100))}: ${why}`, {
    path: 'email',
  });
}

/** Reads folding white space at `i`; returns the index after it. Refuses CR without LF and bare line ends. */
function readFws(s: string, i: number, input: string): number {
  let crlfRuns = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === ' ' || c === '\t') {
      j++;
    } else if (c === '\r') {
      if (s[j + 1] !== '\n') throw invalid(input, 'a carriage return without a line feed');
      if (s[j + 2] !== ' ' && s[j + 2] !== '\t')
        throw invalid(input, 'a line break not followed by white space');
      crlfRuns++;
      j += 2;
    } else if (c === '\n') {
      throw invalid(input, 'a line feed without a carriage return');
    } else break;
  }
  // One folded line is fine; several in a row is obsolete syntax (RFC 5322 obs-FWS).
  if (crlfRuns > 1) throw invalid(input, 'obsolete folding white space');
  return j;
}

function readComment(s: string, i: number, input: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') {
      if (j + 1 >= s.length) throw invalid(input, 'a backslash at the end');
      if (CONTROL.test(s[j + 1]!)) throw invalid(input, 'a control character in a comment');
      j += 2;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    } else if (CONTROL.test(c)) throw invalid(input, 'a control character in a comment');
    else if (c === '\r' || c === '\n') {
      j = readFws(s, j, input);
      continue;
    }
    j++;
  }
  throw invalid(input, 'an unclosed comment');
}

function readQuoted(s: string, i: number, input: string): [number, string] {
  let j = i + 1;
  let text = '"';
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') {
      if (j + 1 >= s.length) throw invalid(input, 'a backslash at the end');
      const next = s[j + 1]!;
      if (CONTROL.test(next) || next === '\r' || next === '\n' || next === '\u0000')
        throw invalid(input, 'a quoted control character (obsolete)');
      // A quoted pair escapes a printable ASCII character or a space (RFC 5322 quoted-pair).
      if (next > '~') throw invalid(input, 'a backslash before a character that cannot be escaped');
      text += c + next;
      j += 2;
      continue;
    }
    if (c === '"') return [j + 1, `${text}"`];
    if (c === '\r' || c === '\n') throw invalid(input, 'a line break inside a quoted string');
    if (CONTROL.test(c) || c === '\u0000') throw invalid(input, 'a control character inside a quoted string');
    text += c;
    j++;
  }
  throw invalid(input, 'an unclosed quoted string');
}

function tokenize(s: string, input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i = readFws(s, i, input);
      tokens.push({ t: 'fws' });
    } else if (c === '(') {
      i = readComment(s, i, input);
      tokens.push({ t: 'comment' });
    } else if (c === ')') {
      throw invalid(input, 'an unexpected ")"');
    } else if (c === '"') {
      const [next, text] = readQuoted(s, i, input);
      tokens.push({ t: 'quoted', text });
      i = next;
    } else if (c === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw invalid(input, 'an unclosed domain literal');
      const text = s.slice(i + 1, end);
      if (/[[\\\s]/.test(text) || CONTROL.test(text)) throw invalid(input, 'a malformed domain literal');
      tokens.push({ t: 'domlit', text });
      i = end + 1;
    } else if (c === '.' || c === '@') {
      tokens.push({ t: c });
      i++;
    } else if (ATEXT.test(c)) {
      let j = i;
      while (j < s.length && ATEXT.test(s[j]!)) j++;
      tokens.push({ t: 'atom', text: s.slice(i, j) });
      i = j;
    } else {
      throw invalid(input, `an unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p));
}

function checkIpv6(text: string, input: string): void {
  let groupsText = text;
  let maxGroups = 8;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4(tail)) throw invalid(input, 'a malformed IPv4 part in an IPv6 literal');
    groupsText = text.slice(0, lastColon + 1) + '0';
    maxGroups = 7;
  }
  if (groupsText.includes(':::')) throw invalid(input, 'an IPv6 literal with ":::"');
  const doubleColons = groupsText.split('::').length - 1;
  if (doubleColons > 1) throw invalid(input, 'an IPv6 literal with "::" twice');
  const groups = groupsText.split(':');
  if (doubleColons === 0) {
    if (groups.length !== maxGroups) throw invalid(input, 'an IPv6 literal with the wrong number of groups');
  } else {
    if (groupsText.startsWith(':') && !groupsText.startsWith('::'))
      throw invalid(input, 'an IPv6 literal starting with ":"');
    if (groupsText.endsWith(':') && !groupsText.endsWith('::'))
      throw invalid(input, 'an IPv6 literal ending with ":"');
    const filled = groups.filter((g) => g !== '').length;
    if (filled > maxGroups - 1) throw invalid(input, 'an IPv6 literal with too many groups');
    // "::" standing for a single group is deprecated (RFC 5952 section 4.2.2).
    if (filled === maxGroups - 1) throw invalid(input, 'an IPv6 literal where "::" stands for one group');
  }
  for (const g of groups)
    if (g !== '' && !/^[0-9A-Fa-f]{1,4}$/.test(g)) throw invalid(input, 'a bad IPv6 group');
}

function checkDomainLiteral(text: string, input: string): string {
  if (isIpv4(text)) return `[${text}]`;
  if (/^IPv6:/i.test(text)) {
    checkIpv6(text.slice(5), input);
    return `[IPv6:${text.slice(5).toLowerCase()}]`;
  }
  throw invalid(input, 'a domain literal that is not an IP address');
}

function checkDomain(labels: string[], input: string): string {
  for (const label of labels) {
    if (label.length > MAX_LABEL) throw invalid(input, 'a domain label longer than 63 characters');
    if (label.startsWith('-') || label.endsWith('-'))
      throw invalid(input, 'a domain label starting or ending with "-"');
    if (!/^[A-Za-z0-9\-\u0080-\uFFFF]+$/.test(label))
      throw invalid(input, 'a character not allowed in a domain');
  }
  const domain = labels.join('.').toLowerCase();
  if (domain.length > MAX_DOMAIN) throw invalid(input, 'a domain longer than 253 characters');
  return domain;
}

/** Splits `a.b.c` token runs into atoms, refusing empty ones (leading, trailing or doubled dots). */
function dotAtoms(tokens: Token[], input: string, where: string): string[] {
  const parts: string[] = [];
  let expectAtom = true;
  for (const tok of tokens) {
    if (tok.t === '.') {
      if (expectAtom)
        throw invalid(input, parts.length === 0 ? `${where} starting with "."` : 'two dots in a row');
      expectAtom = true;
    } else if (tok.t === 'atom') {
      if (!expectAtom) throw invalid(input, `text where a "." was expected in the ${where}`);
      parts.push(tok.text);
      expectAtom = false;
    } else throw invalid(input, `obsolete syntax in the ${where}`);
  }
  if (expectAtom && parts.length > 0) throw invalid(input, `a ${where} ending with "."`);
  return parts;
}

/** Removes the display name: `"Jane" <jane@x.org>` and `Jane <jane@x.org>` give `jane@x.org`. */
export function stripDisplayName(input: string): string {
  const trimmed = input.trim();
  if (!trimmed.endsWith('>')) return input;
  const open = trimmed.lastIndexOf('<');
  if (open < 0) return input;
  return trimmed.slice(open + 1, -1);
}

/**
 * Normalizes an email address for use as an identity value.
 *
 * @example
 * ```ts
 * normalizeEmail('"Jane Doe" <Jane.Doe@Example.ORG>'); // 'Jane.Doe@example.org'
 * normalizeEmail('jane@@example.org'); // throws ValidationError
 * ```
 */
export function normalizeEmail(input: string): string {
  if (typeof input !== 'string')
    throw new ValidationError('An email address must be a string', { path: 'email' });
  if (input.length > 2048) throw invalid(input, 'longer than any email address can be');
  const bare = stripDisplayName(input);
  const tokens = tokenize(bare, input);
  // Comments and folding white space around the whole address are allowed and dropped.
  let start = 0;
  let end = tokens.length;
  while (start < end && (tokens[start]!.t === 'fws' || tokens[start]!.t === 'comment')) start++;
  while (end > start && (tokens[end - 1]!.t === 'fws' || tokens[end - 1]!.t === 'comment')) end--;
  const core = tokens.slice(start, end);
  const at = core.findIndex((t) => t.t === '@');
  if (at < 0) throw invalid(input, core.length === 0 ? 'empty' : 'no "@"');
  if (core.slice(at + 1).some((t) => t.t === '@')) throw invalid(input, 'more than one "@"');
  const localTokens = core.slice(0, at);
  const domainTokens = core.slice(at + 1);
  if (localTokens.length === 0) throw invalid(input, 'no local part before the "@"');
  if (domainTokens.length === 0) throw invalid(input, 'no domain after the "@"');
  if (
    localTokens.some((t) => t.t === 'fws' || t.t === 'comment') ||
    domainTokens.some((t) => t.t === 'fws' || t.t === 'comment')
  )
    throw invalid(input, 'white space or a comment inside the address (obsolete syntax)');

  let local: string;
  if (localTokens.length === 1 && localTokens[0]!.t === 'quoted') local = localTokens[0]!.text;
  else {
    if (localTokens.some((t) => t.t === 'quoted' || t.t === 'domlit'))
      throw invalid(input, 'a quoted string mixed with other text in the local part (obsolete syntax)');
    local = dotAtoms(localTokens, input, 'local part').join('.');
  }
  if (new TextEncoder().encode(local).length > MAX_LOCAL)
    throw invalid(input, 'a local part longer than 64 octets');

  let domain: string;
  if (domainTokens.length === 1 && domainTokens[0]!.t === 'domlit')
    domain = checkDomainLiteral(domainTokens[0]!.text, input);
  else {
    if (domainTokens.some((t) => t.t === 'domlit' || t.t === 'quoted'))
      throw invalid(input, 'a malformed domain');
    domain = checkDomain(dotAtoms(domainTokens, input, 'domain'), input);
  }
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS) throw invalid(input, 'longer than 254 characters');
  return address;
}

/** True when `input` normalizes without error. */
export function isValidEmail(input: string): boolean {
  try {
    normalizeEmail(input);
    return true;
  } catch {
    return false;
  }
}
