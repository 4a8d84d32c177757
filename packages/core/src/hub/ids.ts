// 128 random bits an id, as hex. Drawn from a pool refilled 256 ids at a time: one call into the
// system's random source per pool instead of one per id (crypto.randomUUID plus stripping its
// dashes cost a few microseconds of every ingest).
const POOL_BYTES = 16 * 256;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `<prefix>_<32 hex digits>`: 128 random bits, like a UUID without its dashes and version digits. */
export function randomId(prefix: string): string {
  if (offset === POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  let hex = '';
  for (let i = offset; i < offset + 16; i++) hex += HEX[pool[i]!];
  offset += 16;
  return `${prefix}_${hex}`;
}
