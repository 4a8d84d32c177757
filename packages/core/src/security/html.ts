/**
 * `sanitizeHtml` — an allowlist sanitizer for the HTML part of an email before an inbox renders it.
 * No dependency: a small tokenizer that follows the browser's rules for where tags, comments and
 * raw-text elements begin and end, then rebuilds only allowlisted elements and attributes, with every
 * attribute value re-escaped and every URL checked after entity decoding. What is not allowed is
 * dropped; the text inside unknown (but harmless) elements is kept, the content of dangerous ones
 * (script, style, iframe, object, embed, form, svg, …) is dropped with them. One linear pass.
 */

const ALLOWED_TAGS = new Set([
  'a',
  'abbr',
  'address',
  'b',
  'bdi',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
]); // prettier-ignore

const VOID_TAGS = new Set(['br', 'col', 'hr', 'img', 'wbr']);

/** Elements dropped together with everything inside them. */
const DROP_WITH_CONTENT = new Set([
  'applet',
  'audio',
  'base',
  'button',
  'embed',
  'form',
  'frame',
  'frameset',
  'head',
  'iframe',
  'input',
  'link',
  'math',
  'meta',
  'noembed',
  'noframes',
  'noscript',
  'object',
  'option',
  'param',
  'script',
  'select',
  'style',
  'svg',
  'template',
  'textarea',
  'title',
  'video',
  'xmp',
  'plaintext',
  'portal',
]); // prettier-ignore

/** Elements whose content the browser reads as raw text up to `</name`: no tags inside them. */
const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
]); // prettier-ignore

const GLOBAL_ATTRS = new Set(['title', 'dir', 'lang', 'align', 'valign']);
const TAG_ATTRS: Record<string, Set<string>> = {
  a: new Set(['href', 'name', 'target']),
  img: new Set(['src', 'alt', 'width', 'height', 'border']),
  table: new Set(['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'summary']),
  td: new Set(['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'nowrap']),
  th: new Set(['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'nowrap', 'scope']),
  tr: new Set(['bgcolor']),
  col: new Set(['span', 'width']),
  colgroup: new Set(['span', 'width']),
  font: new Set(['color', 'face', 'size']),
  ol: new Set(['start', 'type', 'reversed']),
  ul: new Set(['type']),
  li: new Set(['value']),
  blockquote: new Set(['cite']),
  q: new Set(['cite']),
  del: new Set(['cite', 'datetime']),
  ins: new Set(['cite', 'datetime']),
  details: new Set(['open']),
  hr: new Set(['width', 'size', 'noshade']),
};
const URL_ATTRS = new Set(['href', 'src', 'cite']);
const LINK_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
const IMAGE_SCHEMES = new Set(['http', 'https', 'cid']);
const DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*$/i;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  colon: ':',
  tab: '\t',
  newline: '\n',
  sol: '/',
  lpar: '(',
  rpar: ')',
  semi: ';',
  comma: ',',
  period: '.',
  excl: '!',
}; // prettier-ignore

/** Decodes numeric and the common named character references (semicolon optional, as browsers do). */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (match, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return '\ufffd';
      }
      return String.fromCodePoint(code);
    }
    return NAMED[body.toLowerCase()] ?? match;
  });
}

function escapeText(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A URL is kept only with an allowed scheme (or none: relative), judged after decoding. */
function safeUrl(value: string, tag: string, attr: string): string | undefined {
  // Browsers ignore controls and whitespace inside a scheme (`java\tscript:`); so do we.
  const compact = value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\ufeff]/g,
    '',
  );
  if (tag === 'img' && attr === 'src' && /^data:/i.test(compact)) {
    return DATA_IMAGE.test(value.trim()) ? value.trim() : undefined;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // No scheme before the first / ? #: relative. A colon there would be an unparsed scheme; refuse.
    const head = compact.split(/[/?#]/, 1)[0] ?? '';
    return head.includes(':') || head.includes('&') ? undefined : value.trim();
  }
  const allowed = tag === 'img' && attr === 'src' ? IMAGE_SCHEMES : LINK_SCHEMES;
  return allowed.has(scheme) ? value.trim() : undefined;
}

interface Attr {
  name: string;
  value: string;
}

const WS = /[\t\n\f\r ]/;

/**
 * Reads the attributes of a tag starting at `i` (after its name). Returns them, the end index and
 * whether the tag ends with `/>` (a `/` of an unquoted value, `<svg x=y/>`, does not count: the browser
 * reads it as part of the value).
 */
function readAttributes(
  html: string,
  start: number,
): { attrs: Attr[]; end: number; selfClosing: boolean } | undefined {
  const attrs: Attr[] = [];
  let i = start;
  const n = html.length;
  let slash = false;
  while (i < n) {
    const c = html[i]!;
    if (c === '>') return { attrs, end: i + 1, selfClosing: slash };
    if (WS.test(c) || c === '/') {
      slash = c === '/';
      i++;
      continue;
    }
    slash = false;
    let j = i + 1; // an attribute name may start with any character except whitespace, / and >
    while (j < n && !WS.test(html[j]!) && html[j] !== '/' && html[j] !== '>' && html[j] !== '=') j++;
    const name = html.slice(i, j).toLowerCase();
    i = j;
    while (i < n && WS.test(html[i]!)) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < n && WS.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close < 0) return undefined;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        let k = i;
        while (k < n && !WS.test(html[k]!) && html[k] !== '>') k++;
        value = html.slice(i, k);
        i = k;
      }
    }
    if (attrs.length < 64) attrs.push({ name, value: decodeEntities(value) });
  }
  return undefined; // an unterminated tag: the browser drops it, so do we
}

