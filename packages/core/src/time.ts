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
