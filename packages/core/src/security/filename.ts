/**
 * Attachment filenames come from whoever sent the message. Before one names a file on disk (or in a
 * Content-Disposition header), `safeFilename` makes it a single harmless path segment: no directory
 * part, no `..`, no control or bidi-override characters (which disguise `gpj.exe` as `exe.jpg`), no
 * characters Windows refuses, no reserved device names, a bounded length — and the extension kept.
 */

export interface SafeFilenameOptions {
  /** Returned when nothing usable is left. Default `attachment`. */
  fallback?: string;
  /** The cap in UTF-8 bytes (most filesystems allow 255). Default 200. */
  maxBytes?: number;
}

// C0/C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const EXTENSION = /\.[\p{L}\p{N}_-]{1,16}$/u;

const encoder = new TextEncoder();
function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** Cuts `s` to at most `bytes` UTF-8 bytes without splitting a character. */
function cutToBytes(s: string, bytes: number): string {
  if (utf8Length(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const size = utf8Length(ch);
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/**
 * One safe path segment for an untrusted filename.
 *
 * @example
 * ```ts
 * safeFilename('../../etc/passwd'); // 'passwd'
 * safeFilename('C:\\Windows\\system32\\CON.txt'); // '_CON.txt'
 * safeFilename('invoice\u202Egpj.exe'); // 'invoicegpj.exe'
 * ```
 */
export function safeFilename(name: unknown, options: SafeFilenameOptions = {}): string {
  const fallback = options.fallback ?? 'attachment';
  const maxBytes = Math.max(16, options.maxBytes ?? 200);
  if (typeof name !== 'string') return fallback;
  // Bound the work before any regex runs over a hostile multi-megabyte "name".
  let s = name.length > 4096 ? name.slice(-4096) : name;
  s = s.normalize('NFC').replace(LONE_SURROGATE, '').replace(INVISIBLE, '');
  // The last segment of any path, Unix or Windows (a drive letter is a colon, handled below).
  const segments = s.split(/[/\\]+/).filter((seg) => seg !== '');
  s = segments.length > 0 ? segments[segments.length - 1]! : '';
  s = s.replace(WINDOWS_FORBIDDEN, '_');
  // Leading dots/spaces make hidden files or `..`; trailing ones are silently dropped by Windows.
  s = s.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (s === '') return fallback;
  const stem = s.split('.')[0]!.trim();
  if (RESERVED.test(stem)) s = `_${s}`;
  if (utf8Length(s) > maxBytes) {
    const ext = EXTENSION.exec(s)?.[0] ?? '';
    const head = cutToBytes(s.slice(0, s.length - ext.length), maxBytes - utf8Length(ext));
    s = `${head.replace(/[.\s]+$/, '')}${ext}`;
  }
  return s === '' || s === '.' ? fallback : s;
}
