// Adapters turn provider times (Unix seconds or milliseconds) into ISO text for every event, and
// `new Date(ms).toISOString()` was a visible share of parsing a webhook. Events of one payload share
// their day, so the date part is formatted by Date once per day and the time of day by string math.
const DAY_MS = 86_400_000;
// Year 10000: from there toISOString writes six-digit years.
const YEAR_10000_MS = 253_402_300_800_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
let lastDay = Number.NaN;
let lastDayPrefix = '';

/**
 * `new Date(ms).toISOString()`, without a Date per call for times from 1970 to the year 9999 (others go
 * through Date as they are, so an invalid time throws the same RangeError).
 *
 * @example
 * ```ts
 * isoFromEpochMs(1_700_000_000_123); // '2023-11-14T22:13:20.123Z'
 * ```
 */
export function isoFromEpochMs(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY_MS);
  if (day !== lastDay) {
    lastDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    lastDay = day;
  }
  const t = whole - day * DAY_MS;
  const seconds = Math.floor(t / 1000);
  return `${lastDayPrefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${pad3(t % 1000)}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// `YYYY-MM-DDTHH:MM:SS.mmmZ`: the separator expected at each position (0 for a digit).
const ISO_SHAPE = '0000-00-00T00:00:00.000Z';
const ISO_SHAPE_SECONDS = '0000-00-00T00:00:00Z';

function hasShape(value: string, shape: string): boolean {
  for (let i = 0; i < shape.length; i++) {
    const c = value.charCodeAt(i);
    const expected = shape.charCodeAt(i);
    if (expected === 48 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

/**
 * What `new Date(Date.parse(value)).toISOString()` gives for `YYYY-MM-DDTHH:MM:SS[.mmm]Z` with
 * fields in range, computed without Date; undefined for anything else (callers then use Date,
 * which also rolls over impossible days such as 02-30, hence the day check here). Provider times
 * mostly come in this form, and Date was a visible share of parsing them.
 *
 * @example
 * ```ts
 * canonicalIso('2026-11-23T08:00:00Z'); // '2026-11-23T08:00:00.000Z'
 * canonicalIso('2026-02-30T08:00:00Z'); // undefined (Date would roll it over to March 2)
 * ```
 */
export function canonicalIso(value: string): string | undefined {
  const full = value.length === 24 && hasShape(value, ISO_SHAPE);
  if (!full && !(value.length === 20 && hasShape(value, ISO_SHAPE_SECONDS))) return undefined;
  const two = (at: number) => (value.charCodeAt(at) - 48) * 10 + value.charCodeAt(at + 1) - 48;
  const year = two(0) * 100 + two(2);
  const month = two(5);
  const day = two(8);
  if (month < 1 || month > 12 || day < 1 || two(11) > 23 || two(14) > 59 || two(17) > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  return full ? value : `${value.slice(0, 19)}.000Z`;
}
