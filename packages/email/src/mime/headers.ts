import type { EmailAddress } from './types.js';

const ENCODED_WORD = /=\?([^?\s]{1,64})\?([BbQq])\?([^?\s]{0,2000})\?=/g;

function decodeBytes(charset: string, bytes: Uint8Array): string {
  const label = charset.split('*')[0]!.toLowerCase();
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Decodes RFC 2047 encoded words (`=?utf-8?Q?Caf=C3=A9?=`); white space between two words goes. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(ENCODED_WORD, (_m, charset: string, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return decodeBytes(charset, Buffer.from(text, 'base64'));
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === '_') bytes.push(0x20);
        else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push(c.charCodeAt(0) & 0xff);
      }
      return decodeBytes(charset, Uint8Array.from(bytes));
    });
}

/** A raw header block ("Key: value\r\n folded…") as `{ key (lower case), value }` in order. */
export function parseHeaderBlock(block: string, maxHeaders = 1000): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && out.length > 0) {
      out[out.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (out.length >= maxHeaders) break;
    out.push({ key: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

/**
 * Splits an address list (`"Doe, Jane" <jane@x.org>, bob@y.org`) into mailboxes, in one pass:
 * commas inside quotes, angle brackets or comments do not split. Group syntax is flattened.
 */
export function parseAddressList(value: string | undefined): EmailAddress[] {
  if (!value) return [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"' && comment === 0) quoted = !quoted;
    else if (!quoted && c === '(') comment++;
    else if (!quoted && c === ')' && comment > 0) comment--;
    else if (!quoted && comment === 0 && c === '<') angle++;
    else if (!quoted && comment === 0 && c === '>' && angle > 0) angle--;
    if (!quoted && angle === 0 && comment === 0 && (c === ',' || c === ';')) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  const out: EmailAddress[] = [];
  for (let part of parts) {
    // "Group: a@b" — drop the group name.
    const colon = part.indexOf(':');
    if (colon >= 0 && !part.slice(0, colon).includes('<') && !part.slice(0, colon).includes('"'))
      part = part.slice(colon + 1);
    part = part.trim();
    if (!part) continue;
    const open = part.lastIndexOf('<');
    const close = part.lastIndexOf('>');
    if (open >= 0 && close > open) {
      const name = decodeEncodedWords(
        part.slice(0, open).trim().replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'),
      );
      const address = part.slice(open + 1, close).trim();
      if (address) out.push(name ? { name, address } : { address });
    } else {
      out.push({ address: part.replace(/\([^()]*\)/g, '').trim() });
    }
  }
  return out;
}
