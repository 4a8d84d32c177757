/**
 * Structural problems the MIME parser silently tolerates, reported as typed warnings: unknown
 * transfer encodings and charsets in any part, duplicated single-occurrence headers, a first line
 * that is not a header. One linear pass over the lines (at most the first 4 MiB).
 */
const KNOWN_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);
const SINGLE = [
  'from',
  'sender',
  'to',
  'cc',
  'subject',
  'message-id',
  'date',
  'in-reply-to',
  'references',
  'content-type',
];
const SCAN_BYTES = 4 * 1024 * 1024;

function charsetKnown(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

export function lintMime(bytes: Uint8Array, topHeaders: readonly { key: string }[]): string[] {
  const warnings = new Set<string>();
  const counts = new Map<string, number>();
  for (const h of topHeaders) counts.set(h.key, (counts.get(h.key) ?? 0) + 1);
  for (const key of SINGLE)
    if ((counts.get(key) ?? 0) > 1) warnings.add(`duplicate-header: ${counts.get(key)} ${key} fields`);

  const text = Buffer.from(bytes.subarray(0, SCAN_BYTES)).toString('latin1');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0).replace(/\r$/, '');
  if (firstLine !== '' && !/^[!-9;-~]{1,200}:/.test(firstLine)) {
    warnings.add(
      `malformed-header: the message does not start with a header field (${JSON.stringify(firstLine.slice(0, 60))})`,
    );
  }
  let inHeaderOf = 'content-type';
  for (let start = 0; start < text.length && warnings.size < 20; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 1000));
    start = end + 1;
    const lower = line.toLowerCase();
    if (lower.startsWith('content-transfer-encoding:')) {
      const value = lower.slice(26).trim().replace(/;$/, '');
      if (!KNOWN_ENCODINGS.has(value))
        warnings.add(`unknown-transfer-encoding: ${JSON.stringify(value.slice(0, 40))}`);
    }
    if (/^[a-z0-9-]{1,80}:/.test(lower)) inHeaderOf = lower.slice(0, lower.indexOf(':'));
    if (
      inHeaderOf === 'content-type' &&
      (lower.startsWith('content-type:') || lower.startsWith(' ') || lower.startsWith('\t'))
    ) {
      const m = /charset\s*=\s*"?([^";\s]{1,60})/.exec(lower);
      if (m && !charsetKnown(m[1]!)) warnings.add(`unknown-charset: ${JSON.stringify(m[1])}`);
    }
  }
  return [...warnings];
}
