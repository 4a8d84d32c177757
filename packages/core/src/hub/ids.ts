// 128 random bits an id, as hex. Drawn from a pool refilled 256 ids at a time: one call into the
// system's random source per pool instead of one per id (crypto.randomUUID plus stripping its
// dashes cost a few microseconds of every ingest).
const POOL_BYTES = 16 * 256;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;
const HEX_CODES = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const UNDERSCORE = 95;

/** `<prefix>_<32 hex digits>`: 128 random bits, like a UUID without its dashes and version digits. */
export function randomId(prefix: string): string {
  if (offset === POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  // Built from char codes in one call, so the id is one flat string. Appending the digits pair by pair
  // made a chain of a dozen linked string pieces that every stored record kept: about 400 bytes an id
  // instead of 64, and more for the garbage collector to copy on each ingest.
  const n = prefix.length;
  const codes = new Array<number>(n + 33);
  for (let i = 0; i < n; i++) codes[i] = prefix.charCodeAt(i);
  codes[n] = UNDERSCORE;
  for (let i = 0; i < 16; i++) {
    const byte = pool[offset + i]!;
    codes[n + 1 + 2 * i] = HEX_CODES[byte >> 4]!;
    codes[n + 2 + 2 * i] = HEX_CODES[byte & 15]!;
  }
  offset += 16;
  return String.fromCharCode(...codes);
}
