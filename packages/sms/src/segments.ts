/**
 * SMS segment counting (3GPP TS 23.038 / 23.040). A text that fits the GSM 03.38 alphabet goes as
 * GSM-7: 160 septets in one segment, 153 per segment once concatenated (the 6-byte User Data Header
 * takes 7 septets). Characters of the extension table (`€ [ ] { } \ ^ ~ |` and form feed) take two
 * septets (an escape, then the character) and are never split across segments. Anything else forces
 * UCS-2 for the whole message: 70 UTF-16 code units in one segment, 67 once concatenated, with a
 * surrogate pair (an emoji) never split.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  /** GSM-7 when every character is in the GSM 03.38 alphabet (with its extension table), else UCS-2. */
  encoding: SmsEncoding;
  /** How many SMS segments the text is sent (and billed) as. An empty text is still one message. */
  segments: number;
  /** Capacity of one segment for this text: 160/153 (GSM-7) or 70/67 (UCS-2), in `length` units. */
  charactersPerSegment: number;
  /** Length in the encoding's units: septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  length: number;
  /** Units left in the last segment before one more segment is needed. */
  remainingInSegment: number;
  /** The characters that forced UCS-2 (at most 10, first seen first), so an app can suggest replacing them. */
  nonGsmCharacters: string[];
}

const GSM_SINGLE = 160;
const GSM_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

/** Packs units into segments of `capacity`, never splitting an indivisible unit (an escape pair, a surrogate pair). */
function pack(units: number[], capacity: number): { segments: number; lastFill: number } {
  let segments = 1;
  let fill = 0;
  for (const size of units) {
    if (fill + size > capacity) {
      segments++;
      fill = 0;
    }
    fill += size;
  }
  return { segments, lastFill: fill };
}

/**
 * Counts the SMS segments of a text, the way carriers and Twilio bill it, so an app can warn before
 * sending a long or emoji-laden message.
 *
 * @example
 * ```ts
 * countSegments('Your order has shipped');  // { encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, length: 22, … }
 * countSegments('Thanks! 🙏');             // { encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, length: 10, … }
 * countSegments('€'.repeat(81)).segments;  // 2 — each € takes two septets
 * ```
 */
export function countSegments(text: string): SegmentCount {
  const chars = [...text];
  const nonGsm: string[] = [];
  for (const ch of chars) {
    if (!BASIC.has(ch) && !EXTENSION.has(ch) && !nonGsm.includes(ch)) {
      nonGsm.push(ch);
      if (nonGsm.length >= 10) break;
    }
  }
  if (nonGsm.length === 0) {
    const units = chars.map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    const length = units.reduce((a, b) => a + b, 0);
    if (length <= GSM_SINGLE) {
      return {
        encoding: 'GSM-7',
        segments: 1,
        charactersPerSegment: GSM_SINGLE,
        length,
        remainingInSegment: GSM_SINGLE - length,
        nonGsmCharacters: [],
      };
    }
    const { segments, lastFill } = pack(units, GSM_MULTI);
    return {
      encoding: 'GSM-7',
      segments,
      charactersPerSegment: GSM_MULTI,
      length,
      remainingInSegment: GSM_MULTI - lastFill,
      nonGsmCharacters: [],
    };
  }
  const units = chars.map((ch) => ch.length);
  const length = text.length;
  if (length <= UCS2_SINGLE) {
    return {
      encoding: 'UCS-2',
      segments: 1,
      charactersPerSegment: UCS2_SINGLE,
      length,
      remainingInSegment: UCS2_SINGLE - length,
      nonGsmCharacters: nonGsm,
    };
  }
  const { segments, lastFill } = pack(units, UCS2_MULTI);
  return {
    encoding: 'UCS-2',
    segments,
    charactersPerSegment: UCS2_MULTI,
    length,
    remainingInSegment: UCS2_MULTI - lastFill,
    nonGsmCharacters: nonGsm,
  };
}
