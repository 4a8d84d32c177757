import { REDACTION_KINDS, type RedactionKind, type RedactOption } from './types.js';

/** One span of a string that was replaced, in the coordinates of the redacted string. */
export interface RedactedSpan {
  kind: RedactionKind;
  start: number;
  end: number;
}

interface Match {
  kind: RedactionKind;
  start: number;
  end: number;
}

const DIGIT_WORDS: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

// Every pattern below is linear: bounded repetitions, no nested unbounded quantifiers.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
const SSN = /(?<!\d)\d{3}([- ])\d{2}\1\d{4}(?!\d)/g;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/y;
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?!\d)|(?<![\w+])\+\d{8,15}(?!\d)/g;
const CVV =
  /\b(?:security code|cvv2?|cvc2?|card verification(?: code| value)?)\b[^\d\n]{0,24}(\d{3,4})(?!\d)/gi;
// A run of spoken digits ("four one five, five five five…"), words separated by spaces, commas or dashes.
const SPOKEN =
  /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|o)\b(?:[\s,.-]{1,3}(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|o)\b){6,}/gi;

/** The Luhn checksum of a digit string, as every payment card number carries. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function kindsOf(option: RedactOption | undefined): ReadonlySet<RedactionKind> {
  if (!option) return new Set();
  if (option === true) return new Set(REDACTION_KINDS);
  return new Set(option.kinds);
}

/**
 * Emails, found from each `@` outwards rather than by one regex over the text: a regex starting at
 * every letter would backtrack on long runs of letters without an `@`.
 */
function emails(text: string): Match[] {
  const found: Match[] = [];
  let cursor = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > cursor && at - start < 64 && LOCAL_CHAR.test(text[start - 1]!)) start--;
    if (start === at) continue;
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    if (!domain) continue;
    found.push({ kind: 'email', start, end: at + 1 + domain[0].length });
    cursor = at + 1 + domain[0].length;
  }
  return found;
}

function collect(text: string, kinds: ReadonlySet<RedactionKind>): Match[] {
  const found: Match[] = [];
  if (kinds.has('card')) {
    for (const m of text.matchAll(CARD)) {
      const digits = m[0].replace(/\D/g, '');
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits))
        found.push({ kind: 'card', start: m.index, end: m.index + m[0].length });
    }
  }
  if (kinds.has('ssn'))
    for (const m of text.matchAll(SSN))
      found.push({ kind: 'ssn', start: m.index, end: m.index + m[0].length });
  if (kinds.has('email')) for (const m of emails(text)) found.push(m);
  if (kinds.has('phone'))
    for (const m of text.matchAll(PHONE))
      found.push({ kind: 'phone', start: m.index, end: m.index + m[0].length });
  if (kinds.has('cvv')) {
    for (const m of text.matchAll(CVV)) {
      const digits = m[1] as string;
      const end = m.index + m[0].length;
      found.push({ kind: 'cvv', start: end - digits.length, end });
    }
  }
  for (const m of text.matchAll(SPOKEN)) {
    const digits = m[0]
      .toLowerCase()
      .split(/[\s,.-]+/)
      .filter(Boolean)
      .map((w) => DIGIT_WORDS[w] ?? '')
      .join('');
    // A spoken number is classified by its shape: 9 digits is an SSN, a Luhn-valid 13-19 a card, the rest a phone.
    const kind: RedactionKind =
      digits.length === 9
        ? 'ssn'
        : digits.length >= 13 && digits.length <= 19 && luhnValid(digits)
          ? 'card'
          : 'phone';
    if (kinds.has(kind)) found.push({ kind, start: m.index, end: m.index + m[0].length });
  }
  return found;
}

/**
 * Replaces PII in `text` by `[REDACTED:<kind>]`. Overlapping finds keep the earliest, then the
 * longest (a card number is not also reported as a phone number). Spans are given in the
 * coordinates of the returned string, where the placeholders are.
 */
export function redactText(
  text: string,
  option: RedactOption | undefined,
): { text: string; spans: RedactedSpan[] } {
  if (!option || text.length === 0) return { text, spans: [] };
  const kinds = kindsOf(option);
  if (kinds.size === 0) return { text, spans: [] };
  const matches = collect(text, kinds).sort(
    (a, b) => a.start - b.start || b.end - b.start - (a.end - a.start),
  );
  let out = '';
  let cursor = 0;
  const spans: RedactedSpan[] = [];
  for (const m of matches) {
    if (m.start < cursor) continue;
    out += text.slice(cursor, m.start);
    const placeholder = `[REDACTED:${m.kind}]`;
    spans.push({ kind: m.kind, start: out.length, end: out.length + placeholder.length });
    out += placeholder;
    cursor = m.end;
  }
  out += text.slice(cursor);
  return { text: out, spans };
}

/** Whether a redaction option asks for anything. */
export function redactionEnabled(option: RedactOption | undefined): boolean {
  return option === true || (!!option && kindsOf(option).size > 0);
}
