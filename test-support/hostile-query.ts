import fc from 'fast-check';

/**
 * Hostile query strings for the GET verification endpoints (Meta's `hub.*` check, X's CRC), built
 * from raw parts, with what a correct form decoder reads back from each: the expectations come from
 * this independent decoder, not from the URLSearchParams the adapters use. Test support shared by
 * the adapters' suites (WhatsApp Cloud, Messenger/Instagram, X): it lives outside every package, so
 * no adapter imports another's code, and it is not published.
 */

export interface QueryPart {
  /** The key and value as they appear in the URL (value undefined: a bare key, no `=`). */
  rawKey: string;
  rawValue: string | undefined;
}

const hexValue = (byte: number | undefined) =>
  byte === undefined
    ? -1
    : byte >= 0x30 && byte <= 0x39
      ? byte - 0x30
      : (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66
        ? (byte | 0x20) - 0x57
        : -1;

/** application/x-www-form-urlencoded decoding of one name or value, as the URL Standard defines it. */
export function formDecode(raw: string): string {
  const bytes = Buffer.from(raw.replaceAll('+', ' '), 'utf8');
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const high = bytes[i] === 0x25 ? hexValue(bytes[i + 1]) : -1;
    const low = high < 0 ? -1 : hexValue(bytes[i + 2]);
    if (low < 0) out[n++] = bytes[i]!;
    else {
      out[n++] = high * 16 + low;
      i += 2;
    }
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(out.subarray(0, n));
}

/** The decoded [name, value] pairs of the parts, in order. */
export function decodedPairs(parts: QueryPart[]): Array<[string, string]> {
  return parts.map((p) => [formDecode(p.rawKey), p.rawValue === undefined ? '' : formDecode(p.rawValue)]);
}

/** Every decoded value of `name`. */
export const valuesOf = (parts: QueryPart[], name: string) =>
  decodedPairs(parts)
    .filter(([k]) => k === name)
    .map(([, v]) => v);

export function queryString(parts: QueryPart[], separators: string[] = []): string {
  return parts
    .map(
      (p, i) => (separators[i] ?? '') + (p.rawValue === undefined ? p.rawKey : `${p.rawKey}=${p.rawValue}`),
    )
    .join('&');
}

/** Text as the URL parser stores it (lone surrogates become U+FFFD), percent-encoded. */
export const encoded = (text: string) => encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));

// Raw text the URL parser keeps or percent-encodes reversibly: no `#`, `&`, `=`, tab, newline or
// other C0 controls and no space (those are stripped or end the part; they arrive encoded instead).
const RAW_UNIT = fc.constantFrom(
  ...'%zZ0aF9+<>"\'`é漢😀;/?:@!$()*,.~-_[]{}|\\^'.match(/[\s\S]/gu)!,
  '%E0',
  '%A4',
  '%C0%AF',
  '%00',
  '%0A',
  '%0D',
  '%3C',
  '%2B',
  '%26',
  '%3D',
  '%u0041',
  '%F0%9F%98',
  '%EF%BB%BF',
);
export const rawText = fc.string({ unit: RAW_UNIT, maxLength: 24 });

const HUGE = ['A'.repeat(100_000), '<'.repeat(50_000), '😀'.repeat(20_000), '%'.repeat(60_000)];

/** Values an attacker might send: markup, header injection, newlines, NUL, huge, any code point. */
export const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '<script>alert(1)</script>',
    '<html><body onload=alert(1)>x</body></html>',
    'a\r\nContent-Type: text/html\r\n\r\n<b>x</b>',
    '\n\n<svg/onload=alert(1)>',
    '\u0000',
    '\uFEFF<b>',
    'тест',
    '1158201444',
    ...HUGE,
  ),
);

/** A value, as it appears in the URL: properly encoded hostile text, or raw (invalid escapes, `+`, non-ASCII). */
export const rawValueOf = (text: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: text.map(encoded) }, { weight: 1, arbitrary: rawText });

/** A random part: one of `keys` (as sent, or raw variants such as `hub%2Emode`) or any raw key. */
export function partOf(keys: string[], values: fc.Arbitrary<string>): fc.Arbitrary<QueryPart> {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...keys.map((k) => k.replace('.', '%2E'))) },
    { weight: 1, arbitrary: fc.constantFrom(...keys.flatMap((k) => [k.toUpperCase(), `${k}%00`, `${k}[]`])) },
    { weight: 1, arbitrary: rawText },
  );
  return fc.record({
    rawKey: key,
    rawValue: fc.option(rawValueOf(values), { nil: undefined, freq: 8 }),
  });
}

/**
 * The `base` parts (some or all of them) among random `noise` parts, at random places: a right
 * query with repeated, conflicting or garbage parameters around it.
 */
export function amid(
  base: fc.Arbitrary<QueryPart[]>,
  noise: fc.Arbitrary<QueryPart>,
): fc.Arbitrary<QueryPart[]> {
  const some = base.chain((parts) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(parts) }, { weight: 1, arbitrary: fc.subarray(parts) }),
  );
  return fc
    .tuple(some, fc.array(noise, { maxLength: 5 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }))
    .map(([kept, others, places]) => {
      const parts = [...others];
      for (const [i, part] of kept.entries()) parts.splice(places[i]! % (parts.length + 1), 0, part);
      return parts;
    });
}

/** Separators before a part: nothing, or empty parts (`&&`). */
export const separators = fc.array(fc.constantFrom('', '', '', '&', '&&'), { maxLength: 8 });

/**
 * Meta's GET subscription check (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`), the
 * same for WhatsApp Cloud, Messenger and Instagram: the parameters, the query that must pass (with
 * any challenge), values close to the right ones that must not, and values for random parameters.
 */
export function metaSubscriptionCheck(verifyToken: string) {
  const keys = ['hub.mode', 'hub.verify_token', 'hub.challenge'];
  const nearMissTokens = [
    verifyToken.toUpperCase(),
    `${verifyToken[0]!.toUpperCase()}${verifyToken.slice(1)}`,
    ` ${verifyToken}`,
    `${verifyToken} `,
    `${verifyToken}\u0000`,
    verifyToken.slice(0, -1),
    `${verifyToken}x`,
    verifyToken.replace('e', '\u0435'), // Cyrillic е
    verifyToken.replace('-', '\u2010'), // Unicode hyphen
    '',
  ].filter((token) => token !== verifyToken);
  const wrongModes = [
    'SUBSCRIBE',
    'Subscribe',
    'subscribe ',
    ' subscribe',
    'unsubscribe',
    'subscribe\u0000',
    '',
  ];
  const rightQuery = hostileText.map((challenge): QueryPart[] => [
    { rawKey: 'hub.mode', rawValue: 'subscribe' },
    { rawKey: 'hub.verify_token', rawValue: encoded(verifyToken) },
    { rawKey: 'hub.challenge', rawValue: encoded(challenge) },
  ]);
  const value = fc.oneof(
    fc.constantFrom('subscribe', verifyToken, ...nearMissTokens, ...wrongModes),
    hostileText,
  );
  return { keys, nearMissTokens, wrongModes, rightQuery, value };
}