function renderStartTag(tag: string, attrs: Attr[]): string {
  const allowed = TAG_ATTRS[tag];
  let out = `<${tag}`;
  const seen = new Set<string>();
  let linked = false;
  for (const { name, value } of attrs) {
    if (seen.has(name) || !/^[a-z][a-z-]*$/.test(name)) continue;
    if (!GLOBAL_ATTRS.has(name) && !allowed?.has(name)) continue;
    seen.add(name);
    let kept: string | undefined = value;
    if (URL_ATTRS.has(name)) kept = safeUrl(value, tag, name);
    else if (name === 'target') kept = value === '_blank' ? '_blank' : undefined;
    if (kept === undefined) continue;
    if (tag === 'a' && name === 'href') linked = true;
    out += ` ${name}="${escapeAttr(kept)}"`;
  }
  if (linked) out += ' rel="noopener noreferrer nofollow"';
  return `${out}>`;
}

/**
 * Sanitizes untrusted HTML (an email's HTML part) for rendering in a page: keeps text, links (http,
 * https, mailto, tel), basic formatting, lists, tables and images (http, https, cid and base64
 * `data:image/*`); drops script, style, iframe, object, embed, form, svg and the like with their
 * content, every `on*` and `style` attribute, and `javascript:`/`vbscript:`/`data:` URLs.
 *
 * @example
 * ```ts
 * sanitizeHtml('<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><script>alert(1)</script>');
 * // '<p>Hi <a>there</a></p>'
 * ```
 */
export function sanitizeHtml(html: string): string {
  if (typeof html !== 'string') return '';
  const n = html.length;
  let out = '';
  const open: string[] = [];
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += escapeText(html.slice(i));
      break;
    }
    out += escapeText(html.slice(i, lt));
    i = lt;
    const next = html[i + 1] ?? '';
    if (html.startsWith('<!--', i)) {
      const close = html.indexOf('-->', i + 4);
      const bang = html.indexOf('--!>', i + 4);
      const end = close < 0 ? bang : bang < 0 ? close : Math.min(close, bang);
      if (end < 0) break; // an unterminated comment swallows the rest
      i = end + (end === bang ? 4 : 3);
      continue;
    }
    if (next === '!' || next === '?' || (next === '/' && !/[a-z]/i.test(html[i + 2] ?? ''))) {
      // Doctype, CDATA, processing instructions, `</ bogus>`: bogus comments up to the next `>`.
      if (next === '/' && html[i + 2] === undefined) break;
      const end = html.indexOf('>', i + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const closing = next === '/';
    const nameStart = i + (closing ? 2 : 1);
    if (!/[a-z]/i.test(html[nameStart] ?? '')) {
      out += '&lt;';
      i++;
      continue;
    }
    let j = nameStart;
    while (j < n && !WS.test(html[j]!) && html[j] !== '/' && html[j] !== '>') j++;
    const tag = html.slice(nameStart, j).toLowerCase();
    const parsed = readAttributes(html, j);
    if (!parsed) break;
    i = parsed.end;
    if (closing) {
      const at = open.lastIndexOf(tag);
      if (at >= 0) {
        while (open.length > at) out += `</${open.pop()}>`;
      }
      continue;
    }
    if (DROP_WITH_CONTENT.has(tag)) {
      if (!(parsed.selfClosing && FOREIGN.has(tag))) i = skipElement(html, i, tag);
      continue;
    }
    if (!ALLOWED_TAGS.has(tag)) continue;
    out += renderStartTag(tag, parsed.attrs);
    if (!VOID_TAGS.has(tag)) open.push(tag);
  }
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** The index after the end of a dropped element's content (after its end tag, or the end of input). */
function skipElement(html: string, from: number, tag: string): number {
  if (VOID_LIKE.has(tag)) return from;
  // Case-insensitive regexes on the original (lower-casing can change a string's length).
  if (RAW_TEXT.has(tag)) {
    const endTag = new RegExp(`</${tag}(?=[\\t\\n\\f\\r />])`, 'gi');
    endTag.lastIndex = from;
    const m = endTag.exec(html);
    if (!m) return html.length;
    const gt = html.indexOf('>', m.index);
    return gt < 0 ? html.length : gt + 1;
  }
  // Normal elements (svg, form, object, …) nest: count same-name start and end tags.
  const any = new RegExp(`<(/?)${tag}(?=[\\t\\n\\f\\r />])`, 'gi');
  any.lastIndex = from;
  let depth = 1;
  for (let m = any.exec(html); m; m = any.exec(html)) {
    if (!m[1] && FOREIGN.has(tag)) {
      // A nested `<svg/>` opens nothing. Its attributes are read once: the search goes on after it.
      const nested = readAttributes(html, m.index + 1 + tag.length);
      if (!nested) return html.length;
      any.lastIndex = nested.end;
      if (nested.selfClosing) continue;
    }
    depth += m[1] ? -1 : 1;
    if (depth === 0) {
      const gt = html.indexOf('>', m.index);
      return gt < 0 ? html.length : gt + 1;
    }
  }
  return html.length;
}

/**
 * SVG and MathML: foreign elements, where `<svg/>` is complete (in HTML, `<form/>` stays open), so
 * only the tag goes and what follows is kept.
 */
const FOREIGN = new Set(['svg', 'math']);

/** Dropped elements that have no content (void): only the tag itself goes. */
const VOID_LIKE = new Set(['base', 'embed', 'frame', 'input', 'link', 'meta', 'param', 'portal']);
